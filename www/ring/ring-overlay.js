// A second canvas over the ring, for what changes without a ring change: the sample keys that
// just changed owner (animated, then outlined) and the hovered key with its replica walk.
// Redrawing it touches a few hundred shapes at most, so it animates smoothly even when the ring
// underneath (1000 nodes × 160 points) takes ~100 ms to draw.

import { sizeBackingStore } from "../lib/canvas.js";
import { INK as PAGE_INK } from "../lib/colors.js";
import { angleOf } from "./ring-canvas.js";
import { KEYSPACE } from "./ring-stats.js";

const TAU = Math.PI * 2;
/** Trails grow, then hold with the unmoved keys dimmed, then settle to rings only. */
const MOVE_MS = 1200;
const HOLD_MS = 2600;
const SETTLE_MS = 700;
/** Beyond this many moved keys only outlines are drawn (no trails): a rebuild moves nearly all. */
const MAX_TRAILS = 1500;
const INK = PAGE_INK.strong;

export class RingOverlay {
  #canvas;
  #ctx;
  #geometry = null;
  #moved = null;
  #hover = null;
  #frame = 0;
  #reducedMotion = window.matchMedia?.("(prefers-reduced-motion: reduce)");

  constructor(canvas) {
    this.#canvas = canvas;
    this.#ctx = canvas.getContext("2d", { alpha: true });
    canvas.dataset.animating = "false";
    canvas.dataset.phase = "done";
  }

  /** The base canvas's geometry (after every base render); clears the hover. */
  setGeometry(geometry) {
    this.#geometry = geometry;
    this.#resize();
    this.#schedule();
  }

