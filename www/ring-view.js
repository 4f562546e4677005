// The ring view: wires the controls in #view-ring to a RingModel, and redraws the canvas, the
// legend and the outputs after every change. Library errors land in the status line.
import { NodeColors } from "./colors.js";
import { integer, millis, percent } from "./format.js";
import { renderLegend } from "./legend.js";
import { RingCanvas } from "./ring-canvas.js";
import { DEFAULT_VNODES, MAX_SAMPLE_KEYS, RingModel } from "./ring-model.js";

const START_NODES = ["node-0", "node-1", "node-2", "node-3", "node-4"];
const START_KEYS = 2000;
const MAX_VNODES = 4096;

export class RingView {
  #root;
  #model;
  #colors = new NodeColors();
  #canvas;
  #ui;
  #resizeFrame = 0;

  constructor(root, HashRing) {
    this.#root = root;
    const q = (id) => root.querySelector(`[data-testid="${id}"]`);
    this.#ui = {
      canvas: q("ring-canvas"),
      nodeId: q("node-id-input"),
      add: q("add-node"),
      removeTyped: q("remove-typed-node"),
      vnodes: q("vnodes"),
      vnodesSlider: q("vnodes-slider"),
      keyCount: q("key-count"),
      legend: q("legend"),
      nodeCount: q("node-count"),
      pointCount: q("point-count"),
      vnodesCurrent: q("vnodes-current"),
      sampleCount: q("sample-count"),
      moved: q("moved-percent"),
      movedIdeal: q("moved-ideal"),
      movedDetail: q("moved-detail"),
      movedTitle: q("moved-title"),
      status: q("status"),
      timing: q("timing"),
    };
    this.#canvas = new RingCanvas(this.#ui.canvas);
    this.#model = new RingModel(HashRing, { vnodes: DEFAULT_VNODES, nodeIds: START_NODES, keyCount: START_KEYS });
    this.#colors.register(START_NODES);
    this.#bind();
    this.#syncInputs();
    this.#render();
    this.#setStatus(`Ready: ${START_NODES.length} nodes × ${DEFAULT_VNODES} points, ${START_KEYS} sample keys.`);
    this.#ui.nodeId.placeholder = this.#model.nextAutoId();
  }

  get model() {
    return this.#model;
  }

  #bind() {
    const ui = this.#ui;
    ui.add.addEventListener("click", () => this.#addNode());
    ui.nodeId.addEventListener("keydown", (event) => {
      if (event.key === "Enter") this.#addNode();
    });
    ui.removeTyped.addEventListener("click", () => {
      const id = ui.nodeId.value.trim();
      if (!id) {
        this.#setStatus("Type the id of the node to remove (or use × in the legend).", "error");
        return;
      }
      this.#removeNode(id);
    });
    ui.legend.addEventListener("click", (event) => {
      const button = event.target.closest("[data-remove-id]");
      if (button) this.#removeNode(button.dataset.removeId);
    });

    ui.vnodesSlider.min = "0";
    ui.vnodesSlider.max = String(Math.round(Math.log2(MAX_VNODES) * 100));
    ui.vnodesSlider.step = "1";
    ui.vnodesSlider.addEventListener("input", () => {
      ui.vnodes.value = String(Math.round(2 ** (Number(ui.vnodesSlider.value) / 100)));
    });
    ui.vnodesSlider.addEventListener("change", () => this.#setVnodes(Number(ui.vnodes.value)));
    ui.vnodes.addEventListener("change", () => this.#setVnodes(Number(ui.vnodes.value)));

    ui.keyCount.max = String(MAX_SAMPLE_KEYS);
    ui.keyCount.addEventListener("change", () => this.#setKeyCount(Number(ui.keyCount.value)));

    for (const button of this.#root.querySelectorAll("[data-populate]")) {
      button.addEventListener("click", () => this.#populate(Number(button.dataset.populate)));
    }

    window.addEventListener("resize", () => {
      cancelAnimationFrame(this.#resizeFrame);
      this.#resizeFrame = requestAnimationFrame(() => this.#draw());
    });
  }

  #addNode() {
    const typed = this.#ui.nodeId.value.trim();
    const id = typed || this.#model.nextAutoId();
    if (this.#apply(() => this.#model.addNode(id))) this.#ui.nodeId.value = "";
  }

  #removeNode(id) {
    if (this.#apply(() => this.#model.removeNode(id)) && this.#ui.nodeId.value.trim() === id) {
      this.#ui.nodeId.value = "";
    }
  }

  #setVnodes(vnodes) {
    if (vnodes === this.#model.vnodes) return;
    if (!this.#apply(() => this.#model.setVnodes(vnodes), `Could not rebuild with ${vnodes} vnodes (kept ${this.#model.vnodes})`)) this.#syncInputs();
  }

  #populate(count) {
    this.#apply(() => {
      const ids = Array.from({ length: count }, (_, i) => `node-${i}`);
      this.#colors.register(ids);
      return this.#model.populate(count);
    }, `Could not populate ${count} nodes`);
  }

  #setKeyCount(count) {
    try {
      const started = performance.now();
      this.#model.setKeyCount(count);
      const drawMs = this.#render();
      this.#setStatus(`Sample is now ${integer(count)} keys (key-0 … key-${count - 1}).`);
      this.#ui.timing.textContent = `lookups ${millis(performance.now() - started - drawMs)} · draw ${millis(drawMs)}`;
    } catch (error) {
      this.#setStatus(messageOf(error), "error");
      this.#syncInputs();
    }
  }

  /**
   * Runs one ring change; on success re-renders and reports the movement, on failure shows the
   * library's message (after `context`, when the page made the call on the user's behalf).
   * Returns success.
   */
  #apply(action, context = "") {
    let change;
    try {
      change = action();
    } catch (error) {
      this.#setStatus(context ? `${context}: ${messageOf(error)}` : messageOf(error), "error");
      return false;
    }
    const drawMs = this.#render();
    this.#showChange(change, drawMs);
    return true;
  }

  #showChange(change, drawMs) {
    const ui = this.#ui;
    ui.movedTitle.textContent = `Keys moved — ${change.title}`;
    ui.moved.textContent = change.total ? percent(change.fraction) : "—";
    ui.moved.dataset.fraction = String(change.fraction);
    ui.movedIdeal.textContent = `ideal ${percent(change.ideal)} (${change.idealLabel})`;
    ui.movedIdeal.dataset.fraction = String(change.ideal);
    ui.movedDetail.textContent =
      `${integer(change.moved)} of ${integer(change.total)} sample keys changed owner.` +
      (change.check ? ` ${change.check.text}` : "");
    ui.movedDetail.classList.toggle("warn", Boolean(change.check && !change.check.ok));
    const timing = `ring ${millis(change.ms.ring)} · lookups + stats ${millis(change.ms.lookups)} · draw ${millis(drawMs)}`;
    ui.timing.textContent = timing;
    this.#setStatus(`${change.title}. Now ${integer(this.#model.nodeCount)} nodes.`);
  }

  /** Redraws everything derived from the model; returns the canvas + legend time in ms. */
  #render() {
    const started = performance.now();
    const m = this.#model;
    this.#ui.nodeCount.textContent = integer(m.nodeCount);
    this.#ui.nodeCount.dataset.value = String(m.nodeCount);
    this.#ui.pointCount.textContent = integer(m.ring.pointCount);
    this.#ui.vnodesCurrent.textContent = integer(m.vnodes);
    this.#ui.sampleCount.textContent = integer(m.keys.length);
    this.#ui.nodeId.placeholder = m.nextAutoId();
    this.#syncInputs();
    this.#draw();
    renderLegend(this.#ui.legend, m, (id) => this.#colors.colorOf(id));
    return performance.now() - started;
  }

  #draw() {
    const m = this.#model;
    const colors = m.nodes.map((node) => this.#colors.colorOf(node.id));
    this.#canvas.render({
      positions: m.points.positions,
      owners: m.points.owners,
      colors,
      keyPositions: m.keyPositions,
      keyOwnerIndex: m.keyOwnerIndex,
      caption: [
        `${integer(m.nodeCount)} node${m.nodeCount === 1 ? "" : "s"}`,
        `${integer(m.ring.pointCount)} points`,
        `${integer(m.keys.length)} keys`,
      ],
    });
    this.#ui.canvas.dataset.points = String(m.ring.pointCount);
  }

  #syncInputs() {
    const v = this.#model.vnodes;
    this.#ui.vnodes.value = String(v);
    this.#ui.vnodesSlider.value = String(Math.round(Math.log2(v) * 100));
    this.#ui.keyCount.value = String(this.#model.keys.length);
  }

  #setStatus(text, kind = "info") {
    const status = this.#ui.status;
    status.textContent = text;
    status.dataset.kind = kind;
  }
}

function messageOf(error) {
  return error instanceof Error ? error.message : String(error);
}
