// The verdict and coverage of runs, as text tables (one row per run).

const KINDS = ["lostUpdate", "staleWrite", "doubleGrant", "tokenOrder", "beliefOverlap"];
const COVERAGE = ["lateWrites", "longPauses", "grantsWhileBelieved", "expiriesWhilePaused", "writesRefused", "readsRefused"];

const cell = (verdict, kind) => (verdict.unknown.includes(kind) ? "?" : String(verdict.counts[kind]));
const cov = (v) => (v === null || v === undefined ? "?" : String(v));

/** Counts of one run, for the table and for tests. */
export function summary(run) {
  const { verdict, history, options } = run;
  const ops = (op, type) => history.records.filter((r) => r.op === op && r.type === type && r.source !== "server").length;
  // Stale writes accepted under a token a newer grant had superseded (the others came from a
  // holder whose lease had expired while nobody else held the lock yet).
  const superseded = verdict.violations.filter(
    (x) => x.kind === "staleWrite" && history.records[x.otherRecord]?.token !== x.token,
  ).length;
  return {
    seed: options.seed,
    fencing: options.fencing ? "on" : "off",
    tokens: options.tokens,
    persistence: options.persistence,
    records: verdict.records,
    writesOk: ops("write", "ok"),
    ...Object.fromEntries(KINDS.map((k) => [k, cell(verdict, k)])),
    staleSuperseded: verdict.unknown.includes("staleWrite") ? "?" : String(superseded),
    ...Object.fromEntries(COVERAGE.map((k) => [k, cov(verdict.coverage[k])])),
    faults: Object.entries(run.nemeses)
      .filter(([k, n]) => n > 0 && k !== "restarts")
      .map(([k, n]) => `${k}×${n}`)
      .join(" "),
    ok: verdict.ok,
  };
}

const COLUMNS = [
  ["seed", "seed"], ["fencing", "fence"], ["tokens", "tokens"], ["persistence", "persist"], ["records", "records"],
  ["writesOk", "writes ok"], ["lostUpdate", "lost"], ["staleWrite", "stale"], ["staleSuperseded", "of which superseded"], ["doubleGrant", "dblGrant"],
  ["tokenOrder", "tokenOrd"], ["beliefOverlap", "overlap"], ["lateWrites", "late wr"], ["longPauses", "long pause"],
  ["grantsWhileBelieved", "grant∥belief"], ["expiriesWhilePaused", "exp∥paused"], ["writesRefused", "wr refused"],
  ["readsRefused", "rd refused"], ["faults", "faults"],
];

/** A Markdown table of run summaries. */
export function table(rows) {
  const head = `| ${COLUMNS.map(([, h]) => h).join(" | ")} |`;
  const rule = `| ${COLUMNS.map(() => "---").join(" | ")} |`;
  return [head, rule, ...rows.map((r) => `| ${COLUMNS.map(([k]) => r[k]).join(" | ")} |`)].join("\n");
}
