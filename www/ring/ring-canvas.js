// Draws the ring on a <canvas>: ownership arcs, the nodes' points, the arcs the last change
// moved, and the sample keys.
//
// Everything is batched into one Path2D per node colour, so 1000 nodes × 160 points is
// ~1000 stroke calls, not 160 000. The geometry (including every key dot's centre) is kept for
// the overlay and for hit-testing.

import { fitCanvas } from "../lib/canvas.js";
import { INK as PAGE_INK } from "../lib/colors.js";
import { KEYSPACE } from "./ring-stats.js";

const TAU = Math.PI * 2;
const PHI = 0.6180339887498949;
const { text: INK, muted: MUTED, track: TRACK } = PAGE_INK;
/** Points of a node marked down: neutral grey, dashed (no node colour is grey). */
export const DOWN = { r: 150, g: 150, b: 150, css: "rgb(150, 150, 150)" };
/** The strip outside the band marking the arcs whose owner changed in the last change. */
export const MOVED = { r: 245, g: 158, b: 11, css: "rgb(245, 158, 11)" };
const STRIP = 5;
/** At most this many down points get a × (a ring with most nodes down needs no more). */
const MAX_DOWN_MARKS = 20000;

/** Ring position (u32) -> canvas angle: 0 at twelve o'clock, increasing clockwise. */
export function angleOf(position) {
  return (position / KEYSPACE) * TAU - Math.PI / 2;
}

/** Where sample key `i` sits between the centre and the ring, as a fraction of the radius. */
export function keyRadiusFraction(i) {
  return 0.34 + 0.54 * ((i * PHI) % 1);
}

export class RingCanvas {
  #canvas;
  #ctx;
  /** { size, cx, cy, radius } of the last render, in CSS pixels. */
  geometry = null;

  constructor(canvas) {
    this.#canvas = canvas;
    this.#ctx = canvas.getContext("2d", { alpha: true });
  }

  /**
   * scene: {
   *   positions: Uint32Array, owners: Uint32Array,     // ring.points(), down nodes included
   *   up: boolean[],                                    // per node index
   *   live: { positions, owners },                      // the points of live nodes (for the band)
   *   colors: [{ css }],                                // one per node index
   *   movedArcs: [{ start, end }],                      // the last change's arcs (inclusive)
   *   keyPositions: Uint32Array, keyOwnerIndex: Int32Array,
   *   caption: (string | { text, tone: "down" })[],   // lines for the centre
   * }
   */
  render(scene) {
    const canvas = this.#canvas;
    const ctx = this.#ctx;
    const size = Math.max(200, Math.round(canvas.clientWidth || 560));
    const dpr = fitCanvas(canvas, ctx, size, size);

    const cx = size / 2;
    const cy = size / 2;
    const band = Math.min(16, Math.max(8, size * 0.028));
    const radius = size / 2 - band - 46 - STRIP - 4;
    const bandRadius = radius + 9 + band / 2;
    const stripRadius = radius + 9 + band + 2 + STRIP / 2;
    this.geometry = { size, cx, cy, radius, band, bandRadius, stripRadius, dot: 0, keyXY: new Float32Array(0) };

    const { positions, owners, colors, up, live } = scene;

    // The circle itself.
    ctx.lineWidth = 1;
    ctx.strokeStyle = TRACK;
    ctx.beginPath();
    ctx.arc(cx, cy, radius, 0, TAU);
    ctx.stroke();

    // The band shows who answers lookups now: a down node's arcs belong to the next live point.
    this.#drawArcs(live.positions, live.owners, colors, cx, cy, bandRadius, band, dpr);
    this.#drawMovedStrip(scene.movedArcs ?? [], cx, cy, stripRadius, dpr);
    const tickColors = colors.map((color, i) => (up[i] ? color.css : null));
    this.#drawTicks(positions, owners, tickColors, cx, cy, radius, dpr);
    this.#drawKeys(scene, cx, cy, radius);
    this.#drawLabels(scene.caption, cx, cy, radius + 9 + band + STRIP + 4);
  }

