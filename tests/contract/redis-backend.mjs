// RedisLeases and RedisFencedStore as a contract-suite backend, over a node-redis v5 or an
// ioredis client connected to a private redis-server (tests/contract/redis-server.mjs). Each
// backend gets its own key prefix, so the cases never see each other's keys.
import { randomUUID } from "node:crypto";

import { Redis } from "ioredis";
import { createClient } from "redis";

import { RedisFencedStore, RedisLeases } from "../../redis/index.js";
import { startRedis } from "./redis-server.mjs";

/** A connected client of `kind` ("node-redis" or "ioredis") for `server`. */
export async function connect(kind, server) {
  if (kind === "node-redis") {
    const client = createClient({ url: server.url });
    client.on("error", () => {});
    await client.connect();
    return client;
  }
  const client = new Redis({ port: server.port, host: "127.0.0.1", lazyConnect: true });
  client.on("error", () => {});
  await client.connect();
  return client;
}

/** Closes a client of either kind without waiting for the server. */
export function disconnect(client) {
  if (typeof client.destroy === "function") client.destroy();
  else client.disconnect();
}

/** A backend factory for runContract, on one shared client. */
export function redisBackendFactory(kind, getClient) {
  return async (options) => {
    const prefix = `contract-${randomUUID()}`;
    const client = getClient();
    const leases = new RedisLeases(client, options === undefined ? { prefix } : { prefix, ...options });
    const store = new RedisFencedStore(client, { prefix });
    return {
      name: `RedisLeases (${kind})`,
      leases,
      store,
      fencedRead: true,
      close: () => leases.close(),
    };
  };
}

/**
 * A private redis-server and one client of `kind` on it, for a suite's hooks (`before(start)`,
 * `after(stop)`); `backends` is runContract's backend factory on that client.
 */
export function privateRedisClient(kind) {
  let server;
  let client;
  return {
    async start() {
      server = await startRedis();
      client = await connect(kind, server);
    },
    async stop() {
      if (client) disconnect(client);
      await server?.stop();
    },
    backends: redisBackendFactory(kind, () => client),
  };
}
