// The lock contention view's model: what each client (lane) was doing over time, rebuilt from a
// Simulation's trace events (the typed arrays `sim.step` returns; see src/core/sim/event.rs for
// what each kind's `token` and `value` mean).
//
// Per lane it keeps intervals, each `{ start, end }` with `end === null` while still open:
// - phases: waiting for an answer to an acquire, queued, backing off (thinking is the blank);
// - beliefs: the client believes it holds `token` (from "granted" to "released"/"beliefExpired");
// - leases: server truth, the server holds `token` for this client ("leaseGranted" to
//   "leaseExpired"/"leaseReleased", or the crash that lost it);
// - pauses and partitions;
// and points: store writes (accepted or rejected, at the store), the moment it sold out.
// A belief minus its server lease is the dangerous part: the client acts as the holder while the
// server has moved on (`eachSpan`).
// Whole-run marks (server crash and restart, a lease node going down) are `bands`.

export const WAITING = 1;
export const QUEUED = 2;
export const BACKOFF = 3;

const PHASE_NAMES = { [WAITING]: "waiting for the lock server", [QUEUED]: "queued for the lock", [BACKOFF]: "backing off (lock busy)" };
const CRASH_MODES = [
  "state kept",
  "state lost, restart delayed",
  "state lost, no delay",
  "recorded: what it kept is in the grants that follow",
];

function key(resource, token) {
  return resource * 2 ** 32 + token;
}

/**
 * Starts a span (a pause, a partition) at `at`, planned to last until `planned`: ends the lane's
 * `open` one there first, and lists the new one in `spans`. Returns it, the lane's open span.
 */
function startSpan(open, spans, at, planned) {
  if (open) open.end = at;
  const span = { start: at, end: null, planned };
  spans.push(span);
  return span;
}

/** Ends the lane's `open` span (if any) at `at`. Returns null, the lane's open span. */
function endSpan(open, at) {
  if (open) open.end = at;
  return null;
}

class Lane {
  phases = [];
  beliefs = [];
  leases = [];
  pauses = [];
  partitions = [];
  writes = [];
  /** Lease (server truth) by key(resource, token). */
  leaseByKey = new Map();
  phase = null;
  belief = null;
  pause = null;
  partition = null;
  soldOutAt = null;
  /** The resource of the last event (for grants of the election/orders workloads). */
  resource = 0;
}

export class LocksModel {
  /**
   * kinds: Simulation.eventKinds(); lanes: how many actors; config: sim.config();
   * serverKnown: false for a recorded history without the server's view of leases (beliefs are
   * then neither agreed nor dangerous, but unknown).
   */
  constructor({ kinds, lanes, config, serverKnown = true }) {
    this.kinds = kinds;
    this.serverKnown = serverKnown;
    this.config = config;
    this.lanes = Array.from({ length: lanes }, () => new Lane());
    this.bands = [];
    this.now = 0;
    this.events = 0;
    /** Open server leases per resource (server truth), to close one a crash or node loss dropped. */
    this.openLease = new Map();
    this.code = Object.fromEntries(kinds.map((name, i) => [name, i]));
    this.counts = { grants: 0, writesAccepted: 0, writesRejected: 0, pauses: 0, partitions: 0 };
  }

  /** Adds a batch of events (SimEvents: parallel typed arrays, in time order). */
  ingest(events) {
    const { atMs, client, kind, resource, token, value } = events;
    for (let i = 0; i < events.length; i++) {
      this.#event(atMs[i], client[i], this.kinds[kind[i]], resource[i], token[i], value[i]);
    }
    this.events += events.length;
  }

