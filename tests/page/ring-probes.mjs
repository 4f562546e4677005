// The ring page's probes for tests/page/page.test.mjs: reading the legend, the figures, the
// canvas pixels and the chart, and hovering a key, on one Playwright page.
import assert from "node:assert/strict";
import { canvasColourCounts } from "./served-page.mjs";

/**
 * The probes, each reading the page `getPage()` returns when it runs (a Playwright page showing
 * the ring view), so they can be bound before the page exists.
 * @param {() => any} getPage
 */
export function ringProbes(getPage) {
  const byTestId = (id) => getPage().locator(`[data-testid="${id}"]`);
  const legendRow = (id) => byTestId("legend").locator(`[data-testid="legend-row"][data-node-id="${id}"]`);
  const distBar = (id) => byTestId("distribution-chart").locator(`[data-testid="dist-bar"][data-node-id="${id}"]`);

  async function nodeCount() {
    const text = await byTestId("node-count").textContent();
    return Number(text.replace(/,/g, ""));
  }

  /** The "% keys moved" figure as displayed, as a number in percent. */
  async function movedPercent() {
    const text = await byTestId("moved-percent").textContent();
    const match = /^(\d+(?:\.\d+)?)%$/.exec(text.trim());
    assert.ok(match, `moved-percent should read like "9.1%", got ${JSON.stringify(text)}`);
    return Number(match[1]);
  }

  async function idealPercent() {
    const text = await byTestId("moved-ideal").textContent();
    const match = /ideal (\d+(?:\.\d+)?)%/.exec(text);
    assert.ok(match, `moved-ideal should state the ideal, got ${JSON.stringify(text)}`);
    return Number(match[1]);
  }

  /**
   * The keyspace figure: the exact fraction shown (RingChange.movedFraction, or the page's sweep
   * for rebuilds), which must agree with the page's independent sweep over both rings' points.
   */
  async function movedKeyspace() {
    const el = byTestId("moved-keyspace");
    const fraction = Number(await el.getAttribute("data-fraction"));
    const sweep = Number(await el.getAttribute("data-sweep"));
    const source = await el.getAttribute("data-source");
    const text = (await el.textContent()).trim();
    assert.match(text, /^\d+(\.\d+)?%$/, `moved-keyspace should read like "21.35%", got ${JSON.stringify(text)}`);
    assert.ok(Math.abs(fraction - sweep) < 1e-9, `movedFraction ${fraction} should equal the points sweep ${sweep}`);
    return { fraction, source, text };
  }

  async function status() {
    const el = byTestId("status");
    return { text: await el.textContent(), kind: await el.getAttribute("data-kind") };
  }

  async function waitForNodeCount(count, timeout = 30_000) {
    await getPage().waitForFunction(
      (expected) => document.querySelector('[data-testid="node-count"]').textContent.replace(/,/g, "") === String(expected),
      count,
      { timeout },
    );
  }

  const ownersHash = () => byTestId("ring-canvas").getAttribute("data-owners-hash");

  /** Waits for the moved-keys overlay to reach `phase` ("move", "hold", "settle", "done"). */
  async function waitForPhase(phase, timeout = 10_000) {
    await getPage().waitForFunction(
      (expected) => document.querySelector('[data-testid="ring-overlay"]').dataset.phase === expected,
      phase,
      {
        timeout,
      },
    );
  }

  /** Sample keys per node, from the legend (every row shown: small rings only). */
  async function keysPerNode() {
    return getPage().evaluate(() =>
      Object.fromEntries(
        [...document.querySelectorAll('[data-testid="legend-row"]')].map((row) => [row.dataset.nodeId, Number(row.dataset.keys)]),
      ),
    );
  }

  async function swatchRgb(id) {
    const text = await legendRow(id).locator(".swatch").getAttribute("data-color");
    return text.split(",").map(Number);
  }

  /**
   * Reads the canvas back: painted (non-transparent) pixels, distinct opaque colours, and for each
   * legend swatch how many canvas pixels have exactly its colour.
   */
  function canvasStats() {
    return getPage().evaluate(() => {
      // Read a copy, so the page's own canvas is never read back (Chromium warns on repeated reads).
      const canvas = document.querySelector('[data-testid="ring-canvas"]');
      const { width, height } = canvas;
      const copy = Object.assign(document.createElement("canvas"), { width, height });
      const context = copy.getContext("2d", { willReadFrequently: true });
      context.drawImage(canvas, 0, 0);
      const data = context.getImageData(0, 0, width, height).data;
      let painted = 0;
      const colours = new Map();
      for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3] === 0) continue;
        painted += 1;
        if (data[i + 3] !== 255) continue;
        const key = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
        colours.set(key, (colours.get(key) ?? 0) + 1);
      }
      const rows = [...document.querySelectorAll('[data-testid="legend"] [data-testid="legend-row"]')];
      const swatches = rows.map((row) => row.querySelector(".swatch").dataset.color);
      const up = rows.map((row) => row.dataset.state === "up");
      const swatchHits = swatches.map((c) => {
        const [r, g, b] = c.split(",").map(Number);
        return colours.get((r << 16) | (g << 8) | b) ?? 0;
      });
      const solidColours = [...colours.values()].filter((n) => n >= 20).length;
      return { width, height, painted, solidColours, swatches, swatchHits, up };
    });
  }

  /** Pixels of `canvasId` within ±3 of each of `colours` ([r, g, b]): canvasColourCounts. */
  const pixelCounts = (canvasId, colours) => canvasColourCounts(getPage(), canvasId, colours);

  async function assertRingDrawn(nodes) {
    const stats = await canvasStats();
    const area = stats.width * stats.height;
    assert.ok(stats.width >= 300, `canvas should be at least 300 px wide, is ${stats.width}`);
    assert.ok(stats.painted > area * 0.03, `canvas looks empty: ${stats.painted} of ${area} pixels painted`);
    assert.equal(stats.swatches.length, nodes, "one legend swatch per node");
    stats.swatchHits.forEach((hits, i) => {
      if (!stats.up[i]) return; // a down node owns nothing: its colour is gone from the ring
      assert.ok(hits >= 30, `legend colour ${stats.swatches[i]} should appear on the canvas, found ${hits} pixels`);
    });
    const live = stats.up.filter(Boolean).length;
    assert.ok(stats.solidColours >= live, `expected ≥ ${live} distinct colours, found ${stats.solidColours}`);
    return stats;
  }

  /** One bar per node in the chart, each showing the node's exact share (as in the legend). */
  async function assertChartMatchesLegend(nodes) {
    assert.equal(await byTestId("distribution-chart").getAttribute("data-mode"), "bars");
    const bars = await getPage().evaluate(() =>
      [...document.querySelectorAll('[data-testid="dist-bar"]')].map((bar) => ({
        id: bar.dataset.nodeId,
        share: Number(bar.dataset.share),
        ideal: Number(bar.dataset.ideal),
        state: bar.dataset.state,
        height: bar.querySelector(".dist-fill").getBoundingClientRect().height,
      })),
    );
    assert.equal(bars.length, nodes, "one bar per node");
    const rows = await getPage().evaluate(() =>
      Object.fromEntries(
        [...document.querySelectorAll('[data-testid="legend-row"]')].map((r) => [r.dataset.nodeId, Number(r.dataset.share)]),
      ),
    );
    assert.deepEqual(bars.map((b) => b.id).sort(), Object.keys(rows).sort(), "the chart and the legend list the same nodes");
    let sum = 0;
    let idealSum = 0;
    for (const bar of bars) {
      assert.equal(bar.share, rows[bar.id], `${bar.id}: chart and legend show the same share`);
      sum += bar.share;
      idealSum += bar.ideal;
    }
    assert.ok(Math.abs(sum - 1) < 1e-9, `shares sum to 1, got ${sum}`);
    assert.ok(Math.abs(idealSum - 1) < 1e-9, `ideal shares sum to 1, got ${idealSum}`);
    // Bar heights are proportional to the shares (one scale for the whole chart).
    const tallest = bars.reduce((a, b) => (b.share > a.share ? b : a));
    for (const bar of bars) {
      const expected = (bar.share / tallest.share) * tallest.height;
      assert.ok(Math.abs(bar.height - expected) < 1.5, `${bar.id}: bar ${bar.height}px for share ${bar.share}, expected ${expected}px`);
    }
    return Object.fromEntries(bars.map((b) => [b.id, b]));
  }

  /** Sample key (among `candidates`) whose dot is farthest from every other dot: safe to hover. */
  function isolatedKey(candidates) {
    return getPage().evaluate((candidates) => {
      const { view } = window.ringlease;
      const count = view.model.keys.length;
      let best = -1;
      let bestGap = -1;
      for (const i of candidates) {
        const a = view.keyDot(i);
        let gap = Infinity;
        for (let j = 0; j < count; j++) {
          if (j === i) continue;
          const b = view.keyDot(j);
          gap = Math.min(gap, Math.hypot(a.x - b.x, a.y - b.y));
        }
        if (gap > bestGap) {
          bestGap = gap;
          best = i;
        }
      }
      return best;
    }, candidates);
  }

  /** Moves the mouse onto sample key `i`'s dot and waits for its tooltip. */
  async function hoverKey(i) {
    const point = await getPage().evaluate((i) => {
      const rect = document.querySelector('[data-testid="ring-canvas"]').getBoundingClientRect();
      const dot = window.ringlease.view.keyDot(i);
      return { x: rect.left + dot.x, y: rect.top + dot.y };
    }, i);
    await getPage().mouse.move(point.x, point.y);
    await getPage().waitForFunction((key) => document.querySelector('[data-testid="key-tooltip"]').dataset.key === key, `key-${i}`);
    const tooltip = byTestId("key-tooltip");
    assert.equal(await tooltip.isVisible(), true, "the tooltip shows");
    const owner = await tooltip.locator('[data-testid="tooltip-owner"]').getAttribute("data-node-id");
    const replicas = await tooltip.locator('[data-testid="tooltip-replica"]').evaluateAll((items) => items.map((li) => li.dataset.nodeId));
    assert.equal(replicas.length, 3, `3 replicas listed, got ${replicas}`);
    assert.equal(new Set(replicas).size, 3, `replicas are distinct: ${replicas}`);
    assert.equal(replicas[0], owner, "the owner is listed first");
    const expectedOwner = await getPage().evaluate((i) => window.ringlease.view.model.keyOwners[i], i);
    assert.equal(owner, expectedOwner, "the tooltip's owner is the key's owner from nodeForMany");
    assert.equal(await tooltip.getAttribute("data-walk-agrees"), "true", "the clockwise walk over the points agrees with nodesFor");
    assert.match(await tooltip.textContent(), new RegExp(`^key-${i}(?!\\d)`));
    return { owner, replicas, point };
  }
  return {
    byTestId,
    legendRow,
    distBar,
    nodeCount,
    movedPercent,
    idealPercent,
    movedKeyspace,
    status,
    waitForNodeCount,
    ownersHash,
    waitForPhase,
    keysPerNode,
    swatchRgb,
    canvasStats,
    pixelCounts,
    assertRingDrawn,
    assertChartMatchesLegend,
    isolatedKey,
    hoverKey,
  };
}
