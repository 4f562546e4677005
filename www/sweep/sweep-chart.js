// One sweep plot, hand-drawn in SVG: a metric per swept value, one series per fencing mode
// (colour, dash and marker shape each differ, and markers are nudged sideways so equal values
// stay visible). Axes are labelled with units; the x axis is logarithmic when the values sit
// more evenly on a log scale (e.g. 100, 200, 400, 800). Points carry data-* attributes for
// tests; hover (nearest point), focus and click call back to the panel, which owns the tooltip.
import { shortNumber } from "../lib/format.js";
import { linearTicks, logTicks, niceTicks, prefersLog } from "../lib/scale.js";

const NS = "http://www.w3.org/2000/svg";
const WIDTH = 460;
const HEIGHT = 250;
const M = { left: 58, right: 14, top: 12, bottom: 44 };
const DODGE = 4; // px between series markers at one value
const HIT = 12; // how near (viewBox units) the pointer must be to a point

export const SERIES_STYLE = {
  off: { color: "#dc2626", dash: "", marker: "circle", label: "fencing off" },
  maxToken: { color: "#2563eb", dash: "6 3", marker: "square", label: "max-token" },
  strict: { color: "#059669", dash: "2 3", marker: "diamond", label: "strict" },
};

function esc(text) {
  return String(text).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
}

function marker(shape, x, y, color) {
  const s = 4.2;
  if (shape === "square") return `<rect x="${x - s}" y="${y - s}" width="${2 * s}" height="${2 * s}" fill="${color}"/>`;
  if (shape === "diamond") {
    const d = s * 1.35;
    return `<path d="M${x} ${y - d}L${x + d} ${y}L${x} ${y + d}L${x - d} ${y}Z" fill="${color}"/>`;
  }
  return `<circle cx="${x}" cy="${y}" r="${s}" fill="${color}"/>`;
}

export class SweepChart {
  /**
   * `id`: a name for data-chart; `title`; `yLabel` (with unit); `integer`: counts (whole-number
   * ticks); `onPoint(kind, point, element)`
   * with kind "hover" | "leave" | "pin" and point `{ key, chart, fencing, value, y, agg, px, py }`.
   */
  constructor(container, { id, title, yLabel, integer = false, onPoint }) {
    this.id = id;
    this.integer = integer;
    this.yLabel = yLabel;
    this.onPoint = onPoint;
    this.points = [];
    this.root = document.createElement("figure");
    this.root.className = "card sweep-chart";
    this.root.dataset.testid = "sweep-chart";
    this.root.dataset.chart = id;
    const caption = document.createElement("figcaption");
    caption.className = "sweep-chart-title";
    caption.textContent = title;
    this.note = document.createElement("span");
    this.note.className = "sweep-chart-note muted";
    caption.append(this.note);
    this.svg = document.createElementNS(NS, "svg");
    this.svg.setAttribute("viewBox", `0 0 ${WIDTH} ${HEIGHT}`);
    this.svg.setAttribute("role", "img");
    this.svg.setAttribute("aria-label", `${title}: ${yLabel} per swept value, one line per fencing mode`);
    this.root.append(caption, this.svg);
    container.append(this.root);

    // Hit testing by distance: the point nearest the pointer within HIT units, so the markers
    // of series nudged a few pixels apart each stay reachable.
    this.hot = null;
    const nearest = (event) => {
      const matrix = this.svg.getScreenCTM();
      if (!matrix) return null;
      const at = new DOMPoint(event.clientX, event.clientY).matrixTransform(matrix.inverse());
      let best = null;
      let bestDistance = HIT;
      for (const p of this.points) {
        const d = Math.hypot(p.px - at.x, p.py - at.y);
        if (d <= bestDistance) {
          best = p;
          bestDistance = d;
        }
      }
      return best;
    };
    const setHot = (point) => {
      if (point === this.hot) return;
      if (this.hot) {
        this.elementOf(this.hot)?.classList.remove("is-hot");
        this.onPoint("leave", this.hot, this.elementOf(this.hot));
      }
      this.hot = point;
      this.svg.classList.toggle("is-hot", Boolean(point));
      if (point) {
        const element = this.elementOf(point);
        element?.classList.add("is-hot");
        this.onPoint("hover", point, element);
      }
    };
    this.svg.addEventListener("pointermove", (event) => setHot(nearest(event)));
    this.svg.addEventListener("pointerleave", () => setHot(null));
    this.svg.addEventListener("click", (event) => {
      const point = nearest(event);
      if (point) this.onPoint("pin", point, this.elementOf(point));
    });
    const focused = (event) => {
      const el = event.target.closest?.('[data-testid="sweep-point"]');
      return el ? this.points[Number(el.dataset.key)] : null;
    };
    this.svg.addEventListener("focusin", (event) => {
      const point = focused(event);
      if (point) this.onPoint("hover", point, event.target);
    });
    this.svg.addEventListener("keydown", (event) => {
      const point = focused(event);
      if (point && (event.key === "Enter" || event.key === " ")) {
        event.preventDefault();
        this.onPoint("pin", point, event.target);
      }
    });
  }

  /** The marker element of a point (re-found after each redraw). */
  elementOf(point) {
    return this.svg.querySelector(`[data-testid="sweep-point"][data-key="${point.key}"]`);
  }

