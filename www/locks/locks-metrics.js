// The lock contention view's metrics panel: the checker's verdict (lost updates, or lost orders
// for the order queue), the headline metrics from `sim.metrics()`, violations by kind from
// `sim.counts()` with the violations themselves as buttons that jump to their moment, and the
// trace digest.

import { integer } from "../lib/format.js";
import { VIOLATION_ORDER, VIOLATION_STYLE } from "./locks-style.js";

const KIND_TEXT = {
  lostUpdate: "Lost updates — acknowledged decrements that vanished",
  orderLost: "Orders lost — acknowledged orders missing from the log",
  orderDuplicated: "Orders duplicated in the log",
  staleWrite: "Stale writes applied (a token below one the store had applied; strict fencing: not the live lease)",
  doubleGrant: "Double grants (two live leases at once)",
  tokenOrder: "Tokens out of order",
  beliefOverlap: "Overlapping beliefs (two clients believed they held it)",
  liveness: "Liveness (a wait past its bound after faults stopped)",
};
/** Kinds judged by the simulation alone (its order audit and liveness bounds), not from histories. */
const SIMULATION_ONLY = new Set(["orderLost", "orderDuplicated", "liveness"]);
/** Kinds listed open (the ones fencing is about). */
const OPEN_KINDS = new Set(["lostUpdate", "orderLost", "orderDuplicated"]);
/** At most this many violations of one kind are listed as buttons. */
const LIST_MAX = 200;

const ms = (value) => `${integer(value)} ms`;

/** The coverage counts (checkHistory's and the simulation's), in display order. */
const COVERAGE = [
  ["lateWrites", "Late writes", "Writes that reached the store after their lease had ended (applied or refused)"],
  [
    "expiredWritesApplied",
    "Late writes applied",
    "Late writes the store applied: max-token fencing lets an expired holder write until a newer token reaches the store",
  ],
  ["longPauses", "Pauses > TTL", "Pauses longer than the TTL the process asked for"],
  ["grantsWhileBelieved", "Grants while held", "Grants while another client still believed it held the lock"],
  ["expiriesWhilePaused", "Expiries in a pause", "Leases that expired on the server while their holder was paused"],
  ["writesRefused", "Writes refused", "Writes the store refused (fencing), as the clients learnt"],
  ["readsRefused", "Reads refused", "Reads the store refused, as the clients learnt"],
  ["renewalsRefused", "Renewals refused", "Renewals the server refused, as the clients learnt"],
];

function stat(testid, label, value, title) {
  const div = document.createElement("div");
  if (title) div.title = title;
  const dt = document.createElement("dt");
  dt.textContent = label;
  const dd = document.createElement("dd");
  dd.dataset.testid = testid;
  dd.textContent = value;
  div.append(dt, dd);
  return div;
}

export class LocksMetrics {
  #ui;
  #onJump;
  #listKey = "";

