// Draws the lock contention swimlanes on a <canvas>: one lane per client over a time axis, the
// whole-run bands (server crash, node down), and a "checker" rug with one row per violation
// kind found. Everything is batched into one path per style, so a frame is a few dozen fills
// however many intervals there are.
//
// Within a lane, top to bottom: a strip for pauses and partitions, the client's bar (waiting,
// queued, backing off, holding, or believing it holds after the server's lease ended), and a
// thin strip for the server's lease (server truth). Writes are ticks across the lane.
import { wholeMillis } from "../lib/format.js";
import { niceCeil } from "../lib/scale.js";
import { BACKOFF, LocksModel, QUEUED, WAITING } from "./locks-model.js";
import { INK as PAGE_INK } from "../lib/colors.js";

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
export const VIOLATION_ORDER = ["lostUpdate", "orderLost", "orderDuplicated", "staleWrite", "doubleGrant", "tokenOrder", "beliefOverlap", "liveness"];

const { text: INK, muted: MUTED, grid: GRID } = PAGE_INK;
const GUTTER = 78;
const AXIS = 24;
const RUG_ROW = 14;
const RIGHT = 12;
const FONT = 'ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace';

/** A pattern tile of diagonal stripes with exact (unblended) colours. */
function stripeTile(fg, bg, size = 8, width = 3) {
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

/** Lane height in CSS px for `lanes` lanes: roomy for a few, compact (down to 4 px) for many. */
export function laneHeight(lanes) {
  return Math.max(4, Math.min(28, Math.floor(620 / Math.max(1, lanes))));
}

/**
 * Rectangles of one style, merged while they touch on the same row (added left to right per
 * row): a long run at a whole-run scale is thousands of sub-pixel intervals but a few rects.
 */
class Rects {
  path = new Path2D();
  #y = NaN;
  #h = 0;
  #a = 0;
  #b = -Infinity;

  add(xa, xb, y, h) {
    if (y === this.#y && h === this.#h && xa <= this.#b + 0.5 && xb >= this.#a) {
      if (xb > this.#b) this.#b = xb;
      if (xa < this.#a) this.#a = xa;
      return;
    }
    this.flush();
    this.#a = xa;
    this.#b = xb;
    this.#y = y;
    this.#h = h;
  }

  flush() {
    if (this.#b > this.#a) this.path.rect(this.#a, this.#y, this.#b - this.#a, this.#h);
    this.#b = -Infinity;
    this.#y = NaN;
    return this.path;
  }
}

export class LocksCanvas {
  #canvas;
  #ctx;
  #patterns = null;
  /** Geometry of the last render, for hit-testing (CSS px). */
  geometry = null;

  constructor(canvas) {
    this.#canvas = canvas;
    this.#ctx = canvas.getContext("2d");
  }

  #pattern(name) {
    if (!this.#patterns) {
      const ctx = this.#ctx;
      this.#patterns = {
        danger: ctx.createPattern(stripeTile(STYLE.danger, STYLE.dangerBg), "repeat"),
        unknown: ctx.createPattern(stripeTile(STYLE.unknown, STYLE.unknownBg, 6, 2), "repeat"),
        crash: ctx.createPattern(stripeTile({ css: "rgba(100, 116, 139, 0.30)" }, { css: "rgba(100, 116, 139, 0.10)" }, 10, 4), "repeat"),
        partitioned: ctx.createPattern(stripeTile(STYLE.partitioned, { css: "rgb(221, 214, 254)" }, 4, 2), "repeat"),
      };
    }
    return this.#patterns[name];
  }

  /**
   * scene: {
   *   model: LocksModel, now, t0, t1 (the time window), laneLabels: string[],
   *   violations: SimViolation[], counts: Record<kind, number>, highlight: { atMs, kind } | null,
   * }
   */
  render(scene) {
    const { model, now, t0, t1, laneLabels, violations, counts, highlight } = scene;
    const canvas = this.#canvas;
    const ctx = this.#ctx;
    const lanes = model.lanes.length;
    const laneH = laneHeight(lanes);
    const rugKinds = VIOLATION_ORDER.filter((kind) => (counts?.[kind] ?? 0) > 0);
    const lanesTop = AXIS;
    const lanesBottom = lanesTop + lanes * laneH;
    const rugTop = lanesBottom + (rugKinds.length > 0 ? 6 : 0);
    const height = rugTop + rugKinds.length * RUG_ROW + 6;
    const width = Math.max(320, Math.round(canvas.clientWidth || 900));
    const dpr = window.devicePixelRatio || 1;
    if (canvas.style.height !== `${height}px`) canvas.style.height = `${height}px`;
    const pw = Math.round(width * dpr);
    const ph = Math.round(height * dpr);
    if (canvas.width !== pw || canvas.height !== ph) {
      canvas.width = pw;
      canvas.height = ph;
    }
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);

    const plotX = GUTTER;
    const plotW = width - GUTTER - RIGHT;
    const span = Math.max(1, t1 - t0);
    const scale = plotW / span;
    const X = (t) => plotX + (t - t0) * scale;
    this.geometry = { plotX, plotW, t0, t1, lanesTop, laneH, lanes, width, height };
    canvas.dataset.lanes = String(lanes);
    canvas.dataset.window = `${Math.round(t0)}-${Math.round(t1)}`;

    // Lane backgrounds, alternating, and labels.
    ctx.fillStyle = PAGE_INK.panel;
    for (let i = 1; i < lanes; i += 2) ctx.fillRect(plotX, lanesTop + i * laneH, plotW, laneH);
    ctx.font = `${Math.min(11, Math.max(8, laneH - 3))}px ${FONT}`;
    ctx.textBaseline = "middle";
    ctx.textAlign = "right";
    ctx.fillStyle = MUTED;
    const labelEvery = laneH >= 9 ? 1 : Math.ceil(10 / laneH);
    for (let i = 0; i < lanes; i += labelEvery) ctx.fillText(laneLabels[i] ?? `c${i}`, plotX - 6, lanesTop + i * laneH + laneH / 2);

    // Time axis and grid.
    // A round step (1, 2 or 5 × 10^k ms, at least 1 ms) with at least 90 px between ticks.
    const step = Math.max(1, niceCeil((span / plotW) * 90, [1, 2, 5]));
    ctx.font = `11px ${FONT}`;
    ctx.textAlign = "center";
    ctx.textBaseline = "alphabetic";
    ctx.lineWidth = 1;
    for (let t = Math.ceil(t0 / step) * step; t <= t1; t += step) {
      const x = Math.round(X(t)) + 0.5;
      ctx.strokeStyle = GRID;
      ctx.beginPath();
      ctx.moveTo(x, lanesTop - 4);
      ctx.lineTo(x, lanesBottom);
      ctx.stroke();
      ctx.fillStyle = MUTED;
      const text = wholeMillis(t);
      const w = ctx.measureText(text).width;
      const tx = Math.min(Math.max(x, plotX + w / 2), plotX + plotW - w / 2);
      ctx.fillText(text, tx, lanesTop - 8);
    }
    ctx.strokeStyle = PAGE_INK.axis;
    ctx.beginPath();
    ctx.moveTo(plotX, lanesTop - 0.5);
    ctx.lineTo(plotX + plotW, lanesTop - 0.5);
    ctx.stroke();

    ctx.save();
    ctx.beginPath();
    ctx.rect(plotX, 0, plotW, height);
    ctx.clip();

    // Not simulated yet.
    if (now < t1) {
      ctx.fillStyle = "rgba(241, 245, 249, 0.85)";
      ctx.fillRect(X(Math.max(now, t0)), lanesTop, plotW, lanesBottom - lanesTop);
    }

    // Whole-run bands behind the lanes.
    for (const band of model.bands) {
      const a = X(band.start);
      const b = X(band.end ?? now);
      if (b < plotX || a > plotX + plotW) continue;
      if (band.kind === "crash") {
        ctx.fillStyle = this.#pattern("crash");
        ctx.fillRect(a, lanesTop, Math.max(2, b - a), lanesBottom - lanesTop);
      } else {
        ctx.fillStyle = band.kind === "nodeDown" ? "rgba(120, 53, 15, 0.10)" : "rgba(100, 116, 139, 0.10)";
        ctx.fillRect(a, lanesTop, Math.max(2, b - a), lanesBottom - lanesTop);
      }
      if (band.kind !== "recovering") {
        ctx.fillStyle = band.kind === "nodeDown" ? STYLE.nodeDown.css : STYLE.crash.css;
        ctx.fillRect(Math.round(a) - 1, lanesTop, 2, lanesBottom - lanesTop);
      }
    }

    // Lanes, batched per style.
    const strip = Math.max(2, Math.round(laneH * 0.18));
    const leaseH = Math.max(2, Math.round(laneH * 0.14));
    const gap = laneH >= 10 ? 1 : 0;
    const barH = Math.max(2, laneH - 2 * gap - strip - leaseH);
    const paths = {
      waiting: new Rects(),
      queued: new Rects(),
      backoff: new Rects(),
      holding: new Rects(),
      danger: new Rects(),
      unknown: new Rects(),
      lease: new Rects(),
      paused: new Rects(),
      partitioned: new Rects(),
      writeOk: new Rects(),
      writeRejected: new Rects(),
      soldOut: new Rects(),
    };
    const rejectGlyphs = [];
    const grantLabels = [];
    const lostMarks = [];
    const minX = plotX - 20;
    const maxX = plotX + plotW + 20;
    const rect = (path, a, b, y, h, minW = 0) => {
      let xa = X(a);
      let xb = X(b);
      if (xb < minX || xa > maxX) return;
      xa = Math.max(xa, minX);
      xb = Math.min(xb, maxX);
      let w = xb - xa;
      if (w < minW) w = minW;
      if (w <= 0) return;
      path.add(xa, xa + w, y, h);
    };
    const phasePath = { [WAITING]: paths.waiting, [QUEUED]: paths.queued, [BACKOFF]: paths.backoff };
    for (let i = 0; i < lanes; i++) {
      const lane = model.lanes[i];
      const top = lanesTop + i * laneH;
      const stripY = top + gap;
      const barY = stripY + strip;
      const leaseY = barY + barH;
      for (const p of lane.phases) rect(phasePath[p.kind], p.start, p.end ?? now, barY, barH);
      for (const lease of lane.leases) rect(paths.lease, lease.start, lease.end ?? now, leaseY, leaseH, 1);
      const span = (a, b, dangerous) => rect(dangerous === null ? paths.unknown : dangerous ? paths.danger : paths.holding, a, b, barY, barH, 1);
      for (const belief of lane.beliefs) {
        model.eachSpan(belief, now, span);
        const x = X(belief.start);
        if (x >= plotX - 1 && x <= plotX + plotW) grantLabels.push({ x, y: top + laneH / 2, token: belief.token, lane: i });
      }
      for (const p of lane.partitions) rect(paths.partitioned, p.start, LocksModel.endOf(p, now), stripY, strip, 1);
      for (const p of lane.pauses) rect(paths.paused, p.start, LocksModel.endOf(p, now), stripY, strip, 1);
      if (lane.soldOutAt !== null) rect(paths.soldOut, lane.soldOutAt, now, barY + Math.floor(barH / 2), 1);
      const tickY = top + gap;
      const tickH = laneH - 2 * gap;
      let lastGlyph = -Infinity;
      for (const w of lane.writes) {
        const x = X(w.at);
        if (x < minX || x > maxX) continue;
        const tick = Math.round(x) - 1;
        (w.accepted ? paths.writeOk : paths.writeRejected).add(tick, tick + 2, tickY, tickH);
        if (!w.accepted && tick > lastGlyph + 1) {
          rejectGlyphs.push({ x: tick + 1, y: top + laneH / 2 });
          lastGlyph = tick;
        }
      }
    }
    for (const v of violations ?? []) {
      if (v.kind !== "lostUpdate" || v.client === null || v.client >= lanes) continue;
      // On the write that was lost (its client's last accepted write with that token, before
      // the overwrite at v.atMs); the checker rug marks the overwrite itself.
      const write = model.lanes[v.client].writes.findLast((w) => w.accepted && w.token === v.token && w.at <= v.atMs);
      const x = X(write ? write.at : v.atMs);
      if (x >= minX && x <= maxX) lostMarks.push({ x, top: lanesTop + v.client * laneH });
    }

    const fill = (name, style) => {
      ctx.fillStyle = style;
      ctx.fill(paths[name].flush());
    };
    fill("waiting", STYLE.waiting.css);
    fill("queued", STYLE.queued.css);
    fill("backoff", STYLE.backoff.css);
    fill("lease", STYLE.lease.css);
    fill("holding", STYLE.holding.css);
    fill("danger", this.#pattern("danger"));
    fill("unknown", this.#pattern("unknown"));
    fill("partitioned", this.#pattern("partitioned"));
    fill("paused", STYLE.paused.css);
    fill("soldOut", STYLE.soldOut.css);
    fill("writeOk", STYLE.writeOk.css);
    fill("writeRejected", STYLE.writeRejected.css);

    // Rejected writes: a × over the tick.
    if (rejectGlyphs.length > 0) {
      const r = Math.max(2, Math.min(5, laneH * 0.3));
      ctx.strokeStyle = STYLE.writeRejected.css;
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      for (const { x, y } of rejectGlyphs) {
        ctx.moveTo(x - r, y - r);
        ctx.lineTo(x + r, y + r);
        ctx.moveTo(x + r, y - r);
        ctx.lineTo(x - r, y + r);
      }
      ctx.stroke();
    }

    // Grant tokens, where they fit (left to right per lane, never overlapping).
    if (laneH >= 11) {
      ctx.font = `600 ${Math.min(11, laneH - 3)}px ${FONT}`;
      ctx.textAlign = "left";
      ctx.textBaseline = "middle";
      ctx.lineJoin = "round";
      ctx.lineWidth = 3;
      ctx.strokeStyle = "rgba(255, 255, 255, 0.9)";
      ctx.fillStyle = INK;
      // A monospace font: one measurement gives every label's width.
      const charW = ctx.measureText("0").width;
      const lastEnd = new Float64Array(lanes).fill(-Infinity);
      for (const g of grantLabels) {
        const x = g.x + 2;
        if (x < lastEnd[g.lane] + 3) continue;
        const text = `#${g.token}`;
        lastEnd[g.lane] = x + charW * text.length;
        ctx.strokeText(text, x, g.y);
        ctx.fillText(text, x, g.y);
      }
    }

    // Lost updates: a triangle on the lane of the writer whose acknowledged update vanished.
    if (lostMarks.length > 0) {
      const s = Math.max(3, Math.min(6, laneH * 0.45));
      ctx.fillStyle = STYLE.lost.css;
      ctx.beginPath();
      for (const { x, top } of lostMarks) {
        ctx.moveTo(x - s, top);
        ctx.lineTo(x + s, top);
        ctx.lineTo(x, top + s * 1.4);
        ctx.closePath();
      }
      ctx.fill();
    }

    // Band labels.
    ctx.font = `600 11px ${FONT}`;
    ctx.textAlign = "left";
    ctx.textBaseline = "top";
    for (const band of model.bands) {
      if (band.kind === "recovering") continue;
      const x = X(band.start) + 4;
      if (x > plotX + plotW) continue;
      const text = band.kind === "nodeDown" ? `lease node ${band.node} down` : `server ${band.node} crashed`;
      ctx.lineWidth = 3;
      ctx.strokeStyle = "rgba(255, 255, 255, 0.95)";
      ctx.strokeText(text, x, lanesTop + 3);
      ctx.fillStyle = band.kind === "nodeDown" ? STYLE.nodeDown.css : INK;
      ctx.fillText(text, x, lanesTop + 3);
    }

    // Now and the highlighted moment.
    if (now >= t0 && now <= t1) {
      ctx.fillStyle = STYLE.now.css;
      ctx.fillRect(Math.round(X(now)) - 1, lanesTop - 4, 2, lanesBottom - lanesTop + 4);
    }
    if (highlight && highlight.atMs >= t0 && highlight.atMs <= t1) {
      const x = Math.round(X(highlight.atMs)) + 0.5;
      ctx.strokeStyle = STYLE.lost.css;
      ctx.lineWidth = 1;
      ctx.setLineDash([4, 3]);
      ctx.beginPath();
      ctx.moveTo(x, lanesTop);
      ctx.lineTo(x, height);
      ctx.stroke();
      ctx.setLineDash([]);
    }

    // The checker rug: one row per violation kind found.
    rugKinds.forEach((kind, row) => {
      const y = rugTop + row * RUG_ROW;
      ctx.fillStyle = row % 2 ? "#ffffff" : PAGE_INK.panel;
      ctx.fillRect(plotX, y, plotW, RUG_ROW);
      ctx.fillStyle = VIOLATION_STYLE[kind].color.css;
      const ticks = new Rects();
      for (const v of violations ?? []) {
        if (v.kind !== kind) continue;
        const x = Math.round(X(v.atMs)) - 1;
        if (x >= minX && x <= maxX) ticks.add(x, x + 2, y + 2, RUG_ROW - 4);
      }
      ctx.fill(ticks.flush());
    });
    ctx.restore();

    ctx.font = `10px ${FONT}`;
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    rugKinds.forEach((kind, row) => {
      ctx.fillStyle = VIOLATION_STYLE[kind].color.css;
      ctx.fillText(VIOLATION_STYLE[kind].label, plotX - 6, rugTop + row * RUG_ROW + RUG_ROW / 2);
    });
  }

  /** The lane and time under a point (CSS px relative to the canvas), or null. */
  hit(x, y) {
    const g = this.geometry;
    if (!g || x < g.plotX || x > g.plotX + g.plotW) return null;
    const lane = Math.floor((y - g.lanesTop) / g.laneH);
    if (lane < 0 || lane >= g.lanes) return null;
    return { lane, t: g.t0 + ((x - g.plotX) / g.plotW) * (g.t1 - g.t0) };
  }
}

/** Draws one legend swatch (`kind`: a STYLE name or "grant") on a small canvas. */
export function drawSwatch(canvas, kind) {
  const w = 34;
  const h = 14;
  const dpr = window.devicePixelRatio || 1;
  canvas.width = w * dpr;
  canvas.height = h * dpr;
  canvas.style.width = `${w}px`;
  canvas.style.height = `${h}px`;
  const ctx = canvas.getContext("2d");
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  const bar = (style) => {
    ctx.fillStyle = style;
    ctx.fillRect(2, 3, w - 4, h - 6);
  };
  switch (kind) {
    case "danger":
      bar(ctx.createPattern(stripeTile(STYLE.danger, STYLE.dangerBg), "repeat"));
      break;
    case "unknown":
      bar(ctx.createPattern(stripeTile(STYLE.unknown, STYLE.unknownBg, 6, 2), "repeat"));
      break;
    case "lease":
      ctx.fillStyle = STYLE.lease.css;
      ctx.fillRect(2, h - 5, w - 4, 3);
      break;
    case "paused":
      ctx.fillStyle = STYLE.paused.css;
      ctx.fillRect(2, 2, w - 4, 3);
      break;
    case "partitioned":
      ctx.fillStyle = ctx.createPattern(stripeTile(STYLE.partitioned, { css: "rgb(221, 214, 254)" }, 4, 2), "repeat");
      ctx.fillRect(2, 2, w - 4, 3);
      break;
    case "writeOk":
      ctx.fillStyle = STYLE.writeOk.css;
      ctx.fillRect(w / 2 - 1, 1, 2, h - 2);
      break;
    case "writeRejected":
      ctx.fillStyle = STYLE.writeRejected.css;
      ctx.fillRect(w / 2 - 1, 1, 2, h - 2);
      ctx.strokeStyle = STYLE.writeRejected.css;
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      ctx.moveTo(w / 2 - 4, h / 2 - 4);
      ctx.lineTo(w / 2 + 4, h / 2 + 4);
      ctx.moveTo(w / 2 + 4, h / 2 - 4);
      ctx.lineTo(w / 2 - 4, h / 2 + 4);
      ctx.stroke();
      break;
    case "grant":
      bar(STYLE.holding.css);
      ctx.font = `600 10px ${FONT}`;
      ctx.textBaseline = "middle";
      ctx.lineWidth = 3;
      ctx.strokeStyle = "rgba(255, 255, 255, 0.9)";
      ctx.strokeText("#12", 4, h / 2);
      ctx.fillStyle = INK;
      ctx.fillText("#12", 4, h / 2);
      break;
    case "lost":
      ctx.fillStyle = STYLE.lost.css;
      ctx.beginPath();
      ctx.moveTo(w / 2 - 6, 1);
      ctx.lineTo(w / 2 + 6, 1);
      ctx.lineTo(w / 2, 11);
      ctx.closePath();
      ctx.fill();
      break;
    case "crash":
      ctx.fillStyle = ctx.createPattern(stripeTile({ css: "rgba(100, 116, 139, 0.30)" }, { css: "rgba(100, 116, 139, 0.10)" }, 10, 4), "repeat");
      ctx.fillRect(2, 0, w - 4, h);
      ctx.fillStyle = STYLE.crash.css;
      ctx.fillRect(2, 0, 2, h);
      break;
    case "nodeDown":
      ctx.fillStyle = "rgba(120, 53, 15, 0.10)";
      ctx.fillRect(2, 0, w - 4, h);
      ctx.fillStyle = STYLE.nodeDown.css;
      ctx.fillRect(2, 0, 2, h);
      break;
    case "soldOut":
      ctx.fillStyle = STYLE.soldOut.css;
      ctx.fillRect(2, h / 2, w - 4, 1);
      break;
    case "now":
      ctx.fillStyle = "rgba(241, 245, 249, 0.85)";
      ctx.fillRect(w / 2, 0, w / 2, h);
      ctx.fillStyle = STYLE.now.css;
      ctx.fillRect(w / 2 - 1, 0, 2, h);
      break;
    default:
      bar(STYLE[kind].css);
  }
}