  /**
   * Keys that changed owner in the last change. items: [{ i, to: css, toPosition }], where
   * `toPosition` is the ring position of the live point that owns key `i` now: the key's trail
   * runs clockwise from the key to it. An empty list clears the marks.
   */
  showMoved(items, keyPositions) {
    const moved = new Uint8Array(keyPositions.length);
    for (const item of items) moved[item.i] = 1;
    this.#moved = items.length
      ? {
          mask: moved,
          items: items.map((item) => ({
            ...item,
            a0: angleOf(keyPositions[item.i]),
            sweep: clockwise(keyPositions[item.i], item.toPosition),
          })),
          started: performance.now(),
          still: Boolean(this.#reducedMotion?.matches),
          trails: items.length <= MAX_TRAILS,
        }
      : null;
    this.#schedule();
  }

  /**
   * The hovered key and its walk: hover = { i, walk: [{ position, color }], ticks: [{ color,
   * positions }] } (the replica nodes' points), or null.
   */
  showHover(hover) {
    this.#hover = hover && this.#geometry ? { ...hover, badges: this.#layoutBadges(this.#geometry, hover) } : null;
    this.#schedule();
    if (!this.#hover) return [];
    const { keyXY, dot } = this.#geometry;
    return [
      { x: keyXY[2 * hover.i], y: keyXY[2 * hover.i + 1], r: dot + 4 },
      ...this.#hover.badges.map(({ bx, by }) => ({ x: bx, y: by, r: 9 })),
    ];
  }

  /**
   * Numbered badges for each replica's first point, stacked inwards (1 outermost), each on the
   * first slot clear of the key and of earlier badges, so close replicas stay readable.
   */
  #layoutBadges({ cx, cy, radius, keyXY, dot }, hover) {
    const placed = [{ x: keyXY[2 * hover.i], y: keyXY[2 * hover.i + 1], r: dot + 4 }];
    return hover.walk.map((step) => {
      const a = angleOf(step.position);
      for (let slot = 0; ; slot++) {
        const br = radius - 30 - 21 * slot;
        const bx = cx + br * Math.cos(a);
        const by = cy + br * Math.sin(a);
        const clear = placed.every((p) => Math.hypot(p.x - bx, p.y - by) > p.r + 10);
        if (clear || br < radius * 0.3) {
          placed.push({ x: bx, y: by, r: 9 });
          return { a, bx, by, color: step.color };
        }
      }
    });
  }

  get animating() {
    return this.#canvas.dataset.animating === "true";
  }

  #resize() {
    const base = this.#geometry;
    if (!base) return;
    sizeBackingStore(this.#canvas, base.size, base.size);
  }

  #schedule() {
    if (this.#frame) return;
    this.#frame = requestAnimationFrame((now) => {
      this.#frame = 0;
      this.#draw(now);
    });
  }

  #draw(now) {
    const g = this.#geometry;
    const ctx = this.#ctx;
    const dpr = window.devicePixelRatio || 1;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, this.#canvas.width, this.#canvas.height);
    if (!g) return;
    let phase = "done";
    if (this.#moved) {
      const { started, still } = this.#moved;
      const elapsed = still ? MOVE_MS + HOLD_MS + SETTLE_MS : Math.max(0, now - started);
      const t = Math.min(1, elapsed / MOVE_MS);
      // 1 while moving and holding, then down to 0 while settling.
      const emphasis = 1 - Math.min(1, Math.max(0, (elapsed - MOVE_MS - HOLD_MS) / SETTLE_MS));
      phase = t < 1 ? "move" : emphasis === 1 ? "hold" : emphasis > 0 ? "settle" : "done";
      this.#drawMoved(g, t, emphasis);
    }
    if (this.#hover) this.#drawHover(g, this.#hover);
    const animating = phase !== "done";
    this.#canvas.dataset.animating = String(animating);
    this.#canvas.dataset.phase = phase;
    if (animating) this.#schedule();
  }

  /**
   * Each moved key: a trail clockwise along the key's own circle to the angle of its new owning
   * point and out to that point, in the new owner's colour (grown while t goes 0 → 1), and a
   * ring around the key in the new colour. While `emphasis` is 1 the keys that did not move are
   * dimmed and the trails stay; as it drops to 0 both fade, leaving the rings.
   */
  #drawMoved(g, t, emphasis) {
    const ctx = this.#ctx;
    const { items, trails, mask } = this.#moved;
    const grow = easeInOut(t);
    const fade = 0.9 * emphasis;
    const { cx, cy, radius, keyXY, dot } = g;
    const byColor = groupBy(items, (item) => item.to);
    if (emphasis > 0) {
      // Veil the keys that kept their owner, so the moved ones stand out.
      const veil = new Path2D();
      const count = keyXY.length / 2;
      for (let i = 0; i < count; i++) {
        if (mask[i]) continue;
        const x = keyXY[2 * i];
        const y = keyXY[2 * i + 1];
        veil.moveTo(x + dot + 0.9, y);
        veil.arc(x, y, dot + 0.9, 0, TAU);
      }
      ctx.fillStyle = `rgba(255, 255, 255, ${0.8 * Math.min(1, t * 3) * emphasis})`;
      ctx.fill(veil);
    }
    if (trails && fade > 0) {
      ctx.lineCap = "round";
      for (const [color, group] of byColor) {
        const trail = new Path2D();
        const heads = new Path2D();
        for (const item of group) {
          const x = keyXY[2 * item.i];
          const y = keyXY[2 * item.i + 1];
          const kr = Math.hypot(x - cx, y - cy);
          // Path length: the arc at radius kr, then the radial run out to the ring.
          const arcLength = kr * item.sweep;
          const radial = Math.max(0, radius - 6 - kr);
          const length = (arcLength + radial) * grow;
          const a1 = item.a0 + Math.min(item.sweep, length / Math.max(kr, 1));
          trail.moveTo(x, y);
          trail.arc(cx, cy, kr, item.a0, a1);
          let hx = cx + kr * Math.cos(a1);
          let hy = cy + kr * Math.sin(a1);
          if (length > arcLength) {
            const out = kr + (length - arcLength);
            hx = cx + out * Math.cos(a1);
            hy = cy + out * Math.sin(a1);
            trail.lineTo(hx, hy);
          }
          if (t < 1) {
            heads.moveTo(hx + dot + 0.6, hy);
            heads.arc(hx, hy, dot + 0.6, 0, TAU);
          }
        }
        ctx.globalAlpha = fade;
        ctx.lineWidth = 1.6;
        ctx.strokeStyle = color;
        ctx.stroke(trail);
        ctx.globalAlpha = 1;
        ctx.fillStyle = color;
        ctx.fill(heads);
      }
      ctx.lineCap = "butt";
    }
    // Rings around the moved keys, in the new owner's colour, over a white halo.
    const ringAlpha = trails ? Math.min(1, t / 0.5) : 1;
    const ring = dot + 1.6 + 0.6 * emphasis;
    /** Circles of radius `ring` around the keys of `group`. */
    const circles = (group) => {
      const path = new Path2D();
      for (const item of group) {
        const x = keyXY[2 * item.i];
        const y = keyXY[2 * item.i + 1];
        path.moveTo(x + ring, y);
        path.arc(x, y, ring, 0, TAU);
      }
      return path;
    };
    ctx.globalAlpha = ringAlpha;
    ctx.lineWidth = 2.6;
    ctx.strokeStyle = "rgba(255, 255, 255, 0.9)";
    ctx.stroke(circles(items));
    ctx.lineWidth = 1.2 + 0.3 * emphasis;
    for (const [color, group] of byColor) {
      ctx.strokeStyle = color;
      ctx.stroke(circles(group));
    }
    ctx.globalAlpha = 1;
  }

  /**
   * Hover: dims everything, then draws the replica nodes' points bold, the clockwise walk from
   * the key to each replica's first point (numbered 1, 2, 3 = owner first), and the key.
   */
  #drawHover(g, hover) {
    const ctx = this.#ctx;
    const { cx, cy, radius, size, keyXY, dot } = g;
    ctx.fillStyle = "rgba(248, 250, 252, 0.72)";
    ctx.fillRect(0, 0, size, size);

    // The replicas' points, bold and long.
    ctx.lineWidth = 2.5;
    for (const { color, positions } of hover.ticks) {
      const path = new Path2D();
      for (const position of positions) {
        const a = angleOf(position);
        path.moveTo(cx + (radius - 10) * Math.cos(a), cy + (radius - 10) * Math.sin(a));
        path.lineTo(cx + (radius + 10) * Math.cos(a), cy + (radius + 10) * Math.sin(a));
      }
      ctx.strokeStyle = color;
      ctx.stroke(path);
    }

    const x = keyXY[2 * hover.i];
    const y = keyXY[2 * hover.i + 1];
    const keyAngle = angleOf(hover.position);
    // Key -> its position on the ring.
    ctx.setLineDash([3, 3]);
    ctx.lineWidth = 1.2;
    ctx.strokeStyle = INK;
    ctx.beginPath();
    ctx.moveTo(x, y);
    ctx.lineTo(cx + radius * Math.cos(keyAngle), cy + radius * Math.sin(keyAngle));
    ctx.stroke();
    ctx.setLineDash([]);

    // The walk: clockwise along the ring from the key to replica 1, then 2, then 3.
    const walkRadius = radius - 16;
    let from = hover.position;
    ctx.lineCap = "round";
    hover.walk.forEach((step) => {
      const a0 = angleOf(from);
      const a1 = a0 + clockwise(from, step.position);
      ctx.lineWidth = 3;
      ctx.strokeStyle = step.color;
      ctx.beginPath();
      ctx.arc(cx, cy, walkRadius, a0, Math.max(a1, a0 + 0.004));
      ctx.stroke();
      from = step.position;
    });
    ctx.lineCap = "butt";
    // Badges (see #layoutBadges) with a leader to their point.
    const { badges } = hover;
    for (const { a, bx, by, color } of badges) {
      ctx.lineWidth = 1.5;
      ctx.strokeStyle = color;
      ctx.beginPath();
      ctx.moveTo(bx, by);
      ctx.lineTo(cx + (radius - 10) * Math.cos(a), cy + (radius - 10) * Math.sin(a));
      ctx.stroke();
    }
    // The key itself.
    ctx.beginPath();
    ctx.arc(x, y, dot + 3, 0, TAU);
    ctx.fillStyle = hover.color ?? "#fff";
    ctx.fill();
    ctx.lineWidth = 2;
    ctx.strokeStyle = INK;
    ctx.stroke();

    ctx.font = "600 11px system-ui, sans-serif";
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    badges.forEach(({ bx, by, color }, n) => {
      ctx.beginPath();
      ctx.arc(bx, by, 8.5, 0, TAU);
      ctx.fillStyle = color;
      ctx.fill();
      ctx.lineWidth = 1.5;
      ctx.strokeStyle = "#fff";
      ctx.stroke();
      ctx.fillStyle = "#fff";
      ctx.fillText(String(n + 1), bx, by + 0.5);
    });
  }
}

/** Clockwise angle (radians, in [0, 2π)) from ring position a to ring position b. */
function clockwise(a, b) {
  const d = b >= a ? b - a : b + KEYSPACE - a;
  return (d / KEYSPACE) * TAU;
}

function easeInOut(t) {
  return t < 0.5 ? 2 * t * t : 1 - (-2 * t + 2) ** 2 / 2;
}

function groupBy(items, keyOf) {
  const groups = new Map();
  for (const item of items) {
    const key = keyOf(item);
    let group = groups.get(key);
    if (!group) {
      group = [];
      groups.set(key, group);
    }
    group.push(item);
  }
  return groups;
}
