// A recorded (or exported) history, played back in the lock contention view like a simulation:
// the same lanes, marks, checker verdict and coverage. It offers the part of the Simulation
// interface the view uses (config, step, nowMs, done, metrics, counts, violations, coverage,
// digest, free), built from the history's records and `checkHistory`'s verdict.
//
// Time: real time replaces simulated time. Every time is shown relative to the document's
// `timeOriginMs`, or else to its first record (`timeMs - baseMs`). Client and server records
// carry their own clocks (docs/histories.md); they are drawn on one axis as recorded.
//
// What a history cannot know is not guessed: without server lease records there are no lease
// strips, beliefs are drawn as "server's view unknown" (`serverKnown` false), and the checks that
// need the server's view are listed as unknown in the verdict.

/** `process` of a record that concerns no process (the store's final reads). */
const NO_PROCESS = 2 ** 32 - 1;

/** Nearest-rank percentile of sorted numbers (as the simulation's metrics compute it). */
function nearestRank(sorted, p) {
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil((p * sorted.length) / 100));
  return sorted[rank - 1];
}

export class HistoryRun {
  /**
   * doc: a history document; verdict: checkHistory(doc); kinds: Simulation.eventKinds();
   * name: where it came from (a file name or path), for the status line.
   */
  constructor(doc, verdict, kinds, name) {
    this.name = name;
    this.description = typeof doc.description === "string" ? doc.description : "";
    this.verdict = verdict;
    const records = doc.records;
    const code = Object.fromEntries(kinds.map((k, i) => [k, i]));
    const resourceIndex = new Map(verdict.resources.map((r, i) => [r, i]));
    const processes = [...new Set(records.filter((r) => r.process !== NO_PROCESS).map((r) => r.process))].sort((a, b) => a - b);
    this.processes = processes;
    const laneOf = new Map(processes.map((p, i) => [p, i]));
    this.laneOf = laneOf;
    this.serverKnown = !verdict.unknown.includes("doubleGrant");
    const storeKnown = !verdict.unknown.includes("staleWrite");
    const first = records.reduce((m, r) => Math.min(m, r.timeMs), Infinity);
    this.baseMs = Number.isFinite(first) ? first : 0;
    // The document may say where its time axis starts (a simulated run: 0).
    if (Number.isInteger(doc.timeOriginMs)) this.baseMs = Math.min(this.baseMs, doc.timeOriginMs);
    const base = this.baseMs;

    const events = [];
    const push = (at, lane, kind, resource, token, value, seq) =>
      events.push({ at: at - base, lane, kind: code[kind], resource, token: token ?? 0, value: value ?? 0, seq });
    const pendingWrite = new Map();
    const waitStart = new Map();
    const waits = [];
    const m = { completedOps: 0, grants: 0, retries: 0, rejectedWrites: 0, rejectedReads: 0, renewals: 0, renewalsRejected: 0, pauses: 0 };
    let heldMs = 0;
    const openLease = new Map();
    let end = 0;
    records.forEach((r, seq) => {
      end = Math.max(end, r.timeMs - base + (r.op === "pause" || r.op === "crash" ? (r.durationMs ?? 0) : 0));
      if (r.op === "crash") {
        // The lock server went down: a band across every lane (lane -1: no client). What it
        // kept is not in the history (mode 3: unknown), so no lease is ended by it.
        push(r.timeMs, -1, "serverCrash", 0, 0, 3, seq);
        push(r.timeMs + r.durationMs, -1, "serverRestart", 0, 0, 0, seq);
        return;
      }
      const lane = laneOf.get(r.process);
      if (lane === undefined) return;
      const res = resourceIndex.get(r.resource) ?? 0;
      const t = r.timeMs;
      if (r.source === "server") {
        if (r.op === "acquire") {
          push(t, lane, "leaseGranted", res, r.token, (r.expiresAtMs ?? t) - t, seq);
          openLease.set(`${res}:${r.token}`, { start: t, expires: r.expiresAtMs ?? t });
        } else if (r.op === "renew") {
          const lease = openLease.get(`${res}:${r.token}`);
          if (lease) lease.expires = r.expiresAtMs ?? lease.expires;
        } else if (r.op === "expire" || r.op === "release") {
          push(t, lane, r.op === "expire" ? "leaseExpired" : "leaseReleased", res, r.token, 0, seq);
          const lease = openLease.get(`${res}:${r.token}`);
          if (lease) heldMs += Math.max(0, Math.min(t, lease.expires) - lease.start);
          openLease.delete(`${res}:${r.token}`);
        } else if (r.op === "write") {
          push(t, lane, r.type === "ok" ? "writeAccepted" : "writeRejected", res, r.token, r.value, seq);
        }
        return;
      }
      switch (`${r.type} ${r.op}`) {
        case "invoke acquire":
          push(t, lane, "acquire", res, 0, 0, seq);
          if (!waitStart.has(lane)) waitStart.set(lane, t);
          break;
        case "fail acquire":
          push(t, lane, "busy", res, 0, 0, seq);
          m.retries += 1;
          break;
        case "info acquire":
          push(t, lane, "think", res, 0, 0, seq);
          break;
        case "ok acquire":
          push(t, lane, "granted", res, r.token, r.ttlMs ?? 0, seq);
          m.grants += 1;
          if (waitStart.has(lane)) waits.push(t - waitStart.get(lane));
          waitStart.delete(lane);
          break;
        case "invoke release":
        case "info release":
          push(t, lane, "released", res, r.token, 0, seq);
          break;
        case "ok renew":
          push(t, lane, "renewed", res, r.token, r.ttlMs ?? 0, seq);
          m.renewals += 1;
          break;
        case "fail renew":
          push(t, lane, "renewRejected", res, r.token, 0, seq);
          m.renewalsRejected += 1;
          break;
        case "ok read":
          push(t, lane, "read", res, r.token, r.value, seq);
          break;
        case "fail read":
          push(t, lane, "readRejected", res, r.token, 0, seq);
          m.rejectedReads += 1;
          break;
        case "invoke write":
          pendingWrite.set(lane, r);
          push(t, lane, "writeSent", res, r.token, r.value, seq);
          break;
        case "ok write":
        case "fail write": {
          const invoke = pendingWrite.get(lane);
          pendingWrite.delete(lane);
          if (r.type === "ok") m.completedOps += 1;
          else m.rejectedWrites += 1;
          // Without store records, the client's answer is the only sign of the write.
          if (!storeKnown)
            push(
              t,
              lane,
              r.type === "ok" ? "writeAccepted" : "writeRejected",
              res,
              invoke?.token ?? r.token,
              invoke?.value ?? r.value,
              seq,
            );
          break;
        }
        case "info pause":
          push(t, lane, "paused", 0, 0, r.durationMs, seq);
          push(t + r.durationMs, lane, "resumed", 0, 0, 0, seq);
          m.pauses += 1;
          break;
        default:
          break;
      }
    });
    for (const lease of openLease.values()) heldMs += Math.max(0, Math.min(end + base, lease.expires) - lease.start);
    events.sort((a, b) => a.at - b.at || a.seq - b.seq);
    this.events = events;
    this.cursor = 0;
    this.now = 0;
    this.durationMs = Math.max(1, end);
    waits.sort((a, b) => a - b);
    const span = this.durationMs * Math.max(1, verdict.resources.length);
    this.metricsReport = {
      elapsedMs: this.durationMs,
      events: records.length,
      completedOps: m.completedOps,
      throughputPerS: Math.floor((m.completedOps * 1000) / this.durationMs),
      grants: m.grants,
      waitP50Ms: nearestRank(waits, 50),
      waitP95Ms: nearestRank(waits, 95),
      waitP99Ms: nearestRank(waits, 99),
      waitMaxMs: waits.at(-1) ?? 0,
      utilisationPpm: this.serverKnown ? Math.floor((Math.min(heldMs, span) * 1e6) / span) : null,
      retries: m.retries,
      rejectedWrites: m.rejectedWrites,
      rejectedReads: m.rejectedReads,
      renewals: m.renewals,
      renewalsRejected: m.renewalsRejected,
      pauses: m.pauses,
      clients: processes.map(() => ({})),
    };
    const ttls = records.filter((r) => r.op === "acquire" && r.type === "invoke" && Number.isInteger(r.ttlMs)).map((r) => r.ttlMs);
    this.configObject = {
      durationMs: this.durationMs,
      ttlMs: ttls.length ? Math.max(...ttls) : 0,
      lockDelayMs: 0,
      leaseNodes: 1,
      resources: verdict.resources.length,
      workload: "counter",
      fencing: typeof doc.fencing === "string" ? doc.fencing : "recorded",
      seed: null,
    };
    const counts = {};
    for (const k of ["lostUpdate", "orderLost", "orderDuplicated", "doubleGrant", "tokenOrder", "staleWrite", "beliefOverlap", "liveness"])
      counts[k] = verdict.counts[k] ?? 0;
    this.countsObject = counts;
    this.allViolations = verdict.violations.map((v) => ({
      kind: v.kind,
      atMs: v.atMs - base,
      client: v.process === null ? null : (laneOf.get(v.process) ?? null),
      other: v.other === null ? null : (laneOf.get(v.other) ?? null),
      resource: resourceIndex.get(v.resource) ?? 0,
      token: v.token,
      value: v.value,
      record: v.record,
      otherRecord: v.otherRecord,
    }));
  }

