// The whole public API of ringlease, type-checked by `tsc --noEmit` against the packed package
// (tests/consumers/consumers.test.mjs, twice: tsconfig.bundler.json and tsconfig.node.json)
// and then run in Node. Every result is checked for its exact type with `is<T>()`, which also
// fails on `any` (any is assignable everywhere, but never Equal to a precise type), and
// misuse is checked with `@ts-expect-error` (which fails if a parameter were `any`).
import init, { initSync, HashRing, type InitOutput, type NodeSpec, type RingChange, type RingJSON, type RingNode, type RingPoints, type RingScheme } from "ringlease";
import {
  FencedStore,
  LeaseTable,
  type AcquireResult,
  type CampaignResult,
  type CancelResult,
  type CompareAndSetResult,
  type LeaderInfo,
  type LeaseEvent,
  type LeaseInfo,
  type LeaseRejection,
  type ReleaseResult,
  type RenewResult,
  type ResignResult,
  type StoredEntry,
  type WriteResult,
} from "ringlease/lease";
import * as sim from "ringlease/sim";
import LegacyHashRing, { type HashRingParsedServer, type HashRingPoint } from "ringlease/hashring";

type Equal<X, Y> = (<T>() => T extends X ? 1 : 2) extends <T>() => T extends Y ? 1 : 2 ? true : false;
/** `is<Expected>()(value)` compiles only if `value`'s type is exactly `Expected` (not `any`). */
const is =
  <Expected>() =>
  <Actual>(value: Actual, ..._exact: Equal<Actual, Expected> extends true ? [] : [never]): Actual =>
    value;
const failures: string[] = [];
function check(ok: boolean, what: string): void {
  if (!ok) failures.push(what);
}

// ---- entries: each has its own classes; ringlease/sim holds every class from one wasm ----
is<typeof sim.Simulation>()(sim.Simulation);
check(sim.HashRing !== (HashRing as unknown), "ringlease/sim has its own HashRing class");
check(new sim.Simulation({ preset: "flashSale", seed: 1 }).step(10).kind instanceof Uint8Array, "Simulation.step from ringlease/sim");
// @ts-expect-error the ring entry holds HashRing only
import("ringlease").then((m) => m.LeaseTable);
// checkHistory: in ringlease/lease and ringlease/sim, typed; a simulated run exports a history.
{
  const run = new sim.Simulation({ preset: "gcPause", seed: 1, fencing: "off" });
  is<sim.HistoryCoverage>()(run.run().coverage);
  const doc = is<sim.HistoryDocument>()(run.history());
  const verdict = is<sim.HistoryVerdict>()(sim.checkHistory(doc));
  is<number | null>()(verdict.coverage.lateWrites);
  check(verdict.counts.lostUpdate === run.counts().lostUpdate, "checkHistory agrees with the simulation");
  const leaseVerdict = (await import("ringlease/lease")).checkHistory({ records: [{ type: "invoke", process: 1, op: "acquire", resource: "stock", timeMs: 0 }] });
  check(leaseVerdict.ok && leaseVerdict.unknown.includes("doubleGrant"), "checkHistory from ringlease/lease");
  // @ts-expect-error an unknown operation is a type error (not called: it would throw)
  const unknownOp = () => sim.checkHistory({ records: [{ type: "invoke", process: 1, op: "lock", resource: "stock", timeMs: 0 }] });
  check(typeof unknownOp === "function", "typed");
  run.free();
}
const output = is<Promise<InitOutput>>()(init());
is<InitOutput>()(await output);
is<InitOutput>()(initSync({ module: new Uint8Array(0) })); // returns the live instance at once
is<WebAssembly.Memory>()((await init()).memory);

// ---- HashRing: construction, membership, RingChange ----
const ring = new HashRing({ vnodes: 160, scheme: "sha1", nodes: ["cache-a", { id: "cache-b", weight: 2 }] });
const specs: NodeSpec[] = ["cache-c", { id: "cache-d" }];
const added = is<RingChange>()(ring.addNodes(specs));
is<number>()(added.movedFraction);
for (const arc of added.arcs) {
  is<number>()(arc.start);
  is<number>()(arc.end);
  is<string | null>()(arc.from);
  is<string | null>()(arc.to);
}
is<RingChange>()(ring.addNode("cache-e", { weight: 0.5 }));
is<RingChange>()(ring.addNode("cache-f"));
is<RingChange>()(ring.addNode("cache-g:11211", { label: "cache-g" }));
is<RingChange>()(ring.renameNode("cache-g:11211", "cache-h:11211"));
is<RingChange>()(ring.setWeight("cache-f", 3));
is<RingChange>()(ring.removeNode("cache-f"));
is<boolean>()(ring.hasNode("cache-a"));
is<number>()(ring.nodeCount);
is<number>()(ring.liveCount);
is<number>()(ring.pointCount);
is<number>()(ring.vnodes);
is<RingScheme>()(ring.scheme);
const nodes = is<RingNode[]>()(ring.nodes());
const first: { id: string; weight: number; points: number; up: boolean } = nodes[0]!;
check(first.id === "cache-a", "nodes() sorted by id");

