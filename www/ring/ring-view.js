// The ring view: wires the controls in #view-ring to a RingModel, and redraws the canvas, the
// overlay, the legend, the distribution chart and the outputs after every change. Library errors
// land in the status line.
import { NodeColors } from "../lib/colors.js";
import { integer, millis, percent } from "../lib/format.js";
import { renderDistribution } from "./dist-chart.js";
import { KeyPicker, renderTooltip } from "./key-picker.js";
import { renderLegend, WEIGHT_STEP } from "./legend.js";
import { RingCanvas } from "./ring-canvas.js";
import { DEFAULT_VNODES, MAX_SAMPLE_KEYS, RingModel } from "./ring-model.js";
import { RingOverlay } from "./ring-overlay.js";

const START_NODES = ["node-0", "node-1", "node-2", "node-3", "node-4"];
const START_KEYS = 2000;
const MAX_VNODES = 4096;
const REPLICAS = 3;

export class RingView {
  #root;
  #model;
  #colors = new NodeColors();
  #canvas;
  #overlay;
  #picker = new KeyPicker();
  #ui;
  #resizeFrame = 0;
  #hoverFrame = 0;
  #pointer = null;
  #hovered = -1;
  /** What the hover draws near the key ({ x, y, r } in canvas pixels): the tooltip avoids them. */
  #marks = [];
  /** The window was resized while the view was hidden: draw again when it is shown. */
  #stale = false;

