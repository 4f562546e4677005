// Draws the lock contention swimlanes on a <canvas>: one lane per client over a time axis, the
// whole-run bands (server crash, node down), and a "checker" rug with one row per violation
// kind found. Everything is batched into one path per style, so a frame is a few dozen fills
// however many intervals there are.
//
// Within a lane, top to bottom: a strip for pauses and partitions, the client's bar (waiting,
// queued, backing off, holding, or believing it holds after the server's lease ended), and a
// thin strip for the server's lease (server truth). Writes are ticks across the lane.
import { fitCanvas } from "../lib/canvas.js";
import { INK as PAGE_INK } from "../lib/colors.js";
import { wholeMillis } from "../lib/format.js";
import { niceCeil } from "../lib/scale.js";
import { BACKOFF, LocksModel, QUEUED, WAITING } from "./locks-model.js";
import { FONT, STYLE, stripeTile, VIOLATION_ORDER, VIOLATION_STYLE } from "./locks-style.js";

const { text: INK, muted: MUTED, grid: GRID } = PAGE_INK;
const GUTTER = 78;
const AXIS = 24;
const RUG_ROW = 14;
const RIGHT = 12;

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
   * Draws one frame: lane labels, the time axis, then (clipped to the plot) the not-yet-simulated
   * shade, whole-run bands, the lanes' shapes, rejected writes, grant tokens, lost updates, band
   * labels, now and the highlighted moment, and the checker rug; last the rug's labels.
   *
   * scene: {
   *   model: LocksModel, now, t0, t1 (the time window), laneLabels: string[],
   *   violations: SimViolation[], counts: Record<kind, number>, highlight: { atMs, kind } | null,
   * }
   */
  render(scene) {
    const frame = this.#layout(scene);
    const ctx = this.#ctx;
    this.#drawLaneLabels(frame, scene.laneLabels);
    this.#drawAxis(frame);
    ctx.save();
    ctx.beginPath();
    ctx.rect(frame.plotX, 0, frame.plotW, frame.height);
    ctx.clip();
    this.#drawUnsimulated(frame);
    this.#drawBands(frame);
    const shapes = this.#laneShapes(frame);
    this.#fillLanes(shapes.paths);
    this.#drawRejected(frame, shapes.rejectGlyphs);
    this.#drawGrantTokens(frame, shapes.grantLabels);
    this.#drawLostUpdates(frame, this.#lostMarks(frame));
    this.#drawBandLabels(frame);
    this.#drawNow(frame);
    this.#drawHighlight(frame);
    this.#drawRug(frame);
    ctx.restore();
    this.#drawRugLabels(frame);
  }

  /** Sizes the canvas for the scene and clears it; returns the frame's geometry and inputs. */
  #layout({ model, now, t0, t1, violations, counts, highlight }) {
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
    if (canvas.style.height !== `${height}px`) canvas.style.height = `${height}px`;
    fitCanvas(canvas, ctx, width, height);

    const plotX = GUTTER;
    const plotW = width - GUTTER - RIGHT;
    const span = Math.max(1, t1 - t0);
    const scale = plotW / span;
    this.geometry = { plotX, plotW, t0, t1, lanesTop, laneH, lanes, width, height };
    canvas.dataset.lanes = String(lanes);
    canvas.dataset.window = `${Math.round(t0)}-${Math.round(t1)}`;
    return {
      model,
      now,
      t0,
      t1,
      span,
      violations: violations ?? [],
      highlight,
      lanes,
      laneH,
      lanesTop,
      lanesBottom,
      rugKinds,
      rugTop,
      width,
      height,
      plotX,
      plotW,
      /** Simulated ms → CSS px. */
      X: (t) => plotX + (t - t0) * scale,
      // Shapes this far outside the plot are skipped (the clip hides the rest).
      minX: plotX - 20,
      maxX: plotX + plotW + 20,
    };
  }

  /** Lane backgrounds, alternating, and the lanes' labels left of the plot. */
  #drawLaneLabels({ lanes, laneH, lanesTop, plotX, plotW }, laneLabels) {
    const ctx = this.#ctx;
    ctx.fillStyle = PAGE_INK.panel;
    for (let i = 1; i < lanes; i += 2) ctx.fillRect(plotX, lanesTop + i * laneH, plotW, laneH);
    ctx.font = `${Math.min(11, Math.max(8, laneH - 3))}px ${FONT}`;
    ctx.textBaseline = "middle";
    ctx.textAlign = "right";
    ctx.fillStyle = MUTED;
    const labelEvery = laneH >= 9 ? 1 : Math.ceil(10 / laneH);
    for (let i = 0; i < lanes; i += labelEvery) ctx.fillText(laneLabels[i] ?? `c${i}`, plotX - 6, lanesTop + i * laneH + laneH / 2);
  }

  /** The time axis over the lanes, and its grid lines through them. */
  #drawAxis({ t0, t1, span, plotX, plotW, lanesTop, lanesBottom, X }) {
    const ctx = this.#ctx;
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
  }

  /** A light shade over the part of the window not simulated yet. */
  #drawUnsimulated({ now, t0, t1, plotW, lanesTop, lanesBottom, X }) {
    if (now >= t1) return;
    const ctx = this.#ctx;
    ctx.fillStyle = "rgba(241, 245, 249, 0.85)";
    ctx.fillRect(X(Math.max(now, t0)), lanesTop, plotW, lanesBottom - lanesTop);
  }

  /** Whole-run bands behind the lanes: server crashes (hatched), lease nodes down, recovery. */
  #drawBands({ model, now, plotX, plotW, lanesTop, lanesBottom, X }) {
    const ctx = this.#ctx;
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
  }

  /**
   * Every lane's shapes, batched per style (one Rects per STYLE name), plus where rejected-write
   * glyphs and grant token labels go.
   */
  #laneShapes({ model, now, lanes, laneH, lanesTop, plotX, plotW, X, minX, maxX }) {
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
      const span = (a, b, dangerous) =>
        rect(dangerous === null ? paths.unknown : dangerous ? paths.danger : paths.holding, a, b, barY, barH, 1);
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
    return { paths, rejectGlyphs, grantLabels };
  }

  /** Fills the lanes' batched shapes, back to front. */
  #fillLanes(paths) {
    const ctx = this.#ctx;
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
  }

  /** Rejected writes: a × over the tick. */
  #drawRejected({ laneH }, glyphs) {
    if (glyphs.length === 0) return;
    const ctx = this.#ctx;
    const r = Math.max(2, Math.min(5, laneH * 0.3));
    ctx.strokeStyle = STYLE.writeRejected.css;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    for (const { x, y } of glyphs) {
      ctx.moveTo(x - r, y - r);
      ctx.lineTo(x + r, y + r);
      ctx.moveTo(x + r, y - r);
      ctx.lineTo(x - r, y + r);
    }
    ctx.stroke();
  }

  /** Grant tokens, where they fit (left to right per lane, never overlapping). */
  #drawGrantTokens({ lanes, laneH }, labels) {
    if (laneH < 11) return;
    const ctx = this.#ctx;
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
    for (const g of labels) {
      const x = g.x + 2;
      if (x < lastEnd[g.lane] + 3) continue;
      const text = `#${g.token}`;
      lastEnd[g.lane] = x + charW * text.length;
      ctx.strokeText(text, x, g.y);
      ctx.fillText(text, x, g.y);
    }
  }

  /**
   * Where lost updates are marked: on the write that was lost (its client's last accepted write
   * with that token, before the overwrite at v.atMs); the checker rug marks the overwrite itself.
   */
  #lostMarks({ model, violations, lanes, laneH, lanesTop, X, minX, maxX }) {
    const marks = [];
    for (const v of violations) {
      if (v.kind !== "lostUpdate" || v.client === null || v.client >= lanes) continue;
      const write = model.lanes[v.client].writes.findLast((w) => w.accepted && w.token === v.token && w.at <= v.atMs);
      const x = X(write ? write.at : v.atMs);
      if (x >= minX && x <= maxX) marks.push({ x, top: lanesTop + v.client * laneH });
    }
    return marks;
  }

  /** Lost updates: a triangle on the lane of the writer whose acknowledged update vanished. */
  #drawLostUpdates({ laneH }, marks) {
    if (marks.length === 0) return;
    const ctx = this.#ctx;
    const s = Math.max(3, Math.min(6, laneH * 0.45));
    ctx.fillStyle = STYLE.lost.css;
    ctx.beginPath();
    for (const { x, top } of marks) {
      ctx.moveTo(x - s, top);
      ctx.lineTo(x + s, top);
      ctx.lineTo(x, top + s * 1.4);
      ctx.closePath();
    }
    ctx.fill();
  }

  /** The bands' labels ("server 0 crashed", "lease node 2 down"), at their start. */
  #drawBandLabels({ model, plotX, plotW, lanesTop, X }) {
    const ctx = this.#ctx;
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
  }

  /** The "now" line, when it is in the window. */
  #drawNow({ now, t0, t1, lanesTop, lanesBottom, X }) {
    if (now < t0 || now > t1) return;
    const ctx = this.#ctx;
    ctx.fillStyle = STYLE.now.css;
    ctx.fillRect(Math.round(X(now)) - 1, lanesTop - 4, 2, lanesBottom - lanesTop + 4);
  }

  /** A dashed line at the highlighted moment (a violation clicked in the list). */
  #drawHighlight({ highlight, t0, t1, lanesTop, height, X }) {
    if (!highlight || highlight.atMs < t0 || highlight.atMs > t1) return;
    const ctx = this.#ctx;
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

  /** The checker rug: one row per violation kind found, a tick where each happened. */
  #drawRug({ rugKinds, rugTop, violations, plotX, plotW, X, minX, maxX }) {
    const ctx = this.#ctx;
    rugKinds.forEach((kind, row) => {
      const y = rugTop + row * RUG_ROW;
      ctx.fillStyle = row % 2 ? "#ffffff" : PAGE_INK.panel;
      ctx.fillRect(plotX, y, plotW, RUG_ROW);
      ctx.fillStyle = VIOLATION_STYLE[kind].color.css;
      const ticks = new Rects();
      for (const v of violations) {
        if (v.kind !== kind) continue;
        const x = Math.round(X(v.atMs)) - 1;
        if (x >= minX && x <= maxX) ticks.add(x, x + 2, y + 2, RUG_ROW - 4);
      }
      ctx.fill(ticks.flush());
    });
  }

  /** The rug rows' labels, left of the plot. */
  #drawRugLabels({ rugKinds, rugTop, plotX }) {
    const ctx = this.#ctx;
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
