/**
 * A simulation's config. Every field is optional in `new Simulation(config)`: missing fields come
 * from `preset` (when given) or from the defaults (`Simulation.preset` and `sim.config()` return
 * complete objects). Times in ms, probabilities in parts per million (ppm), all non-negative
 * integers.
 */
export interface SimulationConfig {
  /** Start from this preset (see `Simulation.presets()`); only in `new Simulation`. */
  preset?: string;
  /** 0..=2^53-1. */
  seed?: number;
  /** Simulated time to run, 1..=600000. */
  durationMs?: number;
  /** No fault starts at or after this time; liveness is judged after it. <= durationMs. */
  faultsUntilMs?: number;
  /** Clients (brokers for the orders workload), 1..=1000. */
  clients?: number;
  /** Locks / SKUs / partitions, 1..=64. */
  resources?: number;
  /** Each counter's starting value (SKU stock), 0..=1e9. A client that reads 0 stops. */
  stock?: number;
  primitive?: "lock" | "election";
  workload?: "counter" | "orders";
  /** Operations per lease before releasing, 1..=1e6. */
  opsPerHold?: number;
  thinkMinMs?: number;
  thinkMaxMs?: number;
  workMinMs?: number;
  workMaxMs?: number;
  /** Lease TTL, 1..=60000. */
  ttlMs?: number;
  /** How long a lock request may wait in the queue, 0..=60000 (0: back off and retry). */
  waitMs?: number;
  requestTimeoutMs?: number;
  retryMinMs?: number;
  retryMaxMs?: number;
  /** Renew while holding, at `renewPercent` of the TTL, at most `maxRenewals` times. */
  renewal?: boolean;
  renewPercent?: number;
  maxRenewals?: number;
  lockDelayMs?: number;
  fifo?: boolean;
  /** How the store checks tokens: not at all, max-token (Kleppmann), or against the live lease ("strict" needs primitive "lock"). */
  fencing?: "off" | "maxToken" | "strict";
  /** Clock drift the clients allow for, 0..=500000 ppm. */
  assumedDriftPpm?: number;
  marginMs?: number;
  latencyMinMs?: number;
  latencyMaxMs?: number;
  lossPpm?: number;
  dupPpm?: number;
  reorderPpm?: number;
  reorderMaxMs?: number;
  /** Probability that a client pauses between checking its lease and sending its write. */
  pausePpm?: number;
  pauseMinMs?: number;
  pauseMaxMs?: number;
  /** Each client's clock rate is drawn from ±driftMaxPpm (0..=500000). */
  driftMaxPpm?: number;
  offsetMaxMs?: number;
  partitions?: number;
  partitionMinMs?: number;
  partitionMaxMs?: number;
  /** When lease server 0 crashes (null: never); < faultsUntilMs. */
  crashAtMs?: number | null;
  crashDownMs?: number;
  crashMode?: "keepState" | "loseState" | "loseStateNoDelay";
  /** Lease servers on a HashRing, 1..=16. */
  leaseNodes?: number;
  /** When the lease node owning resource 0 fails for good (null: never); needs leaseNodes >= 2. */
  nodeDownAtMs?: number | null;
  orderIntervalMs?: number;
  batch?: number;
}

/**
 * A field of `SimulationConfig`, as `Simulation.configFields()` lists it (the table the library
 * decodes, validates and encodes configs with).
 */
export interface SimConfigField {
  name: Exclude<keyof SimulationConfig, "preset">;
  kind: "integer" | "integerOrNull" | "boolean" | "choice";
  /** A short human name, e.g. "Lease TTL". */
  label: string;
  /** The unit of the values, e.g. "ms" ("" for none). */
  unit: string;
  /** Integer kinds: the smallest and largest accepted, whatever the other fields are. */
  min?: number;
  max?: number;
  /** Integer kinds: the field whose value also bounds this one (at least it, at most it, or below it). */
  atLeast?: string;
  atMost?: string;
  below?: string;
  /** Choices: the names accepted. */
  values?: string[];
}

/**
 * Trace events as parallel typed arrays (one entry per event, in trace order). `kind[i]` is a
 * code: `Simulation.eventKinds()[kind[i]]` is its name. `atMs` is true (server) time; server
 * events carry their own event time, which can precede the step that reported them.
 * `client[i]` is -1 for events of no client; `resource[i]` is then a lease-node index.
 * `token`/`value` by kind (0 when unused):
 * - think (value: think ms) · acquire (value: request number) · queued (value: position)
 * - granted: the client now believes it holds `token` (value: ms it will believe, own clock)
 * - busy (value: back-off ms) · finished · grantTooLate (token) · soldOut (value: counter)
 * - read (token, value read) · writeSent (token, value written; orders: log length)
 * - writeAccepted / writeRejected / readRejected: at the store when the request arrived (token, value)
 * - renewed (token, value: TTL left) · renewRejected (token)
 * - released / beliefExpired: the client stops believing it holds `token`
 * - paused (value: pause ms) · resumed · partitionStart (value: heal time) · partitionEnd
 * - leaseGranted (token, value: TTL) / leaseExpired / leaseReleased: server truth for the client's lease
 * - serverCrash (value: 0 keepState, 1 loseState, 2 loseStateNoDelay) · serverRestart (value: serving from)
 * - nodeDown (value: resources that failed over)
 * A lane "believes it holds but the lease expired" runs from leaseExpired to released/beliefExpired.
 */
export interface SimEvents {
  length: number;
  atMs: Float64Array;
  client: Int32Array;
  kind: Uint8Array;
  resource: Uint32Array;
  token: Float64Array;
  value: Float64Array;
}

export type ViolationKindName =
  | "lostUpdate" | "orderLost" | "orderDuplicated" | "doubleGrant"
  | "tokenOrder" | "staleWrite" | "beliefOverlap" | "liveness";

/** One violation the checker found. `client`/`other` are null when none is involved. */
export interface SimViolation {
  kind: ViolationKindName;
  atMs: number;
  client: number | null;
  other: number | null;
  resource: number;
  token: number;
  value: number;
  /** The record of `sim.history()` the violation is about, or null (liveness, orders). */
  record: number | null;
  /** The other record involved (the earlier grant, the overwriting write…), or null. */
  otherRecord: number | null;
}

export interface SimClientCounts {
  ops: number;
  grants: number;
  retries: number;
  rejectedWrites: number;
  pauses: number;
}

export interface SimMetrics {
  elapsedMs: number;
  events: number;
  completedOps: number;
  throughputPerS: number;
  grants: number;
  waitP50Ms: number;
  waitP95Ms: number;
  waitP99Ms: number;
  waitMaxMs: number;
  /** Share of time leases were held (server truth), in ppm. */
  utilisationPpm: number;
  retries: number;
  rejectedWrites: number;
  rejectedReads: number;
  renewals: number;
  renewalsRejected: number;
  pauses: number;
  messages: number;
  messagesLost: number;
  messagesDuplicated: number;
  clients: SimClientCounts[];
}

export interface SimReport {
  metrics: SimMetrics;
  violations: SimViolation[];
  /** Violations per kind (all counted; `violations` keeps the first 10000 of each source). */
  counts: Record<ViolationKindName, number>;
  digest: string;
  traceEvents: number;
  /** True if the run stopped at the event cap (2,000,000 queue events) before `durationMs`;
   * its metrics and verdicts then cover the time reached (`metrics.elapsedMs`). */
  stoppedAtCap: boolean;
  /** How often the dangerous interleavings happened (the same counts `checkHistory` gives). */
  coverage: HistoryCoverage;
}