  /**
   * Draws `series` ([{ fencing, points: [{ value, y, agg }] }]) over the x domain of
   * `values` (every value of the sweep, so the axis stays put while results stream in).
   */
  update({ values, xLabel, series, note = "" }) {
    this.note.textContent = note;
    const xs = values.length ? values : [0, 1];
    let xMin = Math.min(...xs);
    let xMax = Math.max(...xs);
    const logX = prefersLog(values);
    if (xMin === xMax) {
      xMin -= 1;
      xMax += 1;
    }
    const fx = logX ? Math.log10 : (v) => v;
    const x0 = fx(xMin);
    const x1 = fx(xMax);
    const plotW = WIDTH - M.left - M.right;
    const plotH = HEIGHT - M.top - M.bottom;
    const pad = 10;
    const sx = (v) => M.left + pad + ((fx(v) - x0) / (x1 - x0)) * (plotW - 2 * pad);
    let yMax = 0;
    for (const s of series) for (const p of s.points) yMax = Math.max(yMax, p.y);
    const yTicks = niceTicks(yMax, { integer: this.integer });
    const yTop = yTicks[yTicks.length - 1];
    const sy = (v) => M.top + plotH - (v / yTop) * plotH;

    const parts = [];
    // Grid and y axis.
    for (const t of yTicks) {
      const y = sy(t);
      parts.push(`<line class="grid" x1="${M.left}" x2="${WIDTH - M.right}" y1="${y}" y2="${y}"/>`);
      parts.push(`<text class="tick" x="${M.left - 6}" y="${y + 4}" text-anchor="end">${esc(shortNumber(t))}</text>`);
    }
    // X ticks: every value when few, else round numbers.
    let xTicks;
    if (values.length && values.length <= 8) xTicks = [...new Set(values)];
    else if (logX) xTicks = logTicks(xMin, xMax);
    else xTicks = linearTicks(xMin, xMax);
    const axisY = M.top + plotH;
    parts.push(`<line class="axis" x1="${M.left}" x2="${WIDTH - M.right}" y1="${axisY}" y2="${axisY}"/>`);
    parts.push(`<line class="axis" x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${axisY}"/>`);
    for (const t of xTicks) {
      const x = sx(t);
      parts.push(`<line class="axis" x1="${x}" x2="${x}" y1="${axisY}" y2="${axisY + 4}"/>`);
      parts.push(`<text class="tick" x="${x}" y="${axisY + 16}" text-anchor="middle">${esc(shortNumber(t))}</text>`);
    }
    parts.push(
      `<text class="axis-label" x="${M.left + plotW / 2}" y="${HEIGHT - 6}" text-anchor="middle">${esc(xLabel)}${logX ? " — log scale" : ""}</text>`,
    );
    parts.push(
      `<text class="axis-label" transform="translate(14 ${M.top + plotH / 2}) rotate(-90)" text-anchor="middle">${esc(this.yLabel)}</text>`,
    );

    // Series: lines first, then markers on top.
    this.points = [];
    const drawn = series.filter((s) => s.points.length);
    drawn.forEach((s, k) => {
      const style = SERIES_STYLE[s.fencing];
      const offset = (k - (drawn.length - 1) / 2) * DODGE;
      const pts = [...s.points].sort((a, b) => a.value - b.value);
      const d = pts.map((p, i) => `${i ? "L" : "M"}${(sx(p.value) + offset).toFixed(1)} ${sy(p.y).toFixed(1)}`).join("");
      parts.push(
        `<path class="series-line" data-series="${s.fencing}" d="${d}" stroke="${style.color}" stroke-dasharray="${style.dash}"/>`,
      );
    });
    drawn.forEach((s, k) => {
      const style = SERIES_STYLE[s.fencing];
      const offset = (k - (drawn.length - 1) / 2) * DODGE;
      for (const p of s.points) {
        const key = this.points.length;
        const x = sx(p.value) + offset;
        const y = sy(p.y);
        this.points.push({ key, chart: this.id, fencing: s.fencing, value: p.value, y: p.y, agg: p.agg, px: x, py: y });
        parts.push(
          `<g class="pt" data-testid="sweep-point" data-key="${key}" data-series="${s.fencing}" data-value="${p.value}" data-y="${p.y}" tabindex="0" role="button" aria-label="${esc(`${style.label}, ${p.value}: ${shortNumber(p.y)}`)}">` +
            `<circle class="hit" cx="${x}" cy="${y}" r="9"/>${marker(style.marker, x, y, style.color)}</g>`,
        );
      }
    });
    if (!drawn.length) {
      parts.push(`<text class="empty" x="${M.left + plotW / 2}" y="${M.top + plotH / 2}" text-anchor="middle">no results yet</text>`);
    }
    this.svg.innerHTML = parts.join("");
    // Keep the hovered point hot across redraws (the same series and value).
    if (this.hot) {
      const again = this.points.find((p) => p.fencing === this.hot.fencing && p.value === this.hot.value);
      this.hot = again ?? null;
      if (again) this.elementOf(again)?.classList.add("is-hot");
    }
    this.root.dataset.points = String(this.points.length);
  }
}
