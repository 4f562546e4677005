// Number formatting shared by the views.

/** 0.0912 -> "9.1%"; small fractions keep three significant digits ("0.0613%"). */
export function percent(fraction, digits = 1) {
  if (!Number.isFinite(fraction)) return "—";
  const value = fraction * 100;
  if (value !== 0 && Math.abs(value) < 1) return `${value.toPrecision(3)}%`;
  return `${value.toFixed(digits)}%`;
}

export function integer(value) {
  return Math.round(value).toLocaleString("en-US");
}

export function millis(ms) {
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}