// ---- lookups ----
const owner = is<string | undefined>()(ring.nodeFor("user:42"));
const replicas = is<string[]>()(ring.nodesFor("user:42", 2));
check(owner === replicas[0], "nodeFor is the first of nodesFor");
const keys = Array.from({ length: 100 }, (_, i) => `key-${i}`);
const owners = is<Uint32Array>()(ring.nodeForMany(keys));
check(nodes[owners[0]!]!.id === ring.nodeFor("key-0"), "nodeForMany indexes nodes()");
is<number>()(ring.positionOf("abc"));
const points = is<RingPoints>()(ring.points());
is<Uint32Array>()(points.positions);
is<Uint32Array>()(points.owners);

// ---- failover ----
is<RingChange>()(ring.markDown("cache-b"));
is<boolean>()(ring.isUp("cache-b"));
is<RingChange>()(ring.markUp("cache-b"));

// ---- ownership, distribution, bounded loads, movement ----
const ownership = is<Map<string, number>>()(ring.ownership());
check(Math.abs([...ownership.values()].reduce((a, b) => a + b, 0) - 1) < 1e-9, "ownership sums to 1");
is<Map<string, number>>()(ring.distribution(keys));
const bounded = is<string[]>()(ring.assignBounded(keys, 0.25));
check(bounded.length === keys.length, "assignBounded gives every key a node");

// ---- persistence ----
const saved = is<RingJSON>()(ring.toJSON());
is<"ringlease.HashRing">()(saved.format);
is<1>()(saved.version);
is<{ id: string; weight: number; up?: boolean; label?: string }[]>()(saved.nodes);
const copy = is<HashRing>()(HashRing.fromJSON(saved));
is<HashRing>()(HashRing.fromJSON(JSON.stringify(ring)));
is<string[]>()(ring.movedKeys(keys, copy));
is<RingChange>()(ring.diff(saved));
check(ring.diff(copy).movedFraction === 0, "fromJSON(toJSON()) is the same ring");

// ---- ketama ----
const ketama = new HashRing({ scheme: "ketama", nodes: ["10.0.0.1:11211", "10.0.0.2:11211"] });
is<"sha1" | "ketama">()(ketama.scheme);
check(ketama.vnodes === 40, "ketama defaults to 40 vnodes");

// ---- misuse is a type error (checked by tsc, never run: each would throw) ----
const misuse = (): void => {
  // @ts-expect-error ids are strings
  ring.addNode(1);
  // @ts-expect-error unknown option key
  new HashRing({ vnode: 3 });
  // @ts-expect-error the scheme is a union of two names
  new HashRing({ scheme: "md5" });
  // @ts-expect-error nodesFor takes a count
  ring.nodesFor("k");
  // @ts-expect-error weight is a number
  ring.addNode("x", { weight: "2" });
  // @ts-expect-error acquire needs ttlMs and nowMs
  new LeaseTable().acquire("r", "o", { ttlMs: 1 });
  // @ts-expect-error tokens are numbers
  new FencedStore().write("k", 1, "2", 0);
  // @ts-expect-error strict takes the LeaseTable to check tokens with
  new FencedStore({ strict: true });
  // @ts-expect-error labels are strings
  ring.addNode("x", { label: 1 });
  // @ts-expect-error the drop-in has no custom hash functions
  new LegacyHashRing(["a:1"], (key: string) => key);
  // @ts-expect-error replicas is a number
  new LegacyHashRing(["a:1"], "md5", { replicas: "3" });
};
void misuse;

// ---- memory ----
{
  using scoped = new HashRing({ nodes: ["a"] });
  is<string | undefined>()(scoped.nodeFor("k"));
}
copy.free();
ketama[Symbol.dispose]();

