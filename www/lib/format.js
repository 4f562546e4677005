// The one number formatter of the page: every view formats numbers for people through these.

/**
 * 0.0912 → "9.1%"; small fractions keep three significant digits ("0.0613%"); "—" if not finite.
 *
 * @param {number} fraction
 * @param {number} [digits]
 */
export function percent(fraction, digits = 1) {
  if (!Number.isFinite(fraction)) return "—";
  const value = fraction * 100;
  if (value !== 0 && Math.abs(value) < 1) return `${value.toPrecision(3)}%`;
  return `${value.toFixed(digits)}%`;
}

/**
 * 12345.6 → "12,346".
 *
 * @param {number} value
 */
export function integer(value) {
  return Math.round(value).toLocaleString("en-US");
}

/**
 * A duration to read at a glance: 3.14 → "3.1 ms", 1234.5 → "1235 ms".
 *
 * @param {number} ms
 */
export function millis(ms) {
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}

/**
 * A simulated time, whole milliseconds with separators: 12500 → "12,500 ms".
 *
 * @param {number} ms
 */
export function wholeMillis(ms) {
  return `${integer(ms)} ms`;
}

/**
 * A wall-clock duration in seconds: 4200 → "4.2 s", 65000 → "65 s".
 *
 * @param {number} ms
 */
export function seconds(ms) {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

/**
 * Compact axis text: 1500 → "1.5k", 250000 → "250k", 0.5 → "0.5".
 *
 * @param {number} v
 */
export function shortNumber(v) {
  const abs = Math.abs(v);
  if (abs >= 1e6) return `${Number((v / 1e6).toPrecision(3))}M`;
  if (abs >= 1000) return `${Number((v / 1e3).toPrecision(3))}k`;
  return String(Number(v.toPrecision(3)));
}
