// `ringlease/redis` outside Node (the export map's "default" condition): the Redis backend
// needs Node's sockets and crypto, so importing it anywhere else fails at once, clearly.
throw new Error(
  "ringlease/redis is Node only: it runs Lua scripts on a Redis server through a node-redis or " +
    'ioredis client. In a browser or worker, use LeaseTable from "ringlease", or call a Node ' +
    "service that uses ringlease/redis.",
);
