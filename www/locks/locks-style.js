// The locks view's visual vocabulary: the exact colours of each lane state and mark, the checker
// rug's colours by violation kind, the canvas font and the striped pattern tiles. The canvas,
// its legend and the metrics panel all draw from here.

/** Colours, exact, so that the legend and the page test can find them on the canvas. */
export const STYLE = {
  waiting: { r: 191, g: 219, b: 254 },
  queued: { r: 252, g: 211, b: 77 },
  backoff: { r: 214, g: 211, b: 209 },
  holding: { r: 22, g: 163, b: 74 },
  /** Believes it holds but the server's lease has ended: red stripes on pink. */
  danger: { r: 220, g: 38, b: 38 },
  dangerBg: { r: 254, g: 202, b: 202 },
  /** Believes it holds; the server's view is not in the history: grey stripes. */
  unknown: { r: 100, g: 116, b: 139 },
  unknownBg: { r: 226, g: 232, b: 240 },
  lease: { r: 13, g: 148, b: 136 },
  paused: { r: 51, g: 65, b: 85 },
  partitioned: { r: 124, g: 58, b: 237 },
  writeOk: { r: 29, g: 78, b: 216 },
  writeRejected: { r: 234, g: 88, b: 12 },
  lost: { r: 190, g: 18, b: 60 },
  soldOut: { r: 148, g: 163, b: 184 },
  crash: { r: 100, g: 116, b: 139 },
  nodeDown: { r: 120, g: 53, b: 15 },
  now: { r: 15, g: 23, b: 42 },
};
for (const s of Object.values(STYLE)) s.css = `rgb(${s.r}, ${s.g}, ${s.b})`;

/** Colours of the checker rug rows, by violation kind. */
export const VIOLATION_STYLE = {
  lostUpdate: { label: "lost update", color: STYLE.lost },
  orderLost: { label: "order lost", color: STYLE.lost },
  orderDuplicated: { label: "order dup.", color: { css: "rgb(219, 39, 119)" } },
  staleWrite: { label: "stale write", color: { css: "rgb(217, 119, 6)" } },
  beliefOverlap: { label: "overlap", color: { css: "rgb(147, 51, 234)" } },
  doubleGrant: { label: "double grant", color: { css: "rgb(185, 28, 28)" } },
  tokenOrder: { label: "token order", color: { css: "rgb(185, 28, 28)" } },
  liveness: { label: "liveness", color: { css: "rgb(161, 98, 7)" } },
};
export const VIOLATION_ORDER = [
  "lostUpdate",
  "orderLost",
  "orderDuplicated",
  "staleWrite",
  "doubleGrant",
  "tokenOrder",
  "beliefOverlap",
  "liveness",
];

export const FONT = 'ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace';

/** A pattern tile of diagonal stripes with exact (unblended) colours. */
export function stripeTile(fg, bg, size = 8, width = 3) {
  const tile = document.createElement("canvas");
  tile.width = size;
  tile.height = size;
  const ctx = tile.getContext("2d");
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const on = (x + y) % size < width;
      const c = on ? fg : bg;
      if (!c) continue;
      ctx.fillStyle = c.css;
      ctx.fillRect(x, y, 1, 1);
    }
  }
  return tile;
}