// ---- LeaseTable: leases ----
const locks = new LeaseTable({ minTtlMs: 100, maxTtlMs: 60_000, lockDelayMs: 0, fifo: true });
const a = is<AcquireResult>()(locks.acquire("sku-42", "client-1", { ttlMs: 1000, nowMs: 0 }));
let token = 0;
switch (a.status) {
  case "granted":
    token = is<number>()(a.token);
    is<number>()(a.expiresAtMs);
    break;
  case "queued":
    is<number>()(a.position);
    break;
  case "busy":
    is<string>()(a.holder);
    break;
  case "delayed":
    is<number>()(a.untilMs);
    break;
  case "finished":
    is<number | undefined>()(a.token);
    break;
  default:
    is<never>()(a);
}
check(token === 1, "first grant has token 1");
const queued = locks.acquire("sku-42", "client-2", { ttlMs: 1000, nowMs: 10, wait: true, requestId: "r1" });
check(queued.status === "queued", "a second owner queues");
is<string[]>()(locks.waiters("sku-42"));
const renewed = is<RenewResult>()(locks.renew("sku-42", "client-1", token, { ttlMs: 1000, nowMs: 20 }));
if (renewed.status === "rejected") is<LeaseRejection>()(renewed.reason);
else is<number>()(renewed.expiresAtMs);
const held = is<LeaseInfo | undefined>()(locks.holder("sku-42", 30));
check(held?.owner === "client-1", "client-1 holds");
is<string | undefined>()(held?.requestId);
const released = is<ReleaseResult>()(locks.release("sku-42", "client-1", token, 40));
if (released.status === "released") is<LeaseInfo | undefined>()(released.next);
is<CancelResult>()(locks.cancel("sku-42", "client-3", 50));
const events = is<LeaseEvent[]>()(locks.tick(60));
for (const e of events) {
  if (e.type === "granted") is<string>()(e.owner);
  else if (e.type === "leaderLost") is<"expired" | "resigned">()(e.cause);
  else if (e.type === "dequeued") is<"waitExpired" | "cancelled">()(e.reason);
  else is<number>()(e.atMs);
}
is<number>()(locks.lastToken);
is<number>()(locks.nowMs);

// ---- LeaseTable: elections ----
const vote = is<CampaignResult>()(locks.campaign("primary", "node-1", { ttlMs: 3000, nowMs: 100 }));
const second = locks.campaign("primary", "node-2", { ttlMs: 3000, nowMs: 110 });
if (second.status === "candidate") is<string | undefined>()(second.leader);
is<string[]>()(locks.candidates("primary"));
const leader = is<LeaderInfo | undefined>()(locks.leader("primary", 120));
check(leader?.leader === "node-1", "node-1 leads");
if (vote.status === "leader") {
  const resigned = is<ResignResult>()(locks.resign("primary", "node-1", vote.token, 130));
  if (resigned.status === "resigned") is<LeaderInfo | undefined>()(resigned.next);
}
is<CancelResult>()(locks.withdraw("primary", "node-3", 140));

// ---- FencedStore ----
const store = new FencedStore();
const w = is<WriteResult>()(store.write("stock:sku-42", { count: 9 }, 2, 1001));
if (w.accepted) is<number>()(w.version);
else if (w.reason === "staleToken") is<number>()(w.highest);
else is<"notLive">()(w.reason);
const entry = is<StoredEntry | undefined>()(store.read("stock:sku-42"));
is<unknown>()(entry?.value);
is<CompareAndSetResult>()(store.compareAndSet("counter", 0, 1));
is<number>()(store.size);
is<boolean>()(store.strict);
const strict = new FencedStore({ strict: locks });
const now = locks.nowMs;
const lease = locks.acquire("file", "writer", { ttlMs: 1000, nowMs: now });
if (lease.status === "granted") {
  const checked = is<WriteResult>()(strict.write("file", "data", lease.token, now + 1));
  check(checked.accepted, "the live holder's write to a strict store is accepted");
}
// ---- ringlease/hashring: hashring 3.2.0's API ----
const legacy = new LegacyHashRing(
  { "10.0.0.1:11211": 1, "10.0.0.2:11211": { weight: 2, vnodes: 50 } },
  "md5",
  { "default port": 11211, compatibility: "hash_ring", "max cache size": 100 },
);
const server = is<string | undefined>()(legacy.get("user:42"));
check(server === "10.0.0.1:11211" || server === "10.0.0.2:11211", "ringlease/hashring get");
is<string[]>()(legacy.range("user:42", 2, false));
is<number>()(legacy.find(legacy.hashValue("user:42")));
is<Uint8Array>()(legacy.hash("user:42"));
is<Record<string, number[]>>()(legacy.points());
is<HashRingPoint[]>()(legacy.ring);
is<HashRingParsedServer[]>()(legacy.servers);
is<boolean>()(legacy.has("10.0.0.1:11211"));
is<LegacyHashRing>()(legacy.swap("10.0.0.1:11211", "10.0.0.3:11211").add("10.0.0.4:11211").remove("10.0.0.4:11211"));
check(legacy.size === 228, "ringlease/hashring size after swap, add and remove");
check(LegacyHashRing.version === "3.2.0", "ringlease/hashring version");
legacy.end();

strict.free();
store.free();
locks.free();
ring.free();

if (failures.length > 0) throw new Error(`api.ts: ${failures.join("; ")}`);
console.log("api.ts: ok");