  constructor(root, HashRing) {
    this.#root = root;
    const q = (id) => root.querySelector(`[data-testid="${id}"]`);
    this.#ui = {
      canvas: q("ring-canvas"),
      overlay: q("ring-overlay"),
      stack: q("canvas-stack"),
      tooltip: q("key-tooltip"),
      nodeId: q("node-id-input"),
      add: q("add-node"),
      removeTyped: q("remove-typed-node"),
      downTyped: q("down-typed-node"),
      upTyped: q("up-typed-node"),
      schemeButtons: [...root.querySelectorAll("[data-scheme]")],
      schemeNote: q("scheme-note"),
      vnodes: q("vnodes"),
      vnodesSlider: q("vnodes-slider"),
      keyCount: q("key-count"),
      legend: q("legend"),
      chart: q("distribution-chart"),
      nodeCount: q("node-count"),
      liveCount: q("live-count"),
      pointCount: q("point-count"),
      vnodesCurrent: q("vnodes-current"),
      sampleCount: q("sample-count"),
      moved: q("moved-percent"),
      movedKeyspace: q("moved-keyspace"),
      movedKeyspaceSource: q("moved-keyspace-source"),
      movedIdeal: q("moved-ideal"),
      movedDetail: q("moved-detail"),
      movedFlow: q("moved-flow"),
      movedTitle: q("moved-title"),
      status: q("status"),
      timing: q("timing"),
    };
    this.#canvas = new RingCanvas(this.#ui.canvas);
    this.#overlay = new RingOverlay(this.#ui.overlay);
    this.#model = new RingModel(HashRing, { vnodes: DEFAULT_VNODES, nodeIds: START_NODES, keyCount: START_KEYS });
    this.#colors.register(START_NODES);
    this.#bind();
    this.#syncInputs();
    this.#render();
    this.#setStatus(`Ready: ${START_NODES.length} nodes × ${DEFAULT_VNODES} points, ${START_KEYS} sample keys.`);
  }

  get model() {
    return this.#model;
  }

  /** Called when the tab is shown: draws again if the window changed size meanwhile. */
  show() {
    if (!this.#stale) return;
    this.#stale = false;
    this.#draw();
  }

  /** Called when the tab is left: closes the key tooltip. */
  hide() {
    this.#clearHover();
  }

  /** Centre of sample key `i`'s dot, in CSS pixels relative to the canvas (for tests and devtools). */
  keyDot(i) {
    const { keyXY } = this.#canvas.geometry;
    return { x: keyXY[2 * i], y: keyXY[2 * i + 1] };
  }

  #bind() {
    const ui = this.#ui;
    ui.add.addEventListener("click", () => this.#addNode());
    ui.nodeId.addEventListener("keydown", (event) => {
      if (event.key === "Enter") this.#addNode();
    });
    const typedId = (verb) => {
      const id = ui.nodeId.value.trim();
      if (!id) this.#setStatus(`Type the id of the node to ${verb} (or use its row in the legend).`, "error");
      return id;
    };
    ui.removeTyped.addEventListener("click", () => {
      const id = typedId("remove");
      if (id) this.#removeNode(id);
    });
    ui.downTyped.addEventListener("click", () => {
      const id = typedId("mark down");
      if (id) this.#apply(() => this.#model.markDown(id));
    });
    ui.upTyped.addEventListener("click", () => {
      const id = typedId("mark up");
      if (id) this.#apply(() => this.#model.markUp(id));
    });

    ui.legend.addEventListener("click", (event) => {
      const target = event.target.closest("button");
      if (!target) return;
      const { removeId, healthId, weightStep, nodeId } = target.dataset;
      if (removeId) this.#removeNode(removeId);
      else if (healthId) this.#toggleHealth(healthId);
      else if (weightStep) this.#stepWeight(nodeId, Number(weightStep));
    });
    ui.legend.addEventListener("change", (event) => {
      const input = event.target.closest("input[data-weight-id]");
      if (input) this.#setWeight(input.dataset.weightId, input.valueAsNumber);
    });

    for (const button of ui.schemeButtons) {
      button.addEventListener("click", () => {
        const scheme = button.dataset.scheme;
        if (scheme !== this.#model.scheme) this.#apply(() => this.#model.setScheme(scheme), `Could not switch to ${scheme}`);
      });
    }

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

    // Hover (mouse) or tap (touch, pen) on a key dot.
    ui.stack.addEventListener("pointermove", (event) => {
      if (event.pointerType === "mouse") this.#queueHover(event);
    });
    ui.stack.addEventListener("pointerdown", (event) => this.#queueHover(event));
    ui.stack.addEventListener("pointerleave", (event) => {
      if (event.pointerType === "mouse") this.#clearHover();
    });
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape") this.#clearHover();
    });

    window.addEventListener("resize", () => {
      if (this.#root.hidden) {
        this.#stale = true;
        return;
      }
      cancelAnimationFrame(this.#resizeFrame);
      this.#resizeFrame = requestAnimationFrame(() => {
        this.#draw();
        this.#clearHover();
      });
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

  #toggleHealth(id) {
    const index = this.#model.nodeIndex.get(id);
    if (index === undefined) return;
    const up = this.#model.nodes[index].up;
    this.#apply(() => (up ? this.#model.markDown(id) : this.#model.markUp(id)));
  }

  #stepWeight(id, direction) {
    const node = this.#model.nodes[this.#model.nodeIndex.get(id)];
    if (!node) return;
    const w = node.weight;
    // + adds a step; − subtracts one, halving instead at or below one step (weights stay > 0).
    const next =
      direction > 0
        ? Math.floor(w / WEIGHT_STEP + 1e-9) * WEIGHT_STEP + WEIGHT_STEP
        : w > WEIGHT_STEP
          ? Math.ceil(w / WEIGHT_STEP - 1e-9) * WEIGHT_STEP - WEIGHT_STEP
          : w / 2;
    this.#setWeight(id, Number(next.toFixed(6)));
  }

  #setWeight(id, weight) {
    const node = this.#model.nodes[this.#model.nodeIndex.get(id)];
    if (node && weight === node.weight) return;
    if (!this.#apply(() => this.#model.setWeight(id, weight), `Could not set ${id}'s weight to ${weight}`)) {
      this.#renderLegend(); // put the input back to the node's weight
    }
  }

  #setVnodes(vnodes) {
    if (vnodes === this.#model.vnodes) return;
    if (!this.#apply(() => this.#model.setVnodes(vnodes), `Could not rebuild with ${vnodes} vnodes (kept ${this.#model.vnodes})`))
      this.#syncInputs();
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
      this.#overlay.showMoved([], this.#model.keyPositions);
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
    const m = this.#model;
    ui.movedTitle.textContent = `Keys moved — ${change.title}`;
    ui.moved.textContent = change.total ? percent(change.fraction) : "—";
    ui.moved.dataset.fraction = String(change.fraction);
    ui.movedKeyspace.textContent = percent(change.keyspace, 2);
    ui.movedKeyspace.dataset.fraction = String(change.keyspace);
    ui.movedKeyspace.dataset.sweep = String(change.sweepFraction);
    ui.movedKeyspace.dataset.source = change.reported ? "library" : "sweep";
    ui.movedKeyspaceSource.textContent = change.reported ? "(RingChange.movedFraction)" : "(ring rebuilt: sweep over both rings' points)";
    ui.movedKeyspace.title = change.reported
      ? `RingChange.movedFraction = ${change.keyspace}, over ${integer(change.arcs.length)} arcs`
      : `Ring rebuilt: the page's own sweep over both rings' points, ${integer(change.arcs.length)} arcs`;
    ui.movedIdeal.textContent = `ideal ${percent(change.ideal)} (${change.idealLabel})`;
    ui.movedIdeal.dataset.fraction = String(change.ideal);
    const agree = Math.abs(change.keyspace - change.sweepFraction) < 1e-9;
    ui.movedDetail.textContent =
      `${integer(change.moved)} of ${integer(change.total)} sample keys changed owner; ` +
      `${integer(change.arcs.length)} arc${change.arcs.length === 1 ? "" : "s"} of the keyspace (amber on the ring).` +
      (change.check ? ` ${change.check.text}` : "") +
      (agree ? "" : ` Unexpected: RingChange says ${change.keyspace}, the points say ${change.sweepFraction}.`);
    ui.movedDetail.classList.toggle("warn", Boolean((change.check && !change.check.ok) || !agree));
    if (change.restored !== undefined) ui.movedDetail.dataset.restored = String(change.restored);
    else delete ui.movedDetail.dataset.restored;
    this.#showFlow(change);
    ui.timing.textContent = `ring ${millis(change.ms.ring)} · lookups + stats ${millis(change.ms.lookups)} · draw ${millis(drawMs)}`;
    const health = m.liveCount === m.nodeCount ? "" : ` (${integer(m.liveCount)} up)`;
    this.#setStatus(`${change.title}. Now ${integer(m.nodeCount)} nodes${health}.`);

    // The sample keys that changed owner: trails to their new owning point, then rings.
    const items = change.movedKeys.map((i) => ({
      i,
      to: this.#colors.colorOf(m.keyOwners[i] ?? "").css,
      toPosition: m.ownerPointPosition(i),
    }));
    this.#overlay.showMoved(
      items.filter((item) => item.toPosition >= 0),
      m.keyPositions,
    );
  }

  /**
   * Where the moved sample keys went (a node lost keys: down, remove, lighter) or came from (a
   * node gained keys: add, up, heavier), per node with its colour, largest first.
   */
  #showFlow(change) {
    const flow = this.#ui.movedFlow;
    const single = ["add", "remove", "down", "up", "weight"].includes(change.kind) && change.moved > 0;
    const outward = change.lost.size === 1 && change.lost.has(change.id);
    const inward = change.gained.size === 1 && change.gained.has(change.id);
    if (!single || !(outward || inward)) {
      flow.hidden = true;
      flow.replaceChildren();
      return;
    }
    const others = [...(outward ? change.gained : change.lost)].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const shown = others.slice(0, 8);
    const parts = [`${change.id}'s ${integer(change.moved)} key${change.moved === 1 ? "" : "s"} ${outward ? "went to" : "came from"}:`];
    flow.replaceChildren(parts[0]);
    for (const [id, count] of shown) {
      const item = document.createElement("span");
      item.className = "flow-item";
      item.dataset.nodeId = id;
      item.dataset.count = String(count);
      const swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.style.setProperty("--swatch", this.#colors.colorOf(id).css);
      item.append(swatch, `${id} ${integer(count)}`);
      flow.append(" ", item);
    }
    if (others.length > shown.length) flow.append(` … and ${integer(others.length - shown.length)} more nodes`);
    flow.dataset.direction = outward ? "to" : "from";
    flow.hidden = false;
  }

  /** Redraws everything derived from the model; returns the canvas + legend + chart time in ms. */
  #render() {
    const started = performance.now();
    const m = this.#model;
    const ui = this.#ui;
    ui.nodeCount.textContent = integer(m.nodeCount);
    ui.nodeCount.dataset.value = String(m.nodeCount);
    const down = m.nodeCount - m.liveCount;
    ui.liveCount.textContent = m.nodeCount === 0 ? "" : down ? `${integer(down)} down` : "all up";
    ui.liveCount.dataset.value = String(m.liveCount);
    ui.liveCount.classList.toggle("has-down", down > 0);
    ui.pointCount.textContent = integer(m.ring.pointCount);
    ui.vnodesCurrent.textContent = integer(m.vnodes);
    ui.sampleCount.textContent = integer(m.keys.length);
    ui.nodeId.placeholder = m.nextAutoId();
    for (const button of ui.schemeButtons) button.setAttribute("aria-pressed", String(button.dataset.scheme === m.scheme));
    ui.schemeNote.textContent =
      m.scheme === "ketama" ? `hashring 3.2.0 placement · ${m.vnodes} vnodes × 4 points` : `${m.vnodes} points per unit of weight`;
    this.#syncInputs();
    this.#draw();
    this.#renderLegend();
    renderDistribution(ui.chart, m, (id) => this.#colors.colorOf(id));
    return performance.now() - started;
  }

  /** Re-renders the legend, keeping keyboard focus on the same control of the same row. */
  #renderLegend() {
    const active = /** @type {HTMLElement | null} */ (document.activeElement);
    let focus = null;
    if (active && this.#ui.legend.contains(active)) focus = active.dataset.testid;
    renderLegend(this.#ui.legend, this.#model, (id) => this.#colors.colorOf(id));
    if (focus) this.#ui.legend.querySelector(`[data-testid="${CSS.escape(focus)}"]`)?.focus();
  }

  #draw() {
    const m = this.#model;
    const colors = m.nodes.map((node) => this.#colors.colorOf(node.id));
    const down = m.nodeCount - m.liveCount;
    this.#canvas.render({
      positions: m.points.positions,
      owners: m.points.owners,
      up: m.nodes.map((node) => node.up),
      live: m.live,
      colors,
      movedArcs: m.lastChange?.arcs ?? [],
      keyPositions: m.keyPositions,
      keyOwnerIndex: m.keyOwnerIndex,
      caption: [
        `${integer(m.nodeCount)} node${m.nodeCount === 1 ? "" : "s"}`,
        ...(down ? [{ text: `${integer(down)} down`, tone: "down" }] : []),
        `${integer(m.ring.pointCount)} points · ${m.scheme}`,
        `${integer(m.keys.length)} keys`,
      ],
    });
    const canvas = this.#ui.canvas;
    canvas.dataset.points = String(m.ring.pointCount);
    canvas.dataset.ownersHash = m.ownersHash;
    canvas.dataset.down = m.nodes
      .filter((node) => !node.up)
      .map((node) => node.id)
      .join(",");
    const geometry = this.#canvas.geometry;
    this.#picker.build(geometry.keyXY, geometry.size);
    this.#overlay.setGeometry(geometry);
    if (this.#hovered >= 0) this.#hover(this.#hovered, null);
  }

  #queueHover(event) {
    const rect = this.#ui.canvas.getBoundingClientRect();
    this.#pointer = { x: event.clientX - rect.left, y: event.clientY - rect.top, clientX: event.clientX, clientY: event.clientY };
    if (this.#hoverFrame) return;
    this.#hoverFrame = requestAnimationFrame(() => {
      this.#hoverFrame = 0;
      const { x, y } = this.#pointer;
      const i = this.#picker.pick(x, y, 7);
      if (i < 0) this.#clearHover();
      else if (i !== this.#hovered) this.#hover(i, this.#pointer);
      else this.#placeTooltip(this.#pointer);
    });
  }

  /** Shows key `i`'s tooltip and its walk on the overlay; `pointer` null keeps the tooltip where it is. */
  #hover(i, pointer) {
    const m = this.#model;
    if (i >= m.keys.length) {
      this.#clearHover();
      return;
    }
    this.#hovered = i;
    const replicas = m.replicasOf(i, REPLICAS);
    const walk = m.walkOf(i, REPLICAS);
    const walkAgrees = walk.length === replicas.length && walk.every((step, n) => step.id === replicas[n]);
    const owner = m.keyOwners[i];
    const colorOf = (id) => this.#colors.colorOf(id);
    // Each replica's points, for drawing them bold.
    const wanted = new Map(replicas.map((id) => [m.nodeIndex.get(id), []]));
    const { positions, owners } = m.points;
    for (let p = 0; p < positions.length; p++) wanted.get(owners[p])?.push(positions[p]);
    this.#marks = this.#overlay.showHover({
      i,
      position: m.keyPositions[i],
      color: owner ? colorOf(owner).css : null,
      walk: walk.map((step) => ({ position: step.position, color: colorOf(step.id).css })),
      ticks: [...wanted].map(([index, list]) => ({ color: colorOf(m.nodes[index].id).css, positions: list })).reverse(),
    });
    renderTooltip(this.#ui.tooltip, {
      key: m.keys[i],
      position: m.keyPositions[i],
      owner,
      replicas,
      walkAgrees,
      colorOf,
      down: m.liveCount < m.nodeCount,
    });
    this.#ui.tooltip.hidden = false;
    if (pointer) this.#placeTooltip(pointer);
  }

  /**
   * Puts the tooltip beside the pointer where it hides neither the key nor the numbered replica
   * badges; among the free spots, the first on the side away from the ring's centre.
   */
  #placeTooltip(pointer) {
    const tooltip = this.#ui.tooltip;
    const stack = this.#ui.stack.getBoundingClientRect();
    const canvas = this.#ui.canvas.getBoundingClientRect();
    const dx = canvas.left - stack.left;
    const dy = canvas.top - stack.top;
    const x = pointer.x + dx;
    const y = pointer.y + dy;
    const w = tooltip.offsetWidth;
    const h = tooltip.offsetHeight;
    const gap = 16;
    const awayX = x < stack.width / 2 ? -1 : 1;
    const awayY = y < stack.height / 2 ? -1 : 1;
    const clamp = (v, size, extent) => Math.min(Math.max(v, -8), extent + 8 - size);
    const marks = [{ x: pointer.x, y: pointer.y, r: 6 }, ...this.#marks];
    const candidates = [
      [awayX, awayY],
      [awayX, -awayY],
      [-awayX, awayY],
      [-awayX, -awayY],
      [awayX, 0],
      [-awayX, 0],
      [0, awayY],
      [0, -awayY],
    ].map(([sx, sy]) => [
      clamp(sx > 0 ? x + gap : sx < 0 ? x - gap - w : x - w / 2, w, stack.width),
      clamp(sy > 0 ? y + gap : sy < 0 ? y - gap - h : y - h / 2, h, stack.height),
    ]);
    // Last resort: the stack's corners, nearest first (the walk stays near the key).
    const corners = [
      [-8, -8],
      [stack.width + 8 - w, -8],
      [-8, stack.height + 8 - h],
      [stack.width + 8 - w, stack.height + 8 - h],
    ];
    corners.sort((a, b) => Math.hypot(a[0] + w / 2 - x, a[1] + h / 2 - y) - Math.hypot(b[0] + w / 2 - x, b[1] + h / 2 - y));
    let best = null;
    for (const [left, top] of [...candidates, ...corners]) {
      let hidden = 0;
      for (const m of marks) {
        const mx = m.x + dx;
        const my = m.y + dy;
        if (mx > left - m.r - 4 && mx < left + w + m.r + 4 && my > top - m.r - 4 && my < top + h + m.r + 4) hidden += 1;
      }
      if (!best || hidden < best.hidden) best = { left, top, hidden };
      if (hidden === 0) break;
    }
    tooltip.style.left = `${best.left}px`;
    tooltip.style.top = `${best.top}px`;
  }

  #clearHover() {
    if (this.#hovered < 0) return;
    this.#hovered = -1;
    this.#ui.tooltip.hidden = true;
    delete this.#ui.tooltip.dataset.key;
    this.#marks = this.#overlay.showHover(null);
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
