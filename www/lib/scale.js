// The one "nice numbers" scale of the page: round steps and tick values for axes.

/**
 * The smallest m × 10^k at or above `value`, m taken from `mantissas` (ascending, within [1, 10)).
 * `niceCeil(0.37) === 0.5`, `niceCeil(1200, [1, 2, 5]) === 2000`; 1 for a value that is not > 0.
 *
 * @param {number} value
 * @param {number[]} [mantissas]
 */
export function niceCeil(value, mantissas = [1, 2, 2.5, 5]) {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const m of mantissas) if (m * power >= value * (1 - 1e-12)) return m * power;
  return 10 * power;
}

/**
 * A round step (1, 2, 2.5 or 5 × 10^k) that cuts `span` into about `parts` parts.
 *
 * @param {number} span
 * @param {number} [parts]
 */
export function niceStep(span, parts = 4) {
  return niceCeil(span / parts);
}

/**
 * Round numbers from the first multiple of a nice step at or above `min` up to `max`.
 *
 * @param {number} min
 * @param {number} max
 */
export function linearTicks(min, max) {
  const step = niceStep(max - min);
  const out = [];
  for (let v = Math.ceil(min / step - 1e-9) * step; v <= max + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/**
 * Round tick values covering [0, max] (the last one at or above max): 4–6 of them.
 *
 * @param {number} max
 * @param {{ integer?: boolean }} [options] whole-number steps only
 */
export function niceTicks(max, { integer = false } = {}) {
  if (!(max > 0)) return [0, 1];
  const step = integer ? Math.max(1, niceStep(max)) : niceStep(max);
  const out = [];
  for (let v = 0; v < max + step - step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/**
 * The 1, 2, 5 × 10^k values within [min, max] (both > 0), for a logarithmic axis.
 *
 * @param {number} min
 * @param {number} max
 */
export function logTicks(min, max) {
  const out = [];
  for (let k = Math.floor(Math.log10(min)); k <= Math.ceil(Math.log10(max)); k++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** k;
      if (v >= min * 0.999 && v <= max * 1.001) out.push(v);
    }
  }
  return out;
}

/**
 * Whether `values` sit more evenly on a log scale than on a linear one (geometric values like
 * 100, 200, 400, 800), judged by the spread of the gaps between sorted values.
 *
 * @param {number[]} values
 */
export function prefersLog(values) {
  const v = [...new Set(values)].sort((a, b) => a - b);
  if (v.length < 3 || v[0] <= 0) return false;
  const spread = (xs) => {
    const gaps = xs.slice(1).map((x, i) => x - xs[i]);
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    const sd = Math.sqrt(gaps.reduce((a, g) => a + (g - mean) ** 2, 0) / gaps.length);
    return sd / mean;
  };
  return spread(v.map(Math.log)) < spread(v);
}
