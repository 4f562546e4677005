// The two Redis clients ringlease/redis accepts, behind one small interface: run a script by
// SHA (loading it again after NOSCRIPT), and open a separate subscriber connection.
//
// node-redis writes the commands issued in one tick to the socket together; ioredis writes each
// command on its own unless its auto-pipelining is on. So for a (non-cluster) ioredis client the
// adapter sends the first script of a tick at once and the others issued in the same tick as
// one pipeline: two writes for many calls, in the order they were made, each still one command
// with its own reply.
import { createHash } from "node:crypto";

/**
 * @typedef {object} Adapter
 * @property {"node-redis" | "ioredis"} kind
 * @property {(args: string[]) => Promise<unknown>} command  one command, e.g. ["SCRIPT", "LOAD", …]
 * @property {(sha: string, key: string, argv: string[]) => Promise<unknown>} evalsha  EVALSHA on one key
 * @property {() => Promise<Subscriber>} subscriber  a new connection for pub/sub
 * @property {(err: unknown) => boolean} isReplyError  an error the server answered with
 */

/**
 * @typedef {object} Subscriber
 * @property {(channel: string, listener: () => void) => Promise<void>} subscribe
 * @property {(channel: string) => Promise<void>} unsubscribe
 * @property {() => void} close
 */

function describeClient(value) {
  if (value === null) return "null";
  if (typeof value !== "object") return typeof value;
  const name = value.constructor?.name;
  return name && name !== "Object" ? `an object of class ${name}` : "an object";
}

/**
 * Wraps a node-redis v5 client (`createClient()` from `redis`, connected) or an ioredis 5/6
 * client; anything else is a `TypeError` saying what is accepted.
 * @param {unknown} client
 * @param {string} context
 * @returns {Adapter}
 */
export function adapt(client, context) {
  const c = /** @type {any} */ (client);
  if (c && typeof c === "object") {
    if (
      typeof c.sendCommand === "function" &&
      typeof c.scriptLoad === "function" &&
      typeof c.duplicate === "function" &&
      typeof c.isOpen === "boolean"
    ) {
      if (!c.isOpen) {
        throw new TypeError(`${context}: client is a node-redis client that is not connected (await client.connect() first)`);
      }
      return nodeRedis(c);
    }
    if (
      typeof c.evalsha === "function" &&
      typeof c.call === "function" &&
      typeof c.duplicate === "function" &&
      typeof c.status === "string"
    ) {
      if (c.status === "end" || c.status === "close") {
        throw new TypeError(`${context}: client is an ioredis client whose connection is closed (status "${c.status}")`);
      }
      return ioredis(c);
    }
  }
  throw new TypeError(
    `${context}: client must be a connected node-redis v5 client (createClient() from "redis") ` +
      `or an ioredis 5/6 client (new Redis() from "ioredis"), got ${describeClient(client)}`,
  );
}

/** @returns {Adapter} */
function nodeRedis(client) {
  return {
    kind: "node-redis",
    command: (args) => client.sendCommand(args),
    evalsha: (sha, key, argv) => client.sendCommand(["EVALSHA", sha, "1", key, ...argv]),
    isReplyError: (err) => err?.constructor?.name === "ErrorReply" || isNamedReply(err),
    async subscriber() {
      const sub = client.duplicate();
      sub.on("error", () => {});
      await sub.connect();
      return {
        subscribe: (channel, listener) => sub.subscribe(channel, () => listener()),
        unsubscribe: (channel) => sub.unsubscribe(channel),
        close() {
          if (typeof sub.destroy === "function") sub.destroy();
          else sub.disconnect();
        },
      };
    },
  };
}

/** @returns {Adapter} */
function ioredis(client) {
  return {
    kind: "ioredis",
    command: ([name, ...args]) => client.call(name, ...args),
    // A cluster client cannot pipeline keys of different slots: it gets one command per call.
    evalsha:
      client.isCluster !== true && typeof client.pipeline === "function"
        ? tickBatcher(client)
        : (sha, key, argv) => client.evalsha(sha, "1", key, argv),
    isReplyError: (err) => /** @type {any} */ (err)?.name === "ReplyError" || isNamedReply(err),
    async subscriber() {
      const sub = client.duplicate();
      sub.on("error", () => {});
      const listeners = new Map();
      sub.on("message", (channel) => listeners.get(channel)?.());
      return {
        async subscribe(channel, listener) {
          listeners.set(channel, listener);
          await sub.subscribe(channel);
        },
        async unsubscribe(channel) {
          listeners.delete(channel);
          await sub.unsubscribe(channel);
        },
        close: () => sub.disconnect(),
      };
    },
  };
}

/**
 * EVALSHA for an ioredis client: the first call of a tick is sent at once (no added latency
 * when calls are few); the calls that follow it in the same tick go out together as one
 * pipeline at the end of the tick, after it. A pipeline is not a transaction: every call gets
 * its own reply or error.
 */
function tickBatcher(client) {
  let armed = false;
  /** @type {{ sha: string, key: string, argv: string[], resolve: Function, reject: Function }[] | null} */
  let batch = null;
  const flush = () => {
    armed = false;
    const calls = batch;
    if (calls === null) return;
    batch = null;
    const failAll = (err) => {
      for (const c of calls) c.reject(err);
    };
    try {
      if (calls.length === 1) {
        const c = calls[0];
        client.evalsha(c.sha, "1", c.key, c.argv).then(c.resolve, c.reject);
        return;
      }
      const pipeline = client.pipeline();
      for (const c of calls) pipeline.evalsha(c.sha, "1", c.key, c.argv);
      pipeline.exec().then((results) => {
        if (!Array.isArray(results) || results.length !== calls.length) {
          failAll(new Error("the ioredis pipeline returned no reply for some calls"));
          return;
        }
        for (let i = 0; i < calls.length; i++) {
          const [err, reply] = results[i];
          if (err) calls[i].reject(err);
          else calls[i].resolve(reply);
        }
      }, failAll);
    } catch (err) {
      // A client that throws instead of rejecting: every call still settles.
      failAll(err);
    }
  };
  return (sha, key, argv) => {
    if (!armed) {
      armed = true;
      process.nextTick(flush);
      return client.evalsha(sha, "1", key, argv);
    }
    return new Promise((resolve, reject) => {
      if (batch === null) batch = [];
      batch.push({ sha, key, argv, resolve, reject });
    });
  };
}

function isNamedReply(err) {
  return typeof err?.message === "string" && /^[A-Z]{3,}[ :]/.test(err.message);
}

/** The SHA-1 Redis names a script by. */
export function sha1(source) {
  return createHash("sha1").update(source).digest("hex");
}

/**
 * Runs `script` with EVALSHA on `key`; on NOSCRIPT (after SCRIPT FLUSH, a restart or a
 * failover) loads it with SCRIPT LOAD and runs it again.
 * @param {Adapter} adapter
 * @param {{ source: string, sha: string }} script
 * @param {string} key
 * @param {string[]} argv
 * @returns {Promise<unknown>}
 */
export function runScript(adapter, script, key, argv) {
  return adapter.evalsha(script.sha, key, argv).catch((err) => {
    if (!String(/** @type {any} */ (err)?.message).startsWith("NOSCRIPT")) throw err;
    return adapter.command(["SCRIPT", "LOAD", script.source]).then(() => adapter.evalsha(script.sha, key, argv));
  });
}
