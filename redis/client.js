// The two Redis clients ringlease/redis accepts, behind one small interface: run a script by
// SHA (loading it again after NOSCRIPT), and open a separate subscriber connection.
import { createHash } from "node:crypto";

/**
 * @typedef {object} Adapter
 * @property {"node-redis" | "ioredis"} kind
 * @property {(args: string[]) => Promise<unknown>} command  one command, e.g. ["EVALSHA", …]
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
        throw new TypeError(
          `${context}: client is a node-redis client that is not connected (await client.connect() first)`,
        );
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
        throw new TypeError(
          `${context}: client is an ioredis client whose connection is closed (status "${c.status}")`,
        );
      }
      return ioredis(c);
    }
  }
  throw new TypeError(
    `${context}: client must be a connected node-redis v5 client (createClient() from "redis") ` +
      `or an ioredis 5/6 client (new Redis() from "ioredis"), got ${describeClient(client)}`,
  );
}

function nodeRedis(client) {
  return {
    kind: "node-redis",
    command: (args) => client.sendCommand(args),
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

function ioredis(client) {
  return {
    kind: "ioredis",
    // EVALSHA through its own method: ioredis's generic `call` costs more per command.
    command: ([name, ...args]) =>
      name === "EVALSHA" ? client.evalsha(...args) : client.call(name, ...args),
    isReplyError: (err) => err?.name === "ReplyError" || isNamedReply(err),
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

function isNamedReply(err) {
  return typeof err?.message === "string" && /^[A-Z]{3,}[ :]/.test(err.message);
}

/** The SHA-1 Redis names a script by. */
export function sha1(source) {
  return createHash("sha1").update(source).digest("hex");
}

/**
 * Runs `source` with EVALSHA; on NOSCRIPT (after SCRIPT FLUSH, a restart or a failover) loads
 * it with SCRIPT LOAD and runs it again.
 * @param {Adapter} adapter
 * @param {{ source: string, sha: string }} script
 * @param {string[]} keys
 * @param {string[]} args
 */
export async function runScript(adapter, script, keys, args) {
  const call = ["EVALSHA", script.sha, String(keys.length), ...keys, ...args];
  try {
    return await adapter.command(call);
  } catch (err) {
    if (!String(/** @type {any} */ (err)?.message).startsWith("NOSCRIPT")) throw err;
  }
  await adapter.command(["SCRIPT", "LOAD", script.source]);
  return adapter.command(call);
}
