// The lease contract against RedisLeases on a private redis-server, through a node-redis client.
import { after, before } from "node:test";

import { runContract } from "./cases.mjs";
import { connect, disconnect, redisBackendFactory } from "./redis-backend.mjs";
import { startRedis } from "./redis-server.mjs";

let server;
let client;
before(async () => {
  server = await startRedis();
  client = await connect("node-redis", server);
});
after(async () => {
  if (client) disconnect(client);
  await server?.stop();
});

runContract(
  "RedisLeases with node-redis",
  redisBackendFactory("node-redis", () => client),
);
