// The verdict and coverage of runs, as text tables (one row per run).

/** The violation kinds' columns: [key in a summary, heading]. */
const VIOLATION_COLUMNS = [
  ["lostUpdate", "lost"],
  ["staleWrite", "stale"],
  ["doubleGrant", "dblGrant"],
  ["tokenOrder", "tokenOrd"],
  ["beliefOverlap", "overlap"],
];
/** The coverage counts' columns, named as in checkHistory's `coverage`. */
const COVERAGE_COLUMNS = [
  ["lateWrites", "late wr"],
  ["expiredWritesApplied", "late wr applied"],
  ["longPauses", "long pause"],
  ["grantsWhileBelieved", "grant∥belief"],
  ["expiriesWhilePaused", "exp∥paused"],
  ["writesRefused", "wr refused"],
  ["readsRefused", "rd refused"],
];

const cell = (verdict, kind) => (verdict.unknown.includes(kind) ? "?" : String(verdict.counts[kind]));
const cov = (v) => (v === null || v === undefined ? "?" : String(v));

/**
 * Counts of one run, for the table and for tests: the run's settings, then a cell per
 * violation kind and per coverage count ("?" where the history cannot tell).
 * @returns {Record<string, any>}
 */
export function summary(run) {
  const { verdict, history, options } = run;
  const ops = (op, type) => history.records.filter((r) => r.op === op && r.type === type && r.source !== "server").length;
  return {
    seed: options.seed,
    fencing: options.fencing ? "on" : "off",
    tokens: options.tokens,
    persistence: options.persistence,
    records: verdict.records,
    writesOk: ops("write", "ok"),
    ...Object.fromEntries(VIOLATION_COLUMNS.map(([k]) => [k, cell(verdict, k)])),
    ...Object.fromEntries(COVERAGE_COLUMNS.map(([k]) => [k, cov(verdict.coverage[k])])),
    faults: Object.entries(run.nemeses)
      .filter(([k, n]) => n > 0 && k !== "restarts")
      .map(([k, n]) => `${k}×${n}`)
      .join(" "),
    ok: verdict.ok,
  };
}

const COLUMNS = [
  ["seed", "seed"],
  ["fencing", "fence"],
  ["tokens", "tokens"],
  ["persistence", "persist"],
  ["records", "records"],
  ["writesOk", "writes ok"],
  ...VIOLATION_COLUMNS,
  ...COVERAGE_COLUMNS,
  ["faults", "faults"],
];

/** A Markdown table of run summaries. */
export function table(rows) {
  const head = `| ${COLUMNS.map(([, h]) => h).join(" | ")} |`;
  const rule = `| ${COLUMNS.map(() => "---").join(" | ")} |`;
  return [head, rule, ...rows.map((r) => `| ${COLUMNS.map(([k]) => r[k]).join(" | ")} |`)].join("\n");
}
