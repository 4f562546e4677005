// The lease contract against RedisLeases on a private redis-server, through a ioredis client.
import { after, before } from "node:test";

import { runContract } from "./cases.mjs";
import { connect, disconnect, redisBackendFactory } from "./redis-backend.mjs";
import { startRedis } from "./redis-server.mjs";

let server;
let client;
before(async () => {
  server = await startRedis();
  client = await connect("ioredis", server);
});
after(async () => {
  if (client) disconnect(client);
  await server?.stop();
});

runContract(
  "RedisLeases with ioredis",
  redisBackendFactory("ioredis", () => client),
);
