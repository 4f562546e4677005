// Real-browser test of the page (www/) against the release wasm build (pkg/), served by the same
// code as `npm start`. Needs `npm run build` first and Chromium at /usr/bin/chromium.
//
//   node --test tests/page/
//
// Fails on any console error or warning, uncaught page error, failed request or request to another origin.
// Writes screenshots to test-results/page-ring.png (1000 nodes) and page-ring-small.png (7 nodes).
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startServer } from "../../scripts/serve.mjs";

const resultsDir = fileURLToPath(new URL("../../test-results/", import.meta.url));
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

let server;
let baseUrl;
let browser;
let page;
const problems = []; // console errors, page errors, failed or foreign requests
const warnings = [];

const byTestId = (id) => page.locator(`[data-testid="${id}"]`);

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

async function status() {
  const el = byTestId("status");
  return { text: await el.textContent(), kind: await el.getAttribute("data-kind") };
}

async function waitForNodeCount(count, timeout = 30_000) {
  await page.waitForFunction(
    (expected) => document.querySelector('[data-testid="node-count"]').textContent.replace(/,/g, "") === String(expected),
    count,
    { timeout },
  );
}

/**
 * Reads the canvas back: painted (non-transparent) pixels, distinct opaque colours, and for each
 * legend swatch how many canvas pixels have exactly its colour.
 */
function canvasStats() {
  return page.evaluate(() => {
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
    const swatches = [...document.querySelectorAll('[data-testid="legend"] .swatch')].map((s) => s.dataset.color);
    const swatchHits = swatches.map((c) => {
      const [r, g, b] = c.split(",").map(Number);
      return colours.get((r << 16) | (g << 8) | b) ?? 0;
    });
    const solidColours = [...colours.values()].filter((n) => n >= 20).length;
    return { width, height, painted, solidColours, swatches, swatchHits };
  });
}

async function assertRingDrawn(nodes) {
  const stats = await canvasStats();
  const area = stats.width * stats.height;
  assert.ok(stats.width >= 300, `canvas should be at least 300 px wide, is ${stats.width}`);
  assert.ok(stats.painted > area * 0.03, `canvas looks empty: ${stats.painted} of ${area} pixels painted`);
  assert.equal(stats.swatches.length, nodes, "one legend swatch per node");
  stats.swatchHits.forEach((hits, i) => {
    assert.ok(hits >= 30, `legend colour ${stats.swatches[i]} should appear on the canvas, found ${hits} pixels`);
  });
  assert.ok(stats.solidColours >= nodes, `expected ≥ ${nodes} distinct colours, found ${stats.solidColours}`);
  return stats;
}