  /**
   * The arcs the last change gave to another owner, as a strip just outside the band. Binned to
   * the strip's pixels (a bin is marked if any arc touches it), so a rebuild that moves 100 000
   * tiny arcs costs one short path, and even a one-position arc stays visible.
   */
  #drawMovedStrip(arcs, cx, cy, r, dpr) {
    if (!arcs.length) return;
    const bins = Math.max(360, Math.round(TAU * r * dpr));
    const scale = bins / KEYSPACE;
    const marked = new Uint8Array(bins);
    for (const { start, end } of arcs) {
      const last = Math.min(bins - 1, Math.floor(end * scale));
      for (let b = Math.min(bins - 1, Math.floor(start * scale)); b <= last; b++) marked[b] = 1;
    }
    const path = new Path2D();
    const seam = 0.5 / r;
    for (let b = 0; b < bins; b++) {
      if (!marked[b]) continue;
      let e = b;
      while (e + 1 < bins && marked[e + 1]) e += 1;
      addBinArc(path, cx, cy, r, b, e + 1, bins, seam);
      b = e;
    }
    const ctx = this.#ctx;
    ctx.lineWidth = STRIP;
    ctx.lineCap = "butt";
    ctx.strokeStyle = MOVED.css;
    ctx.stroke(path);
  }

  /**
   * The outer band: each point owns the arc back to the previous point. Arcs are binned to the
   * band's pixels and each pixel gets the node owning most of it, so a dense ring (many arcs per
   * pixel) shows true colours instead of whichever colour happened to be stroked last.
   */
  #drawArcs(positions, owners, colors, cx, cy, r, width, dpr) {
    const n = positions.length;
    if (n === 0) return;
    const bins = Math.max(360, Math.round(TAU * r * dpr));
    const scale = bins / KEYSPACE;
    const best = new Int32Array(bins).fill(-1);
    const tally = new Map();
    let current = -1;
    const flush = () => {
      let top = -1;
      let topLength = -1;
      for (const [owner, length] of tally) {
        if (length > topLength) {
          top = owner;
          topLength = length;
        }
      }
      if (current >= 0) best[current] = top;
      tally.clear();
    };
    // Adds the arc [from, to) (in bin units, ascending calls) to the tally of the bins it covers.
    const add = (owner, from, to) => {
      while (from < to) {
        const bin = Math.min(bins - 1, Math.floor(from));
        if (bin !== current) {
          flush();
          current = bin;
        }
        const end = Math.min(to, bin + 1);
        tally.set(owner, (tally.get(owner) ?? 0) + (end - from));
        from = end;
      }
    };
    add(owners[0], 0, positions[0] * scale); // the first point also owns the wrap-around arc
    for (let i = 1; i < n; i++) add(owners[i], positions[i - 1] * scale, positions[i] * scale);
    add(owners[0], positions[n - 1] * scale, bins);
    flush();

    const paths = new Map();
    const seam = 0.75 / r; // overlap neighbours slightly so anti-aliasing leaves no gaps
    let runStart = 0;
    for (let b = 1; b <= bins; b++) {
      if (b < bins && best[b] === best[runStart]) continue;
      const owner = best[runStart];
      if (owner >= 0) {
        let path = paths.get(owner);
        if (!path) {
          path = new Path2D();
          paths.set(owner, path);
        }
        addBinArc(path, cx, cy, r, runStart, b, bins, seam);
      }
      runStart = b;
    }
    const ctx = this.#ctx;
    ctx.lineWidth = width;
    ctx.lineCap = "butt";
    for (const [owner, path] of paths) {
      ctx.strokeStyle = colors[owner].css;
      ctx.stroke(path);
    }
  }

  /**
   * One radial tick per point, across the circle. When there are more points than pixels around
   * the circle, one tick per pixel instead, coloured by the node with the most points there.
   * `colors[owner]` is a CSS colour, or null for a node that is down: its ticks are drawn
   * grey and dashed.
   */
  #drawTicks(positions, owners, colors, cx, cy, r, dpr) {
    const bins = Math.max(360, Math.round(TAU * r * dpr));
    const dense = positions.length > bins;
    const half = dense ? 5 : 7;
    const ticks = dense ? dominantPerBin(positions, owners, bins) : null;
    const ctx = this.#ctx;
    const paths = new Map();
    const count = dense ? bins : positions.length;
    for (let i = 0; i < count; i++) {
      const owner = dense ? ticks[i] : owners[i];
      if (owner < 0) continue;
      let path = paths.get(owner);
      if (!path) {
        path = new Path2D();
        paths.set(owner, path);
      }
      const a = dense ? ((i + 0.5) / bins) * TAU - Math.PI / 2 : angleOf(positions[i]);
      const cos = Math.cos(a);
      const sin = Math.sin(a);
      path.moveTo(cx + (r - half) * cos, cy + (r - half) * sin);
      path.lineTo(cx + (r + half) * cos, cy + (r + half) * sin);
    }
    ctx.lineWidth = dense ? (TAU * r) / bins + 0.3 : 1.5;
    ctx.lineCap = "butt";
    const down = new Path2D();
    for (const [owner, path] of paths) {
      if (colors[owner] === null) {
        down.addPath(path);
        continue;
      }
      ctx.strokeStyle = colors[owner];
      ctx.stroke(path);
    }
    // Down nodes last, so their dashes sit on top: grey, dashed, a little wider.
    ctx.save();
    ctx.setLineDash([3, 2]);
    ctx.lineWidth = Math.max(2, ctx.lineWidth);
    ctx.strokeStyle = DOWN.css;
    ctx.stroke(down);
    ctx.restore();

    // And a small grey × just inside the circle at every point of a down node, so a failed node
    // shows even among thousands of ticks.
    const crosses = new Path2D();
    let marked = 0;
    const cr = r - 13;
    const arm = 2.6;
    for (let i = 0; i < positions.length && marked < MAX_DOWN_MARKS; i++) {
      if (colors[owners[i]] !== null) continue;
      marked += 1;
      const a = angleOf(positions[i]);
      const x = cx + cr * Math.cos(a);
      const y = cy + cr * Math.sin(a);
      crosses.moveTo(x - arm, y - arm);
      crosses.lineTo(x + arm, y + arm);
      crosses.moveTo(x - arm, y + arm);
      crosses.lineTo(x + arm, y - arm);
    }
    if (marked) {
      ctx.lineWidth = 1.4;
      ctx.strokeStyle = DOWN.css;
      ctx.stroke(crosses);
    }
  }

  /**
   * Sample keys as dots inside the circle, at their ring angle, coloured by owner; a key with no
   * live owner (every node down) is a grey ring. Keeps every dot's centre in geometry.keyXY.
   */
  #drawKeys({ keyPositions, keyOwnerIndex, colors }, cx, cy, r) {
    const ctx = this.#ctx;
    const count = keyPositions.length;
    const dot = keyDotRadius(count);
    const xy = new Float32Array(count * 2);
    const paths = new Map();
    const orphans = new Path2D();
    for (let i = 0; i < count; i++) {
      const a = angleOf(keyPositions[i]);
      const kr = r * keyRadiusFraction(i);
      const x = cx + kr * Math.cos(a);
      const y = cy + kr * Math.sin(a);
      xy[2 * i] = x;
      xy[2 * i + 1] = y;
      const owner = keyOwnerIndex[i];
      let path = orphans;
      if (owner >= 0) {
        path = paths.get(owner);
        if (!path) {
          path = new Path2D();
          paths.set(owner, path);
        }
      }
      path.moveTo(x + dot, y);
      path.arc(x, y, dot, 0, TAU);
    }
    for (const [owner, path] of paths) {
      ctx.fillStyle = colors[owner].css;
      ctx.fill(path);
    }
    ctx.lineWidth = 1;
    ctx.strokeStyle = DOWN.css;
    ctx.stroke(orphans);
    this.geometry.dot = dot;
    this.geometry.keyXY = xy;
  }

  #drawLabels(caption, cx, cy, outer) {
    const ctx = this.#ctx;
    ctx.font = "12px system-ui, sans-serif";
    ctx.fillStyle = MUTED;
    ctx.textAlign = "center";
    ctx.textBaseline = "bottom";
    ctx.fillText("0 = 2³²", cx, cy - outer - 6);
    ctx.textBaseline = "middle";
    ctx.textAlign = "left";
    ctx.fillText("2³⁰", cx + outer + 4, cy);
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    ctx.fillText("2³¹", cx, cy + outer + 6);
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    ctx.fillText("3·2³⁰", cx - outer - 4, cy);

    // Clockwise arrow just past twelve o'clock.
    const ar = outer + 10;
    const a0 = -Math.PI / 2 + 0.1;
    const a1 = -Math.PI / 2 + 0.28;
    ctx.strokeStyle = MUTED;
    ctx.fillStyle = MUTED;
    ctx.lineWidth = 1.2;
    ctx.beginPath();
    ctx.arc(cx, cy, ar, a0, a1);
    ctx.stroke();
    const tx = cx + ar * Math.cos(a1);
    const ty = cy + ar * Math.sin(a1);
    const dir = a1 + Math.PI / 2; // tangent, clockwise
    ctx.beginPath();
    ctx.moveTo(tx + 6 * Math.cos(dir), ty + 6 * Math.sin(dir));
    ctx.lineTo(tx + 4 * Math.cos(dir + 2.3), ty + 4 * Math.sin(dir + 2.3));
    ctx.lineTo(tx + 4 * Math.cos(dir - 2.3), ty + 4 * Math.sin(dir - 2.3));
    ctx.closePath();
    ctx.fill();

    // Centre caption.
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    // On a small canvas the hole in the middle fits only the first line.
    const compact = outer < 200;
    const lines = (caption ?? []).slice(0, compact ? 1 : undefined);
    lines.forEach((line, i) => {
      const { text, tone } = typeof line === "string" ? { text: line } : line;
      ctx.font = i === 0 ? `600 ${compact ? 14 : 18}px system-ui, sans-serif` : `${tone ? "600 " : ""}13px system-ui, sans-serif`;
      ctx.fillStyle = tone === "down" ? PAGE_INK.warn : i === 0 ? INK : MUTED;
      ctx.fillText(text, cx, cy + (i - (lines.length - 1) / 2) * 20);
    });
  }
}