  #setPhase(lane, phase, at) {
    if (lane.phase) {
      if (lane.phase.kind === phase) return;
      lane.phase.end = at;
      lane.phase = null;
    }
    if (phase) {
      lane.phase = { kind: phase, start: at, end: null };
      lane.phases.push(lane.phase);
    }
  }

  #endBelief(lane, at, how) {
    if (!lane.belief) return;
    lane.belief.end = at;
    lane.belief.endedBy = how;
    lane.belief = null;
  }

  #endLease(lease, at, how) {
    if (!lease || lease.end !== null) return;
    lease.end = Math.max(lease.start, at);
    lease.endedBy = how;
    if (this.openLease.get(lease.resource) === lease) this.openLease.delete(lease.resource);
  }

  #event(at, c, name, resource, token, value) {
    if (c < 0) {
      this.#serverEvent(at, name, resource, value);
      return;
    }
    const lane = this.lanes[c];
    if (!lane) return;
    switch (name) {
      case "think":
        this.#setPhase(lane, null, at);
        break;
      case "acquire":
        lane.resource = resource;
        this.#setPhase(lane, WAITING, at);
        break;
      case "queued":
        this.#setPhase(lane, QUEUED, at);
        break;
      case "busy":
        this.#setPhase(lane, BACKOFF, at);
        break;
      case "granted": {
        this.#setPhase(lane, null, at);
        this.#endBelief(lane, at, "regranted");
        lane.belief = {
          start: at,
          end: null,
          token,
          resource,
          validMs: value,
          renewals: 0,
          lease: lane.leaseByKey.get(key(resource, token)) ?? null,
        };
        lane.beliefs.push(lane.belief);
        this.counts.grants += 1;
        break;
      }
      case "renewed": {
        if (lane.belief && lane.belief.token === token) lane.belief.renewals += 1;
        const lease = lane.leaseByKey.get(key(resource, token));
        // The server answered with `value` ms left: its expiry is about now + value.
        if (lease && lease.end === null) lease.expires = Math.max(lease.expires, at + value);
        break;
      }
      case "released":
        this.#endBelief(lane, at, "released");
        break;
      case "beliefExpired":
        this.#endBelief(lane, at, "expired");
        break;
      case "writeAccepted":
      case "writeRejected": {
        const accepted = name === "writeAccepted";
        lane.writes.push({ at, token, accepted, value });
        if (accepted) this.counts.writesAccepted += 1;
        else this.counts.writesRejected += 1;
        break;
      }
      case "paused":
        lane.pause = startSpan(lane.pause, lane.pauses, at, at + value);
        this.counts.pauses += 1;
        break;
      case "resumed":
        lane.pause = endSpan(lane.pause, at);
        break;
      case "partitionStart":
        lane.partition = startSpan(lane.partition, lane.partitions, at, value);
        this.counts.partitions += 1;
        break;
      case "partitionEnd":
        lane.partition = endSpan(lane.partition, at);
        break;
      case "leaseGranted": {
        // A new lease on a resource whose previous lease is still open here: that one ended
        // without an event (its node crashed or went down); it was over by now, or at its expiry.
        const previous = this.openLease.get(resource);
        if (previous) this.#endLease(previous, Math.min(previous.expires, at), "lost");
        const lease = { start: at, end: null, expires: at + value, token, resource, endedBy: null, client: c };
        lane.leases.push(lease);
        lane.leaseByKey.set(key(resource, token), lease);
        this.openLease.set(resource, lease);
        if (lane.belief && lane.belief.lease === null && lane.belief.token === token && lane.belief.resource === resource) {
          lane.belief.lease = lease;
        }
        break;
      }
      case "leaseExpired":
      case "leaseReleased":
        this.#endLease(lane.leaseByKey.get(key(resource, token)), at, name === "leaseExpired" ? "expired" : "released");
        break;
      case "soldOut":
        lane.soldOutAt = at;
        break;
      default:
        // read, readRejected, writeSent, finished, grantTooLate: nothing to draw.
        break;
    }
  }

  #serverEvent(at, name, node, value) {
    switch (name) {
      case "serverCrash": {
        this.bands.push({
          kind: "crash",
          node,
          start: at,
          end: null,
          mode: value,
          label: `lease server ${node} crashed (${CRASH_MODES[value] ?? "?"})`,
        });
        // State lost: the server forgot its leases at the crash. With one lease node every lease
        // was on it; with more, the next grant on a resource closes the old lease instead.
        if ((value === 1 || value === 2) && (this.config.leaseNodes ?? 1) === 1) {
          for (const lease of [...this.openLease.values()]) this.#endLease(lease, at, "crash");
        }
        break;
      }
      case "serverRestart": {
        const crash = this.bands.findLast((b) => b.kind === "crash" && b.node === node && b.end === null);
        if (crash) crash.end = at;
        if (value > at)
          this.bands.push({ kind: "recovering", node, start: at, end: value, label: `server ${node} restarted; serves from ${value} ms` });
        break;
      }
      case "nodeDown": {
        const until = at + this.config.ttlMs + (this.config.lockDelayMs ?? 0);
        this.bands.push({
          kind: "nodeDown",
          node,
          start: at,
          end: until,
          moved: value,
          label: `lease node ${node} down; ${value} lock(s) fail over, served again from ${until} ms`,
        });
        break;
      }
      default:
        break;
    }
  }

  /** End of an interval as drawn at `now` (open intervals run to now, planned ones stop there). */
  static endOf(item, now) {
    if (item.end !== null) return item.end;
    return item.planned !== undefined ? Math.min(item.planned, now) : now;
  }

  /**
   * Calls `fn(a, b, dangerous)` for each piece of a belief, in time order: where the server's
   * lease for that token is live (`dangerous` false), and where it is not (true); `null` for the
   * whole belief when the server's view is unknown. No allocation: the canvas calls it for every
   * belief on every frame.
   */
  eachSpan(belief, now, fn) {
    const start = belief.start;
    const end = belief.end ?? now;
    if (end <= start) return;
    if (!this.serverKnown) {
      fn(start, end, null);
      return;
    }
    const lease = belief.lease;
    const a = lease ? Math.max(start, lease.start) : end;
    const b = lease ? Math.min(end, lease.end ?? now) : end;
    if (b <= a) {
      fn(start, end, true);
      return;
    }
    if (a > start) fn(start, a, true);
    fn(a, b, false);
    if (end > b) fn(b, end, true);
  }

  /** A belief split as `{ agreed: [[a, b]], danger: [[a, b]] }` (see `eachSpan`). */
  beliefSpans(belief, now) {
    const agreed = [];
    const danger = [];
    this.eachSpan(belief, now, (a, b, dangerous) => (dangerous ? danger : agreed).push([a, b]));
    return { agreed, danger };
  }

  /** A sentence about lane `c` at time `t` (for the hover readout). */
  describe(c, t) {
    const lane = this.lanes[c];
    if (!lane || t < 0 || t > this.now) return "";
    const within = (item) => item.start <= t && t < LocksModel.endOf(item, this.now);
    const parts = [];
    const belief = lane.beliefs.findLast((b) => b.start <= t && t < (b.end ?? this.now));
    if (belief && !this.serverKnown) {
      parts.push(`believes it holds #${belief.token} (the server's view is not in the history)`);
    } else if (belief) {
      const { danger } = this.beliefSpans(belief, this.now);
      const bad = danger.some(([a, b]) => a <= t && t < b);
      parts.push(
        bad ? `believes it holds #${belief.token} but the server's lease has expired` : `holds #${belief.token} (the server agrees)`,
      );
    } else {
      const phase = lane.phases.findLast(within);
      parts.push(phase ? PHASE_NAMES[phase.kind] : lane.soldOutAt !== null && t >= lane.soldOutAt ? "stopped (sold out)" : "thinking");
    }
    const lease = lane.leases.findLast(within);
    if (lease && (!belief || belief.token !== lease.token)) parts.push(`server holds #${lease.token} for it`);
    if (lane.pauses.some(within)) parts.push("paused");
    if (lane.partitions.some(within)) parts.push("partitioned");
    return parts.join("; ");
  }
}
