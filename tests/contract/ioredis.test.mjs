// The lease contract against RedisLeases on a private redis-server, through a ioredis client.
import { after, before } from "node:test";

import { runContract } from "./cases.mjs";
import { privateRedisClient } from "./redis-backend.mjs";

const redis = privateRedisClient("ioredis");
before(redis.start);
after(redis.stop);

runContract("RedisLeases with ioredis", redis.backends);
