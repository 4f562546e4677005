// One client process of the flash sale (forked by the runner): until its deadline, acquire the
// lock through `ringlease/redis`, read the stock, work a while, write stock − 1 with the token,
// release. Every operation is recorded as it goes (invoke, then ok, fail or info) on the run's
// clock and sent to the runner. Fencing on: the store is RedisFencedStore, and a read is fenced
// (`read(key, { token })`: it registers the reader's token, so a late write of an older holder
// can no longer land between this read and this write). Fencing off: a plain GET and SET, the
// unfenced store of the origin material.
import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";

import { RedisFencedStore, RedisLeases } from "../redis/index.js";
import { compileScripts, scriptsFor } from "../redis/internal.js";
import { LEASE_SCRIPTS } from "../redis/scripts.js";
import { clockFrom } from "./clock.mjs";
import { rng } from "./rng.mjs";

// The negative control: the lease scripts with the token taken from a bare INCR counter.
const TIME_SEEDED = `  local token = S.lt + 1
  if NOW_US > token then token = NOW_US end`;
const BARE_INCR = `  local token = redis.call('INCR', KEY .. ':counter')`;

const cfg = JSON.parse(process.argv[2]);
const { index, originMs, deadlineMs, ttlMs, fencing, tokens, prefix, resource } = cfg;
const now = clockFrom(originMs);
const random = rng(cfg.seed * 7919 + index + 1);
const owner = `c${index}`;
const records = [];
let writeSeq = 0;

const record = (type, op, fields = {}) => {
  records.push({ type, process: index, op, resource, timeMs: now(), ...fields });
  if (records.length >= 64) flush();
};
const flush = () => {
  if (records.length && process.connected) process.send({ records: records.splice(0) });
};

const options = {
  host: "127.0.0.1",
  lazyConnect: false,
  enableAutoPipelining: false,
  maxRetriesPerRequest: 2,
  commandTimeout: Math.max(4 * ttlMs, 2000),
  retryStrategy: () => 25,
};
const lockClient = new Redis({ ...options, port: cfg.lockPort });
const storeClient = new Redis({ ...options, port: cfg.storePort });
for (const c of [lockClient, storeClient]) c.on("error", () => {});
const leases = new RedisLeases(lockClient, { prefix });
if (tokens === "incr") {
  const swapped = Object.fromEntries(Object.entries(LEASE_SCRIPTS).map(([name, src]) => [name, src.replace(TIME_SEEDED, BARE_INCR)]));
  if (swapped.acquire === LEASE_SCRIPTS.acquire) throw new Error("the bare-INCR control found no token line to swap");
  scriptsFor.set(leases, compileScripts(swapped));
}
const store = new RedisFencedStore(storeClient, { prefix });
const storeKey = fencing ? store.keyOf(resource) : `${prefix}:${resource}`;

/** Reads the stock: `{ stock, writeId }`, or null if the fenced read was refused. */
async function readStock(token) {
  if (!fencing) {
    const v = JSON.parse(await storeClient.get(storeKey));
    return { stock: v.stock, writeId: v.writeId };
  }
  // Fenced: refused below the key's highest token, else this token becomes the highest, so an
  // older holder's late write can no longer land between this read and this write.
  const r = await store.read(resource, { token });
  if (!r?.accepted) return null;
  const value = /** @type {{ stock: number, writeId: number }} */ (r.value);
  return { stock: value.stock, writeId: value.writeId };
}

async function writeStock(value, token) {
  if (!fencing) {
    await storeClient.set(storeKey, JSON.stringify(value));
    return true;
  }
  return (await store.write(resource, value, token)).accepted;
}

/** Runs `fn` as operation `op`: ok with what it returns, fail if it returns null, info if it throws. */
async function operation(op, invokeFields, fn) {
  record("invoke", op, invokeFields);
  try {
    const out = await fn();
    if (out === null) {
      record("fail", op);
      return null;
    }
    record("ok", op, out.fields ?? {});
    return out;
  } catch {
    record("info", op, {});
    return undefined;
  }
}

async function cycle() {
  await sleep(random.between(0, 15)); // think
  const acquired = await operation("acquire", { ttlMs }, async () => {
    const r = await leases.acquire(resource, owner, { ttlMs });
    if (r.status !== "granted") return null;
    return { token: r.token, fields: { token: r.token, ttlMs } };
  });
  if (!acquired) {
    await sleep(random.between(5, 25)); // back off and try again
    return;
  }
  const { token } = acquired;
  const read = await operation("read", { token }, async () => {
    const v = await readStock(token);
    return v && { ...v, fields: { value: v.stock, writeId: v.writeId } };
  });
  if (read) {
    await sleep(random.between(0.1, 0.4) * ttlMs); // the work
    const writeId = (index + 1) * 1_000_000 + ++writeSeq;
    const value = { stock: read.stock - 1, writeId, basedOn: read.writeId, token, p: index };
    await operation("write", { token, value: value.stock, basedOn: read.writeId, writeId }, async () =>
      (await writeStock(value, token)) ? { fields: { writeId } } : null,
    );
  }
  await operation("release", { token }, async () => {
    const r = await leases.release(resource, owner, token);
    return r.status === "released" ? {} : null;
  });
}

process.on("message", (m) => {
  if (m === "flush") flush();
});
while (now() < deadlineMs) await cycle();
flush();
lockClient.disconnect();
storeClient.disconnect();
process.send({ done: true }, () => process.disconnect());
