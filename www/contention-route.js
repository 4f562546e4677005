// URL routing for the page's views. Pure functions over the hash, plus `openRun`, which other
// views (the Sweeps tab) call to open a run in the lock contention view.
//
//   #ring (or no hash)                              the hash ring view
//   #locks                                          the lock contention view, default run
//   #locks?preset=gcPause&seed=7&fencing=off        that exact run
//   #locks?preset=gcPause&seed=7&fencing=off&ttlMs=500&renewal=true
//                                                   …with config overrides (any SimulationConfig key)
//
// Values decode as: "true"/"false" → boolean, "null" → null, an integer → number, anything
// else → string. The Simulation constructor validates the result, so a bad link shows its
// error message in the view instead of running something else.

export const RING = "ring";
export const LOCKS = "locks";

/** The keys that lead a run's hash, in this order; other keys follow sorted. */
const LEADING = ["preset", "seed", "fencing"];

/** "true" → true, "null" → null, "42" → 42, "off" → "off". */
export function decodeValue(text) {
  if (text === "true") return true;
  if (text === "false") return false;
  if (text === "null") return null;
  if (/^-?\d+$/.test(text)) return Number(text);
  return text;
}

/**
 * Parses a location hash `#<view>?<query>`. Returns `{ view, params }`: the view's name ("ring"
 * for no hash) and its decoded query (`null` if none). For `#locks`, `run` is the same object:
 * the run to open. The page shows the ring for a view it has no tab for.
 */
export function parseHash(hash) {
  const text = (hash ?? "").replace(/^#/, "");
  const mark = text.indexOf("?");
  const view = (mark < 0 ? text : text.slice(0, mark)) || RING;
  const decoded = {};
  for (const [key, value] of new URLSearchParams(mark < 0 ? "" : text.slice(mark + 1))) {
    if (key) decoded[key] = decodeValue(value);
  }
  const params = Object.keys(decoded).length > 0 ? decoded : null;
  return view === LOCKS ? { view, params, run: params } : { view, params };
}

function encodeValue(value) {
  return value === null ? "null" : String(value);
}

/** The canonical hash of a run: `#locks?preset=…&seed=…&fencing=…&<other keys, sorted>`. */
export function runHash(run) {
  const keys = Object.keys(run).filter((key) => run[key] !== undefined);
  const ordered = [
    ...LEADING.filter((key) => keys.includes(key)),
    ...keys.filter((key) => !LEADING.includes(key)).sort(),
  ];
  const query = ordered.map((key) => `${encodeURIComponent(key)}=${encodeURIComponent(encodeValue(run[key]))}`);
  return query.length > 0 ? `#${LOCKS}?${query.join("&")}` : `#${LOCKS}`;
}

/**
 * Opens a run in the lock contention view (selecting its tab): sets
 * `#locks?preset=…&seed=…&<overrides>`, which the page's `hashchange` listener loads.
 *
 *   openRun({ preset: "gcPause", seed: 7, fencing: "off" });
 *   openRun({ preset: "partition", seed: 12, fencing: "off", ttlMs: 500 });
 */
export function openRun({ preset, seed, ...overrides } = {}) {
  const hash = runHash({ preset, seed, ...overrides });
  if (window.location.hash === hash) {
    // Same hash: no hashchange would fire; ask the page to show it anyway.
    window.dispatchEvent(new HashChangeEvent("hashchange", { oldURL: window.location.href, newURL: window.location.href }));
  } else {
    window.location.hash = hash;
  }
  return hash;
}