describe("the ring page", { timeout: 55_000 }, () => {
  before(async () => {
    mkdirSync(resultsDir, { recursive: true });
    ({ server, url: baseUrl } = await startServer({ port: 0 }));
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
    const context = await browser.newContext({ viewport: { width: 1360, height: 1100 }, deviceScaleFactor: 1 });
    page = await context.newPage();
    const origin = new URL(baseUrl).origin;
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(`console.error: ${message.text()}`);
      else if (message.type() === "warning") warnings.push(message.text());
    });
    page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
    page.on("request", (request) => {
      const url = request.url();
      if (!url.startsWith("data:") && new URL(url).origin !== origin) problems.push(`foreign request: ${url}`);
    });
    page.on("requestfailed", (request) => problems.push(`request failed: ${request.url()} ${request.failure()?.errorText}`));
    page.on("response", (response) => {
      if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
    });

    const started = Date.now();
    await page.goto(baseUrl);
    await page.waitForFunction(() => document.body.dataset.state !== "loading", null, { timeout: 15_000 });
    const state = await page.evaluate(() => document.body.dataset.state);
    assert.equal(state, "ready", `page failed to start: ${(await status()).text}`);
    console.log(`# page ready in ${Date.now() - started} ms`);
  });

  after(async () => {
    await browser?.close();
    if (server) await new Promise((resolve) => server.close(resolve));
  });

  it("starts with 5 nodes × 160 points and 2000 sample keys, drawn on the canvas", async () => {
    assert.equal(await nodeCount(), 5);
    assert.equal(await byTestId("point-count").textContent(), "800");
    assert.equal(await byTestId("vnodes").inputValue(), "160");
    assert.equal(await byTestId("sample-count").textContent(), "2,000");
    assert.equal(await byTestId("legend").locator('[data-testid="legend-row"]').count(), 5);
    assert.equal((await byTestId("moved-percent").textContent()).trim(), "—");
    const stats = await assertRingDrawn(5);
    console.log(`# canvas ${stats.width}×${stats.height}: ${stats.painted} painted px, ${stats.solidColours} solid colours`);
  });

  it("adds a node with an auto id; only keys that move to it move", async () => {
    await byTestId("node-id-input").fill("");
    await byTestId("add-node").click();
    await waitForNodeCount(6);
    assert.equal(await byTestId("legend").locator('[data-node-id="node-5"]').count(), 1, "node-5 in the legend");
    const moved = await movedPercent();
    const ideal = await idealPercent();
    assert.ok(moved > 0 && moved < 100, `moved ${moved}% should be in (0, 100)`);
    assert.equal(ideal, 16.7, "ideal on add is 1/(n+1) = 1/6");
    assert.ok(Math.abs(moved - ideal) < ideal * 0.5, `moved ${moved}% should be near the ideal ${ideal}%`);
    assert.match(await byTestId("moved-detail").textContent(), /went to node-5; no other key changed owner/);
    assert.equal((await status()).kind, "info");
    await assertRingDrawn(6);
  });

  it("adds a typed id, and shows a duplicate id as an inline error", async () => {
    await byTestId("node-id-input").fill("cache-a");
    await byTestId("add-node").click();
    await waitForNodeCount(7);
    assert.ok((await movedPercent()) > 0);

    await byTestId("node-id-input").fill("cache-a");
    await byTestId("add-node").click();
    const { text, kind } = await status();
    assert.equal(kind, "error");
    assert.match(text, /already exists/);
    assert.equal(await nodeCount(), 7, "a rejected add leaves the ring unchanged");
    await assertRingDrawn(7);
    await page.screenshot({ path: `${resultsDir}/page-ring-small.png`, fullPage: true });
  });

  it("removes a node from the legend; only its keys move", async () => {
    const row = byTestId("legend").locator('[data-node-id="node-0"]');
    const shareText = await row.locator(".share-value").textContent();
    await byTestId("remove-node-node-0").click();
    await waitForNodeCount(6);
    assert.equal(await row.count(), 0, "node-0 left the legend");
    const moved = await movedPercent();
    const ideal = await idealPercent();
    assert.ok(moved > 0 && moved < 100, `moved ${moved}% should be in (0, 100)`);
    assert.ok(Math.abs(ideal - Number.parseFloat(shareText)) < 0.06, `ideal ${ideal}% is node-0's share ${shareText}`);
    assert.ok(Math.abs(moved - ideal) < 4, `moved ${moved}% should be close to node-0's share ${ideal}%`);
    assert.match(await byTestId("moved-detail").textContent(), /Only node-0's keys moved/);
    await assertRingDrawn(6);

    await byTestId("node-id-input").fill("ghost");
    await byTestId("remove-typed-node").click();
    const { text, kind } = await status();
    assert.equal(kind, "error");
    assert.match(text, /unknown node/);
    assert.equal(await nodeCount(), 6);
  });

  it("rebuilds the ring with another vnode count, and rejects an out-of-range one", async () => {
    const nodes = await nodeCount();
    await byTestId("vnodes").fill("64");
    await byTestId("vnodes").press("Enter");
    await page.waitForFunction(() => document.querySelector('[data-testid="vnodes-current"]').textContent === "64");
    assert.equal(await byTestId("point-count").textContent(), String(nodes * 64));
    assert.equal(await nodeCount(), nodes);
    const moved = await movedPercent();
    assert.ok(moved > 0 && moved < 100, `moved ${moved}% on 160 → 64 vnodes`);
    await assertRingDrawn(nodes);

    await byTestId("vnodes").fill("5000");
    await byTestId("vnodes").press("Enter");
    const { text, kind } = await status();
    assert.equal(kind, "error");
    assert.match(text, /vnodes/);
    assert.equal(await byTestId("vnodes-current").textContent(), "64", "the ring keeps its vnode count");
    assert.equal(await byTestId("vnodes").inputValue(), "64", "the input shows the ring's vnode count again");

    await byTestId("vnodes").fill("160");
    await byTestId("vnodes").press("Enter");
    await page.waitForFunction(() => document.querySelector('[data-testid="vnodes-current"]').textContent === "160");
  });

  it("populates 1000 nodes × 160 points and stays responsive", async () => {
    const started = Date.now();
    await byTestId("populate-1000").click();
    await waitForNodeCount(1000);
    const elapsed = Date.now() - started;
    const timing = await byTestId("timing").textContent();
    console.log(`# populate 1000 nodes + redraw: ${elapsed} ms in the test (page: ${timing})`);
    assert.equal(await byTestId("point-count").textContent(), "160,000");
    assert.ok(elapsed < 15_000, `populate took ${elapsed} ms`);
    const rows = byTestId("legend").locator('[data-testid="legend-row"]');
    assert.ok((await rows.count()) <= 20, "a 1000-node legend is summarised, not listed");
    assert.match(await byTestId("legend-summary").textContent(), /Equal share 1\/n = 0\.100%/);
    const stats = await canvasStats();
    assert.ok(stats.painted > stats.width * stats.height * 0.03, "canvas drawn at 1000 nodes");
    assert.ok(stats.solidColours >= 100, `many node colours visible, found ${stats.solidColours}`);
    await page.screenshot({ path: `${resultsDir}/page-ring.png`, fullPage: true });

    // Removing the largest node of 1000 moves about its share of the keys.
    const largest = await rows.first().getAttribute("data-node-id");
    const redrawStarted = Date.now();
    await byTestId(`remove-node-${largest}`).click();
    await waitForNodeCount(999);
    console.log(`# remove 1 of 1000 nodes + redraw: ${Date.now() - redrawStarted} ms`);
    const moved = await movedPercent();
    assert.ok(moved < 1, `removing one of 1000 nodes moved ${moved}% of keys`);
  });

  it("logged no console errors or warnings, page errors, failed or foreign requests", () => {
    assert.deepEqual(problems, []);
    assert.deepEqual(warnings, []);
  });
});
