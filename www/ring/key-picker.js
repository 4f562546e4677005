// Finds the sample key under the pointer (a uniform grid over the dots' centres, rebuilt after
// every ring render), and renders the key's tooltip.
import { el } from "../lib/el.js";
import { integer, percent } from "../lib/format.js";
import { KEYSPACE } from "./ring-stats.js";

const CELL = 12;

export class KeyPicker {
  #cols = 0;
  #rows = 0;
  #starts = new Int32Array(1);
  #items = new Int32Array(0);
  #xy = new Float32Array(0);

  /** keyXY: [x0, y0, x1, y1, …] in CSS pixels of a size × size canvas. */
  build(keyXY, size) {
    const count = keyXY.length / 2;
    const cols = Math.max(1, Math.ceil(size / CELL));
    const cells = cols * cols;
    const counts = new Int32Array(cells + 1);
    const cellOf = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      const c = this.#cell(keyXY[2 * i], keyXY[2 * i + 1], cols);
      cellOf[i] = c;
      counts[c + 1] += 1;
    }
    for (let c = 0; c < cells; c++) counts[c + 1] += counts[c];
    const fill = counts.slice(0, cells);
    const items = new Int32Array(count);
    for (let i = 0; i < count; i++) items[fill[cellOf[i]]++] = i;
    this.#cols = cols;
    this.#rows = cols;
    this.#starts = counts;
    this.#items = items;
    this.#xy = keyXY;
  }

  /** The key whose dot centre is nearest (x, y), within `reach` CSS pixels; -1 if none. */
  pick(x, y, reach = 7) {
    const cx = Math.floor(x / CELL);
    const cy = Math.floor(y / CELL);
    let best = -1;
    let bestDistance = reach * reach;
    for (let gy = cy - 1; gy <= cy + 1; gy++) {
      if (gy < 0 || gy >= this.#rows) continue;
      for (let gx = cx - 1; gx <= cx + 1; gx++) {
        if (gx < 0 || gx >= this.#cols) continue;
        const c = gy * this.#cols + gx;
        for (let k = this.#starts[c]; k < this.#starts[c + 1]; k++) {
          const i = this.#items[k];
          const d = (this.#xy[2 * i] - x) ** 2 + (this.#xy[2 * i + 1] - y) ** 2;
          if (d <= bestDistance) {
            bestDistance = d;
            best = i;
          }
        }
      }
    }
    return best;
  }

  #cell(x, y, cols) {
    const gx = Math.min(cols - 1, Math.max(0, Math.floor(x / CELL)));
    const gy = Math.min(cols - 1, Math.max(0, Math.floor(y / CELL)));
    return gy * cols + gx;
  }
}

/**
 * Fills the tooltip for sample key `info`: { key, position, owner, replicas: [id], walkAgrees,
 * colorOf }.
 */
export function renderTooltip(tooltip, { key, position, owner, replicas, walkAgrees, colorOf, down }) {
  const rows = [];
  rows.push(el("div", { className: "tt-key" }, [el("code", { textContent: key })]));
  rows.push(
    el("div", { className: "tt-row" }, [
      el("span", { className: "tt-label", textContent: "position" }),
      el("span", {}, [
        el("b", { textContent: integer(position) }),
        el("br"),
        el("span", {
          className: "muted small",
          textContent: `0x${position.toString(16).padStart(8, "0")} · ${percent(position / KEYSPACE)} round`,
        }),
      ]),
    ]),
  );
  const ownerCell = owner
    ? [swatch(colorOf(owner)), el("span", { className: "node-id", textContent: owner })]
    : [el("span", { className: "muted", textContent: "no live node" })];
  const ownerRow = el("div", { className: "tt-row" }, [
    el("span", { className: "tt-label", textContent: "owner" }),
    el("span", {}, ownerCell),
  ]);
  ownerRow.dataset.testid = "tooltip-owner";
  ownerRow.dataset.nodeId = owner ?? "";
  rows.push(ownerRow);

  const list = el("ol", { className: "tt-replicas" });
  list.dataset.testid = "tooltip-replicas";
  replicas.forEach((id, n) => {
    const item = el("li", {}, [
      swatch(colorOf(id)),
      el("span", { className: "node-id", textContent: id }),
      el("span", { className: "muted", textContent: n === 0 ? " owner" : " replica" }),
    ]);
    item.dataset.testid = "tooltip-replica";
    item.dataset.nodeId = id;
    list.append(item);
  });
  rows.push(el("div", { className: "tt-caption", textContent: `nodesFor(key, 3): clockwise, distinct${down ? ", live" : ""}` }), list);
  if (!walkAgrees) {
    rows.push(el("div", { className: "tt-warn", textContent: "The points walk disagrees with nodesFor." }));
  }
  tooltip.dataset.key = key;
  tooltip.dataset.walkAgrees = String(walkAgrees);
  tooltip.replaceChildren(...rows);
}

function swatch(color) {
  const s = el("span", { className: "swatch" });
  s.style.background = color.css;
  return s;
}
