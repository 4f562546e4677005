// The lock contention view's links: a run's canonical hash, and `openRun`, which other views
// (the Sweeps tab) call to open a run in it. lib/router.js parses the hash.
//
//   #locks                                          the default run
//   #locks?preset=gcPause&seed=7&fencing=off        that exact run
//   #locks?preset=gcPause&seed=7&fencing=off&ttlMs=500&renewal=true
//                                                   …with config overrides (any SimulationConfig key)
//   #locks?history=histories/gcpause-unfenced.json  a recorded history, by URL
//
// Values decode as: "true"/"false" → boolean, "null" → null, an integer → number, anything
// else → string. The Simulation constructor validates the result, so a bad link shows its
// error message in the view instead of running something else.

export const LOCKS = "locks";

/** The keys that lead a run's hash, in this order; other keys follow sorted. */
const LEADING = ["preset", "seed", "fencing"];

function encodeValue(value) {
  return value === null ? "null" : String(value);
}

/** The canonical hash of a run: `#locks?preset=…&seed=…&fencing=…&<other keys, sorted>`. */
export function runHash(run) {
  const keys = Object.keys(run).filter((key) => run[key] !== undefined);
  const ordered = [...LEADING.filter((key) => keys.includes(key)), ...keys.filter((key) => !LEADING.includes(key)).sort()];
  const query = ordered.map((key) => `${encodeURIComponent(key)}=${encodeURIComponent(encodeValue(run[key]))}`);
  return query.length > 0 ? `#${LOCKS}?${query.join("&")}` : `#${LOCKS}`;
}

/**
 * Opens a run in the lock contention view (selecting its tab): sets
 * `#locks?preset=…&seed=…&<overrides>`, which the page's `hashchange` listener loads.
 *
 *   openRun({ preset: "gcPause", seed: 7, fencing: "off" });
 *   openRun({ preset: "partition", seed: 12, fencing: "off", ttlMs: 500 });
 *
 * @param {{ preset?: string, seed?: number, [override: string]: unknown }} [run]
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