  /** onJump(violation): a violation was clicked. */
  constructor(root, onJump) {
    const q = (id) => root.querySelector(`[data-testid="${id}"]`);
    this.#ui = {
      verdict: q("locks-verdict"),
      number: q("metric-lost-updates"),
      verdictText: q("verdict-text"),
      grid: q("metric-grid"),
      table: q("violation-table"),
      list: q("violation-list"),
      details: q("metric-details"),
      digest: q("locks-digest"),
      coverage: q("coverage-grid"),
      digestWhen: q("locks-digest-when"),
    };
    this.#onJump = onJump;
    this.#ui.list.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-index]");
      if (button) this.#onJump(this.violations[Number(button.dataset.index)]);
    });
    this.violations = [];
  }

  /**
   * run: { metrics, counts, violations, digest, nowMs, done, workload, fencing, coverage,
   *        unknown (kinds a history cannot judge), recorded (a history, not a simulation) }
   */
  render(run) {
    const { metrics: m, counts, nowMs, workload } = run;
    const unknown = new Set(run.unknown ?? []);
    // A recorded history is judged as a whole: its verdict is final from the start.
    const done = run.done || run.recorded;
    const ui = this.#ui;
    const orders = workload === "orders";
    const primary = orders ? counts.orderLost + counts.orderDuplicated : counts.lostUpdate;
    ui.number.textContent = integer(primary);
    ui.number.dataset.value = String(primary);
    const noun = orders ? "orders lost or duplicated" : primary === 1 ? "lost update" : "lost updates";
    let verdict;
    let text;
    if (!orders && unknown.has("lostUpdate")) {
      verdict = "unknown";
      text = "lost updates: unknown — the history has no reads that name the write they saw";
    } else if (primary > 0) {
      verdict = "unsafe";
      text = orders
        ? `${noun} — acknowledged orders missing from (or repeated in) their partition's log`
        : `${noun} — acknowledged decrements that vanished${run.fencing === "off" ? ": the store has no fencing" : ""}`;
    } else if (done) {
      verdict = "safe";
      text = orders ? `${noun}: every acknowledged order is in its log exactly once` : `${noun}: every acknowledged decrement counts`;
    } else {
      verdict = "running";
      text = `${noun} so far (judged from the store's contents; final at the end)`;
    }
    ui.verdict.dataset.verdict = verdict;
    ui.verdictText.textContent = text;
    if (verdict === "unknown") ui.number.textContent = "?";

    ui.coverage.replaceChildren(
      ...COVERAGE.map(([name, label, title]) => {
        const value = run.coverage?.[name];
        return stat(
          `coverage-${name}`,
          label,
          value === null || value === undefined ? "unknown" : integer(value),
          value === null ? `${title}. Unknown: the history has no server records.` : title,
        );
      }),
    );

    const utilisation = m.utilisationPpm === null ? null : m.utilisationPpm / 10_000;
    ui.grid.replaceChildren(
      stat("metric-completed", "Completed ops", integer(m.completedOps), "Operations acknowledged by the store"),
      stat("metric-throughput", "Throughput", `${integer(m.throughputPerS)}/s`, "Completed operations per simulated second"),
      stat("metric-wait-p50", "Wait p50", ms(m.waitP50Ms), "Acquire wait, median"),
      stat("metric-wait-p95", "Wait p95", ms(m.waitP95Ms)),
      stat("metric-wait-p99", "Wait p99", ms(m.waitP99Ms), `max ${ms(m.waitMaxMs)}`),
      stat(
        "metric-utilisation",
        "Utilisation",
        utilisation === null ? "unknown" : `${utilisation.toFixed(1)}%`,
        "Share of time leases were held (server truth)",
      ),
      stat("metric-retries", "Retries", integer(m.retries), "Re-sent requests and back-offs"),
      stat("metric-rejected-writes", "Rejected writes", integer(m.rejectedWrites), "Writes the store refused (fencing)"),
    );

    const rows = run.recorded
      ? [
          ["Recorded", `${ms(nowMs)} shown of ${ms(m.elapsedMs)}`],
          ["Records", integer(m.events)],
          ["Grants", integer(m.grants)],
          ["Renewals", `${integer(m.renewals)} (${integer(m.renewalsRejected)} refused)`],
          ["Pauses", integer(m.pauses)],
          ["Rejected reads", integer(m.rejectedReads)],
        ]
      : [
          ["Simulated", `${ms(nowMs)}${done ? " (done)" : ""}`],
          ["Engine events", integer(m.events)],
          ["Grants", integer(m.grants)],
          ["Renewals", `${integer(m.renewals)} (${integer(m.renewalsRejected)} refused)`],
          ["Pauses", integer(m.pauses)],
          ["Rejected reads", integer(m.rejectedReads)],
          ["Messages", `${integer(m.messages)} (${integer(m.messagesLost)} lost, ${integer(m.messagesDuplicated)} duplicated)`],
        ];
    ui.details.replaceChildren(
      ...rows.flatMap(([label, value]) => {
        const dt = document.createElement("dt");
        dt.textContent = label;
        const dd = document.createElement("dd");
        dd.textContent = value;
        return [dt, dd];
      }),
    );

    ui.table.replaceChildren(
      ...VIOLATION_ORDER.map((kind) => {
        const tr = document.createElement("tr");
        tr.dataset.kind = kind;
        tr.className =
          `${kind === "lostUpdate" || (orders && kind.startsWith("order")) ? "primary" : ""} ${counts[kind] > 0 ? "found" : ""}`.trim();
        const swatch = document.createElement("td");
        const dot = document.createElement("span");
        dot.className = "rug-swatch";
        dot.style.background = VIOLATION_STYLE[kind].color.css;
        swatch.append(dot);
        const name = document.createElement("td");
        name.innerHTML = `<code>${kind}</code> <span class="muted small">${KIND_TEXT[kind]}</span>`;
        const count = document.createElement("td");
        count.className = "num";
        count.dataset.testid = `violations-${kind}`;
        const simOnly = run.recorded && SIMULATION_ONLY.has(kind);
        count.textContent = unknown.has(kind) ? "unknown" : simOnly ? "—" : integer(counts[kind]);
        if (simOnly) count.title = "Judged by the simulation from its own state, not from a history";
        if (unknown.has(kind)) count.dataset.unknown = "true";
        tr.append(swatch, name, count);
        return tr;
      }),
    );

    this.#renderList(run);

    ui.digest.textContent = run.recorded ? "none" : run.digest;
    ui.digestWhen.textContent = run.recorded
      ? " (a recorded history has no simulation trace)"
      : done
        ? " of the whole run"
        : ` so far (at ${ms(nowMs)})`;
  }

  #renderList({ violations, counts, done, laneLabels }) {
    const key = `${laneLabels?.join(",") ?? ""}:${done}:${violations.length}:${VIOLATION_ORDER.map((k) => counts[k]).join(",")}:${violations.at(-1)?.atMs ?? ""}`;
    if (key === this.#listKey) return;
    this.#listKey = key;
    this.violations = violations;
    const groups = new Map();
    violations.forEach((v, index) => {
      if (!groups.has(v.kind)) groups.set(v.kind, []);
      groups.get(v.kind).push(index);
    });
    const ui = this.#ui;
    // Kinds listed before keep their open/closed state; new ones open if fencing is about them.
    const before = new Map([...ui.list.querySelectorAll("details")].map((d) => [d.dataset.kind, d.open]));
    /** @type {HTMLElement[]} */
    const blocks = VIOLATION_ORDER.filter((kind) => groups.has(kind)).map((kind) => {
      const indices = groups.get(kind);
      const details = document.createElement("details");
      details.dataset.kind = kind;
      details.open = before.get(kind) ?? OPEN_KINDS.has(kind);
      const summary = document.createElement("summary");
      summary.textContent = `${kind} — ${integer(counts[kind])}${indices.length < counts[kind] ? ` (${integer(indices.length)} listed)` : ""}`;
      const ol = document.createElement("ol");
      for (const index of indices.slice(0, LIST_MAX)) {
        const v = violations[index];
        const li = document.createElement("li");
        const button = document.createElement("button");
        button.type = "button";
        button.className = "link";
        button.dataset.index = String(index);
        button.dataset.testid = "violation-item";
        button.dataset.kind = v.kind;
        const label = (lane) => laneLabels?.[lane] ?? `c${lane}`;
        const who = v.client === null ? "" : ` · ${label(v.client)}${v.other === null ? "" : ` & ${label(v.other)}`}`;
        const token = v.token ? ` · token #${v.token}` : "";
        button.textContent = `${ms(v.atMs)}${who}${token}`;
        li.append(button);
        ol.append(li);
      }
      if (indices.length > LIST_MAX) {
        const li = document.createElement("li");
        li.className = "muted small";
        li.textContent = `… and ${integer(indices.length - LIST_MAX)} more`;
        ol.append(li);
      }
      details.append(summary, ol);
      return details;
    });
    if (blocks.length === 0) {
      const p = document.createElement("p");
      p.className = "muted small";
      p.textContent = done ? "No violations found." : "No violations found so far.";
      blocks.push(p);
    }
    ui.list.replaceChildren(...blocks);
  }
}
