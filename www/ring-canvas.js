// Draws the ring on a <canvas>: ownership arcs, the nodes' points, and the sample keys.
//
// Everything is batched into one Path2D per node colour, so 1000 nodes × 160 points is
// ~1000 stroke calls, not 160 000. Geometry is kept so hover/hit-testing can be added later.
import { KEYSPACE } from "./ring-stats.js";

const TAU = Math.PI * 2;
const PHI = 0.6180339887498949;
const INK = "#1e293b";
const MUTED = "#64748b";
const TRACK = "#cbd5e1";

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
   *   positions: Uint32Array, owners: Uint32Array,     // ring.points()
   *   colors: [{ css }],                                // one per node index
   *   keyPositions: Uint32Array, keyOwnerIndex: Int32Array,
   *   caption: string[],                                // lines for the centre
   * }
   */
  render(scene) {
    const canvas = this.#canvas;
    const ctx = this.#ctx;
    const size = Math.max(200, Math.round(canvas.clientWidth || 560));
    const dpr = window.devicePixelRatio || 1;
    const pixels = Math.round(size * dpr);
    if (canvas.width !== pixels || canvas.height !== pixels) {
      canvas.width = pixels;
      canvas.height = pixels;
    }
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, size, size);

    const cx = size / 2;
    const cy = size / 2;
    const band = Math.min(16, Math.max(8, size * 0.028));
    const radius = size / 2 - band - 46;
    this.geometry = { size, cx, cy, radius, band };

    const { positions, owners, colors } = scene;

    // The circle itself.
    ctx.lineWidth = 1;
    ctx.strokeStyle = TRACK;
    ctx.beginPath();
    ctx.arc(cx, cy, radius, 0, TAU);
    ctx.stroke();

    this.#drawArcs(positions, owners, colors, cx, cy, radius + 9 + band / 2, band, dpr);
    this.#drawTicks(positions, owners, colors, cx, cy, radius, dpr);
    this.#drawKeys(scene, cx, cy, radius);
    this.#drawLabels(scene.caption, cx, cy, radius + 9 + band);
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
        if (!path) paths.set(owner, (path = new Path2D()));
        const a0 = (runStart / bins) * TAU - Math.PI / 2;
        const a1 = (b / bins) * TAU - Math.PI / 2 + seam;
        path.moveTo(cx + r * Math.cos(a0), cy + r * Math.sin(a0));
        path.arc(cx, cy, r, a0, a1);
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
      if (!path) paths.set(owner, (path = new Path2D()));
      const a = dense ? ((i + 0.5) / bins) * TAU - Math.PI / 2 : angleOf(positions[i]);
      const cos = Math.cos(a);
      const sin = Math.sin(a);
      path.moveTo(cx + (r - half) * cos, cy + (r - half) * sin);
      path.lineTo(cx + (r + half) * cos, cy + (r + half) * sin);
    }
    ctx.lineWidth = dense ? (TAU * r) / bins + 0.3 : 1.5;
    ctx.lineCap = "butt";
    for (const [owner, path] of paths) {
      ctx.strokeStyle = colors[owner].css;
      ctx.stroke(path);
    }
  }

  /** Sample keys as dots inside the circle, at their ring angle, coloured by owner. */
  #drawKeys({ keyPositions, keyOwnerIndex, colors }, cx, cy, r) {
    const ctx = this.#ctx;
    const count = keyPositions.length;
    const dot = count > 8000 ? 1.3 : count > 3000 ? 1.7 : 2.3;
    const paths = new Map();
    for (let i = 0; i < count; i++) {
      const owner = keyOwnerIndex[i];
      if (owner < 0) continue;
      let path = paths.get(owner);
      if (!path) paths.set(owner, (path = new Path2D()));
      const a = angleOf(keyPositions[i]);
      const kr = r * keyRadiusFraction(i);
      const x = cx + kr * Math.cos(a);
      const y = cy + kr * Math.sin(a);
      path.moveTo(x + dot, y);
      path.arc(x, y, dot, 0, TAU);
    }
    for (const [owner, path] of paths) {
      ctx.fillStyle = colors[owner].css;
      ctx.fill(path);
    }
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
    const ar = outer + 12;
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
      ctx.font = i === 0 ? `600 ${compact ? 14 : 18}px system-ui, sans-serif` : "13px system-ui, sans-serif";
      ctx.fillStyle = i === 0 ? INK : MUTED;
      ctx.fillText(line, cx, cy + (i - (lines.length - 1) / 2) * 20);
    });
  }
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
