// One stable colour per node id.
//
// Colours come from a palette walked by the golden angle (137.5°), so consecutive slots are far
// apart in hue and even 1000 nodes stay distinguishable-ish. A node id gets the next free slot the
// first time it is seen and keeps it for the life of the page, so a node keeps its colour when
// other nodes are added or removed, or when the ring is rebuilt with another vnode count.

const GOLDEN_ANGLE = 137.50776405003785;
const LIGHTNESS = [46, 60, 36];
const SATURATION = [72, 62, 80];

/** Slot -> { r, g, b, css }. Pure: the same slot always gives the same colour. */
export function paletteColor(slot) {
  const hue = (slot * GOLDEN_ANGLE + 205) % 360;
  const variant = Math.floor(slot / 3) % 3;
  const [r, g, b] = hslToRgb(hue, SATURATION[variant], LIGHTNESS[variant]);
  return { r, g, b, css: `rgb(${r}, ${g}, ${b})` };
}

/** HSL (degrees, percent, percent) -> [r, g, b] bytes. */
export function hslToRgb(h, s, l) {
  const sat = s / 100;
  const light = l / 100;
  const k = (n) => (n + h / 30) % 12;
  const a = sat * Math.min(light, 1 - light);
  const f = (n) => light - a * Math.max(-1, Math.min(k(n) - 3, 9 - k(n), 1));
  return [f(0), f(8), f(4)].map((v) => Math.round(v * 255));
}

export class NodeColors {
  #slots = new Map();

  /** Gives slots to ids not seen yet, in natural order so a batch gets a reproducible palette. */
  register(ids) {
    const fresh = ids.filter((id) => !this.#slots.has(id));
    fresh.sort(naturalCompare);
    for (const id of fresh) this.#slots.set(id, this.#slots.size);
  }

  colorOf(id) {
    if (!this.#slots.has(id)) this.#slots.set(id, this.#slots.size);
    return paletteColor(this.#slots.get(id));
  }
}

const collator = new Intl.Collator("en", { numeric: true });
/** "node-2" before "node-10". */
export function naturalCompare(a, b) {
  return collator.compare(a, b);
}

/** The page's neutral inks (slate), shared by every canvas and chart. */
export const INK = {
  /** Text and strong lines. */
  text: "#1e293b",
  /** The darkest marks (hover lines on the ring). */
  strong: "#0f172a",
  /** Secondary text. */
  muted: "#64748b",
  /** Axis lines. */
  axis: "#94a3b8",
  /** The ring's track. */
  track: "#cbd5e1",
  /** Grid lines. */
  grid: "#e2e8f0",
  /** Panel and alternate-row backgrounds. */
  panel: "#f8fafc",
  /** A warning in text (a node marked down). */
  warn: "#b45309",
};