/** Radius of a sample key's dot, by sample size. */
export function keyDotRadius(count) {
  return count > 8000 ? 1.3 : count > 3000 ? 1.7 : 2.3;
}

/**
 * Adds to `path` the arc of radius `r` about (cx, cy) over slices `from` to `to` (exclusive) of
 * `bins` equal slices of the ring (from twelve o'clock, clockwise), `seam` radians longer so
 * neighbouring arcs meet.
 */
function addBinArc(path, cx, cy, r, from, to, bins, seam) {
  const a0 = (from / bins) * TAU - Math.PI / 2;
  const a1 = (to / bins) * TAU - Math.PI / 2 + seam;
  path.moveTo(cx + r * Math.cos(a0), cy + r * Math.sin(a0));
  path.arc(cx, cy, r, a0, a1);
}

/** For each of `bins` equal slices of the ring, the owner with the most points in it (or -1). */
function dominantPerBin(positions, owners, bins) {
  const result = new Int32Array(bins).fill(-1);
  const scale = bins / KEYSPACE;
  const tally = new Map();
  let i = 0;
  while (i < positions.length) {
    const bin = Math.min(bins - 1, Math.floor(positions[i] * scale));
    tally.clear();
    let top = -1;
    let topCount = 0;
    for (; i < positions.length && Math.min(bins - 1, Math.floor(positions[i] * scale)) === bin; i++) {
      const count = (tally.get(owners[i]) ?? 0) + 1;
      tally.set(owners[i], count);
      if (count > topCount) {
        top = owners[i];
        topCount = count;
      }
    }
    result[bin] = top;
  }
  return result;
}