  /** Lane labels: the processes' ids. */
  get laneLabels() {
    return this.processes.map((p) => `p${p}`);
  }

  get nowMs() {
    return this.now;
  }

  get done() {
    return this.now >= this.durationMs;
  }

  config() {
    return { ...this.configObject };
  }

  /** The events up to `untilMs` (ms after the time origin) since the last call, as SimEvents. */
  step(untilMs) {
    const until = Math.min(Math.max(untilMs, this.now), this.durationMs);
    const from = this.cursor;
    let to = from;
    while (to < this.events.length && this.events[to].at <= until) to++;
    this.cursor = to;
    this.now = until;
    const n = to - from;
    const out = {
      length: n,
      atMs: new Float64Array(n),
      client: new Int32Array(n),
      kind: new Uint8Array(n),
      resource: new Uint32Array(n),
      token: new Float64Array(n),
      value: new Float64Array(n),
    };
    for (let i = 0; i < n; i++) {
      const e = this.events[from + i];
      out.atMs[i] = e.at;
      out.client[i] = e.lane;
      out.kind[i] = e.kind;
      out.resource[i] = e.resource;
      out.token[i] = e.token;
      out.value[i] = e.value;
    }
    return out;
  }

  metrics() {
    return this.metricsReport;
  }

  /** The verdict's counts (the whole history's: a recorded run is judged as a whole). */
  counts() {
    return this.countsObject;
  }

  /** The violations up to now. */
  violations() {
    return this.allViolations.filter((v) => v.atMs <= this.now);
  }

  coverage() {
    return this.verdict.coverage;
  }

  /** What the history cannot judge. */
  unknown() {
    return this.verdict.unknown;
  }

  digest() {
    return "";
  }

  free() {}
}
