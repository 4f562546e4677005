// The lease contract against RedisLeases on a private redis-server, through a node-redis client.
import { after, before } from "node:test";

import { runContract } from "./cases.mjs";
import { privateRedisClient } from "./redis-backend.mjs";

const redis = privateRedisClient("node-redis");
before(redis.start);
after(redis.stop);

runContract("RedisLeases with node-redis", redis.backends);
