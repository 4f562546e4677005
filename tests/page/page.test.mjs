// Real-browser test of the page (www/) against the release wasm build (pkg/), served by the same
// code as `npm start`. Needs `npm run build` first and Chromium at /usr/bin/chromium.
//
//   node --test tests/page/
//
// Fails on any console error or warning, uncaught page error, failed request or request to another origin.
// Writes screenshots to test-results/: page-ring.png (1000 nodes), page-ring-small.png (7 nodes),
// page-ring-failover.png (a node just marked down: its keys' trails to their new owners) and
// page-ring-hover.png (a key's tooltip and replica walk while a node is down).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ringProbes } from "./ring-probes.mjs";
import { openServedPage, resultsDir } from "./served-page.mjs";

/** The page's "down" tick colour and moved-arcs strip colour (www/ring/ring-canvas.js). */
const DOWN_RGB = [150, 150, 150];
const MOVED_RGB = [245, 158, 11];

/** The served page (served-page.mjs), open from the first test to the last. */
let served;
let page;
/** What the mark-down test saw before the node went down, for the mark-up test. */
let failover = null;

const ring = ringProbes(() => page);
const { byTestId } = ring;

describe("the ring page", { timeout: 55_000 }, () => {
  before(async () => {
    served = await openServedPage();
    page = served.page;

    const started = Date.now();
    await page.goto(served.baseUrl);
    await page.waitForFunction(() => document.body.dataset.state !== "loading", null, { timeout: 15_000 });
    const state = await page.evaluate(() => document.body.dataset.state);
    assert.equal(state, "ready", `page failed to start: ${(await ring.status()).text}`);
    console.log(`# page ready in ${Date.now() - started} ms`);
  });

  after(() => served?.close());

  it("starts with 5 nodes × 160 points and 2000 sample keys, drawn on the canvas and in the chart", async () => {
    assert.equal(await ring.nodeCount(), 5);
    assert.equal(await byTestId("live-count").textContent(), "all up");
    assert.equal(await byTestId("point-count").textContent(), "800");
    assert.equal(await byTestId("vnodes").inputValue(), "160");
    assert.equal(await byTestId("sample-count").textContent(), "2,000");
    assert.equal(await byTestId("legend").locator('[data-testid="legend-row"]').count(), 5);
    assert.equal((await byTestId("moved-percent").textContent()).trim(), "—");
    assert.equal(await byTestId("scheme-sha1").getAttribute("aria-pressed"), "true");
    const stats = await ring.assertRingDrawn(5);
    const bars = await ring.assertChartMatchesLegend(5);
    for (const bar of Object.values(bars)) assert.equal(bar.ideal, 0.2, "ideal share 1/5 at equal weights");
    const [down, moved] = await ring.pixelCounts("ring-canvas", [DOWN_RGB, MOVED_RGB]);
    assert.ok(down < 5, `no node is down, so no grey ticks (found ${down} px)`);
    assert.ok(moved < 5, `no change yet, so no moved arcs (found ${moved} px)`);
    console.log(`# canvas ${stats.width}×${stats.height}: ${stats.painted} painted px, ${stats.solidColours} solid colours`);
  });

  it("adds a node with an auto id; only keys that move to it move", async () => {
    await byTestId("node-id-input").fill("");
    await byTestId("add-node").click();
    await ring.waitForNodeCount(6);
    assert.equal(await ring.legendRow("node-5").count(), 1, "node-5 in the legend");
    const moved = await ring.movedPercent();
    const ideal = await ring.idealPercent();
    assert.ok(moved > 0 && moved < 100, `moved ${moved}% should be in (0, 100)`);
    assert.equal(ideal, 16.7, "ideal on add is 1/(n+1) = 1/6");
    assert.ok(Math.abs(moved - ideal) < ideal * 0.5, `moved ${moved}% should be near the ideal ${ideal}%`);
    const keyspace = await ring.movedKeyspace();
    assert.equal(keyspace.source, "library");
    const newShare = Number(await ring.legendRow("node-5").getAttribute("data-share"));
    assert.ok(
      Math.abs(keyspace.fraction - newShare) < 1e-9,
      `an add moves exactly the new node's share: ${keyspace.fraction} vs ${newShare}`,
    );
    assert.match(await byTestId("moved-detail").textContent(), /went to node-5; no other key changed owner/);
    assert.equal((await ring.status()).kind, "info");
    await ring.assertRingDrawn(6);
    await ring.assertChartMatchesLegend(6);
    const [moved_px] = await ring.pixelCounts("ring-canvas", [MOVED_RGB]);
    assert.ok(moved_px > 100, `the moved arcs are marked on the ring (found ${moved_px} px)`);
  });

  it("adds a typed id, and shows a duplicate id as an inline error", async () => {
    await byTestId("node-id-input").fill("cache-a");
    await byTestId("add-node").click();
    await ring.waitForNodeCount(7);
    assert.ok((await ring.movedPercent()) > 0);

    await byTestId("node-id-input").fill("cache-a");
    await byTestId("add-node").click();
    const { text, kind } = await ring.status();
    assert.equal(kind, "error");
    assert.match(text, /already exists/);
    assert.equal(await ring.nodeCount(), 7, "a rejected add leaves the ring unchanged");
    await ring.assertRingDrawn(7);
    await ring.assertChartMatchesLegend(7);
    await page.screenshot({ path: `${resultsDir}/page-ring-small.png`, fullPage: true });
  });

  it("removes a node from the legend; only its keys move", async () => {
    const row = ring.legendRow("node-0");
    const shareText = await row.locator(".share-value").textContent();
    const share = Number(await row.getAttribute("data-share"));
    await byTestId("remove-node-node-0").click();
    await ring.waitForNodeCount(6);
    assert.equal(await row.count(), 0, "node-0 left the legend");
    const moved = await ring.movedPercent();
    const ideal = await ring.idealPercent();
    assert.ok(moved > 0 && moved < 100, `moved ${moved}% should be in (0, 100)`);
    assert.ok(Math.abs(ideal - Number.parseFloat(shareText)) < 0.06, `ideal ${ideal}% is node-0's share ${shareText}`);
    assert.ok(Math.abs(moved - ideal) < 4, `moved ${moved}% should be close to node-0's share ${ideal}%`);
    const keyspace = await ring.movedKeyspace();
    assert.ok(Math.abs(keyspace.fraction - share) < 1e-9, `removal moves exactly node-0's share: ${keyspace.fraction} vs ${share}`);
    assert.match(await byTestId("moved-detail").textContent(), /Only node-0's keys moved/);
    await ring.assertRingDrawn(6);

    await byTestId("node-id-input").fill("ghost");
    await byTestId("remove-typed-node").click();
    const { text, kind } = await ring.status();
    assert.equal(kind, "error");
    assert.match(text, /unknown node/);
    assert.equal(await ring.nodeCount(), 6);
    await byTestId("node-id-input").fill("");
  });

  it("marks a node down: drawn down, its share moves to the next live nodes, it owns no key", async () => {
    const id = "node-2";
    const row = ring.legendRow(id);
    const share = Number(await row.getAttribute("data-share"));
    const keysBefore = await ring.keysPerNode();
    const hashBefore = await ring.ownersHash();
    const rgb = await ring.swatchRgb(id);
    const [colourBefore, greyBefore] = await ring.pixelCounts("ring-canvas", [rgb, DOWN_RGB]);
    assert.ok(colourBefore > 300, `${id}'s colour is on the ring before (${colourBefore} px)`);
    assert.ok(share > 0.1, `${id} owns a real share before: ${share}`);

    await byTestId(`health-${id}`).click();
    await page.waitForFunction(
      (id) => document.querySelector(`[data-testid="legend-row"][data-node-id="${id}"]`)?.dataset.state === "down",
      id,
    );

    // Legend, stats and chart show it down.
    assert.equal(await byTestId(`health-${id}`).getAttribute("aria-checked"), "false");
    assert.equal((await byTestId(`health-${id}`).textContent()).trim(), "down");
    assert.match(await row.getAttribute("class"), /\bis-down\b/);
    assert.equal(await row.locator(".node-id").evaluate((el) => getComputedStyle(el).textDecorationLine), "line-through");
    assert.equal(await byTestId("live-count").textContent(), "1 down");
    assert.equal(await ring.nodeCount(), 6, "a down node stays on the ring");
    assert.equal(await byTestId("point-count").textContent(), "960", "and keeps its points");
    assert.equal(await ring.distBar(id).getAttribute("data-state"), "down");
    assert.equal(Number(await ring.distBar(id).getAttribute("data-share")), 0, "a down node owns nothing");
    const bars = await ring.assertChartMatchesLegend(6);
    for (const bar of Object.values(bars)) {
      assert.ok(Math.abs(bar.ideal - (bar.id === id ? 0 : 0.2)) < 1e-12, `${bar.id}: ideal 1/liveCount = 1/5, got ${bar.ideal}`);
    }

    // The moved figures: exactly its share of the keyspace; about that many sample keys.
    const keyspace = await ring.movedKeyspace();
    assert.equal(keyspace.source, "library");
    assert.ok(Math.abs(keyspace.fraction - share) < 1e-9, `markDown moved ${keyspace.fraction}, ${id}'s share was ${share}`);
    const moved = await ring.movedPercent();
    assert.ok(Math.abs(moved - share * 100) < 4, `sample keys moved ${moved}% ≈ ${id}'s share ${(share * 100).toFixed(2)}%`);
    assert.equal(moved, Number(((keysBefore[id] / 2000) * 100).toFixed(1)), "exactly the keys it owned moved");
    assert.match(await byTestId("moved-detail").textContent(), new RegExp(`Only ${id}'s keys moved`));

    // No sample key is owned by it: legend count, the mapping itself, and the canvas.
    assert.equal(Number(await row.getAttribute("data-keys")), 0);
    const owners = await page.evaluate(() => window.ringlease.view.model.keyOwners);
    assert.equal(owners.length, 2000);
    assert.equal(owners.filter((owner) => owner === id).length, 0, `no sample key is owned by ${id}`);
    assert.equal(owners.filter((owner) => owner === undefined).length, 0, "every key has a live owner");
    const keysAfter = await ring.keysPerNode();
    for (const [node, count] of Object.entries(keysAfter)) {
      if (node !== id) assert.ok(count >= keysBefore[node], `${node} only gains keys (${keysBefore[node]} → ${count})`);
    }

    // Drawn down: its colour is gone from the ring, its points are grey dashes and × marks.
    const [colourAfter, greyAfter, strip] = await ring.pixelCounts("ring-canvas", [rgb, DOWN_RGB, MOVED_RGB]);
    assert.ok(colourAfter < 10, `${id}'s colour left the ring (${colourBefore} → ${colourAfter} px)`);
    assert.ok(greyAfter > greyBefore + 500, `its points are drawn grey (${greyBefore} → ${greyAfter} px)`);
    assert.ok(strip > 200, `the moved arcs are marked (${strip} px)`);
    assert.match(await byTestId("ring-canvas").getAttribute("data-down"), new RegExp(`^${id}$`));

    // The moved keys animate (trails to their new owner's point), hold, then keep a ring.
    await ring.waitForPhase("hold");
    await byTestId("canvas-stack").screenshot({ path: `${resultsDir}/page-ring-failover-ring.png` });
    await page.screenshot({ path: `${resultsDir}/page-ring-failover.png`, fullPage: true });
    const gainers = Object.keys(keysAfter).filter((node) => node !== id && keysAfter[node] > keysBefore[node]);
    assert.ok(gainers.length >= 2, `its keys spread over several nodes: ${gainers}`);
    // The card says where they went: per node, exactly each node's gain.
    const flow = byTestId("moved-flow");
    assert.equal(await flow.getAttribute("data-direction"), "to");
    const went = await flow.locator(".flow-item").evaluateAll((items) => items.map((i) => [i.dataset.nodeId, Number(i.dataset.count)]));
    assert.deepEqual(
      Object.fromEntries(went),
      Object.fromEntries(gainers.map((node) => [node, keysAfter[node] - keysBefore[node]])),
      "moved-flow lists each node's gain",
    );
    const overlay = await ring.pixelCounts("ring-overlay", await Promise.all(gainers.map(ring.swatchRgb)));
    for (const [k, node] of gainers.entries()) assert.ok(overlay[k] > 20, `moved keys are marked in ${node}'s colour (${overlay[k]} px)`);

    // Hover a key that moved: its replicas skip the down node, owner first.
    const movedKeys = await page.evaluate(() => window.ringlease.view.model.lastChange.movedKeys);
    const key = await ring.isolatedKey(movedKeys);
    const { owner, replicas } = await ring.hoverKey(key);
    assert.equal(owner, owners[key]);
    assert.ok(!replicas.includes(id), `replicas skip the down node: ${replicas}`);
    await ring.waitForPhase("done");
    await page.locator(".ring-figure").screenshot({ path: `${resultsDir}/page-ring-hover.png` });
    const replicaPixels = await ring.pixelCounts("ring-overlay", await Promise.all(replicas.map(ring.swatchRgb)));
    for (const [k, node] of replicas.entries())
      assert.ok(replicaPixels[k] > 30, `${node}'s points are highlighted (${replicaPixels[k]} px)`);
    await page.mouse.move(2, 2);
    await page.waitForFunction(() => document.querySelector('[data-testid="key-tooltip"]').hidden);

    failover = { share, keysBefore, hashBefore };
  });

  it("marks it up again: the same keyspace moves back and the mapping is restored exactly", async () => {
    const id = "node-2";
    const row = ring.legendRow(id);
    const downHash = await ring.ownersHash();
    assert.ok(failover, "the failover test ran first");
    const { share, keysBefore, hashBefore } = failover;
    assert.notEqual(downHash, hashBefore, "the mapping changed while the node was down");

    await byTestId(`health-${id}`).click();
    await page.waitForFunction(
      (id) => document.querySelector(`[data-testid="legend-row"][data-node-id="${id}"]`)?.dataset.state === "up",
      id,
    );
    assert.equal(await byTestId(`health-${id}`).getAttribute("aria-checked"), "true");
    assert.equal(await byTestId("live-count").textContent(), "all up");

    const keyspace = await ring.movedKeyspace();
    assert.ok(Math.abs(keyspace.fraction - share) < 1e-9, `markUp moved ${keyspace.fraction} back, ${id}'s share is ${share}`);
    assert.ok(Math.abs(Number(await row.getAttribute("data-share")) - share) < 1e-12, "its share is back");
    assert.equal(await ring.ownersHash(), hashBefore, "every sample key has its previous owner again");
    assert.deepEqual(await ring.keysPerNode(), keysBefore, "keys per node are back to the previous counts");
    assert.equal(await byTestId("moved-detail").getAttribute("data-restored"), "true");
    assert.match(await byTestId("moved-detail").textContent(), /Mapping restored/);
    assert.equal(await ring.movedPercent(), Number(((keysBefore[id] / 2000) * 100).toFixed(1)), "the same keys moved back");

    const rgb = await ring.swatchRgb(id);
    const [colour, grey] = await ring.pixelCounts("ring-canvas", [rgb, DOWN_RGB]);
    assert.ok(colour > 300, `${id}'s colour is back on the ring (${colour} px)`);
    assert.ok(grey < 5, `no grey ticks left (${grey} px)`);
    await ring.assertRingDrawn(6);
    await ring.assertChartMatchesLegend(6);
  });

  it("changes a weight: points, share, ideal and chart follow; only that node's keys move", async () => {
    const id = "node-3";
    const row = ring.legendRow(id);
    const pointsCell = row.locator("td").nth(2);
    const hash = await ring.ownersHash();
    const share = Number(await row.getAttribute("data-share"));
    // Its bar relative to node-1's (which can only lose keyspace when node-3 gains).
    const barRatio = () =>
      page.evaluate((id) => {
        const height = (node) =>
          document.querySelector(`[data-testid="dist-bar"][data-node-id="${node}"] .dist-fill`).getBoundingClientRect().height;
        return height(id) / height("node-1");
      }, id);
    const ratioBefore = await barRatio();
    assert.equal(await pointsCell.textContent(), "160");

    await byTestId(`weight-up-${id}`).click(); // 1 → 1.5
    await page.waitForFunction(() => document.querySelector('[data-testid="point-count"]').textContent === "1,040");
    assert.equal(await pointsCell.textContent(), "240");
    assert.equal(await byTestId(`weight-${id}`).inputValue(), "1.5");
    assert.equal(await byTestId("ring-canvas").getAttribute("data-points"), "1040");
    const grown = Number(await row.getAttribute("data-share"));
    assert.ok(grown > share, `share grows with the weight: ${share} → ${grown}`);
    assert.ok((await barRatio()) > ratioBefore, "its bar grows against the others");
    const ideal = Number(await ring.distBar(id).getAttribute("data-ideal"));
    assert.ok(Math.abs(ideal - 1.5 / 6.5) < 1e-12, `ideal = weight share 1.5/6.5, got ${ideal}`);
    const keyspace = await ring.movedKeyspace();
    assert.ok(Math.abs(keyspace.fraction - (grown - share)) < 1e-9, `moved ${keyspace.fraction} = its gain ${grown - share}`);
    assert.match(await byTestId("moved-detail").textContent(), new RegExp(`moved keys went to ${id}`));
    await ring.assertChartMatchesLegend(6);

    // Type a smaller weight.
    await byTestId(`weight-${id}`).fill("0.5");
    await byTestId(`weight-${id}`).press("Enter");
    await page.waitForFunction(() => document.querySelector('[data-testid="point-count"]').textContent === "880");
    assert.equal(await pointsCell.textContent(), "80");
    const shrunk = Number(await row.getAttribute("data-share"));
    assert.ok(shrunk < share, `share shrinks below the start: ${share} → ${shrunk}`);
    assert.match(await byTestId("moved-detail").textContent(), new RegExp(`Only ${id}'s keys moved`));
    assert.ok(Math.abs((await ring.movedKeyspace()).fraction - (grown - shrunk)) < 1e-9);

    // A rejected weight leaves everything as it was.
    await byTestId(`weight-${id}`).fill("0");
    await byTestId(`weight-${id}`).press("Enter");
    const { text, kind } = await ring.status();
    assert.equal(kind, "error");
    assert.match(text, /weight/);
    assert.equal(await pointsCell.textContent(), "80");
    assert.equal(await byTestId(`weight-${id}`).inputValue(), "0.5", "the input shows the node's weight again");

    // Back to 1 with +: the points id#0 … id#159 again, so the exact previous mapping.
    await byTestId(`weight-up-${id}`).click();
    await page.waitForFunction(() => document.querySelector('[data-testid="point-count"]').textContent === "960");
    assert.equal(await ring.ownersHash(), hash, "weight back to 1 restores the mapping");
  });

  it("switches the scheme to ketama and back", async () => {
    const hash = await ring.ownersHash();
    await byTestId("scheme-ketama").click();
    await page.waitForFunction(() => document.querySelector('[data-testid="vnodes-current"]').textContent === "40");
    assert.equal(await byTestId("scheme-ketama").getAttribute("aria-pressed"), "true");
    const keyspace = await ring.movedKeyspace();
    assert.equal(keyspace.source, "sweep");
    assert.ok(keyspace.fraction > 0.5, `an unrelated hash moves most of the keyspace: ${keyspace.fraction}`);
    assert.equal(
      await byTestId("ring-canvas").getAttribute("data-points"),
      (await byTestId("point-count").textContent()).replace(/,/g, ""),
    );
    await ring.assertRingDrawn(6);
    await ring.assertChartMatchesLegend(6);

    await byTestId("scheme-sha1").click();
    await page.waitForFunction(() => document.querySelector('[data-testid="vnodes-current"]').textContent === "160");
    assert.equal(await ring.ownersHash(), hash, "back on sha1, the same mapping");
  });

  it("rebuilds the ring with another vnode count, and rejects an out-of-range one", async () => {
    const nodes = await ring.nodeCount();
    await byTestId("vnodes").fill("64");
    await byTestId("vnodes").press("Enter");
    await page.waitForFunction(() => document.querySelector('[data-testid="vnodes-current"]').textContent === "64");
    assert.equal(await byTestId("point-count").textContent(), String(nodes * 64));
    assert.equal(await ring.nodeCount(), nodes);
    const moved = await ring.movedPercent();
    assert.ok(moved > 0 && moved < 100, `moved ${moved}% on 160 → 64 vnodes`);
    const keyspace = await ring.movedKeyspace();
    assert.equal(keyspace.source, "sweep");
    assert.ok(keyspace.fraction > 0 && keyspace.fraction < 1);
    await ring.assertRingDrawn(nodes);

    await byTestId("vnodes").fill("5000");
    await byTestId("vnodes").press("Enter");
    const { text, kind } = await ring.status();
    assert.equal(kind, "error");
    assert.match(text, /vnodes/);
    assert.equal(await byTestId("vnodes-current").textContent(), "64", "the ring keeps its vnode count");
    assert.equal(await byTestId("vnodes").inputValue(), "64", "the input shows the ring's vnode count again");

    await byTestId("vnodes").fill("160");
    await byTestId("vnodes").press("Enter");
    await page.waitForFunction(() => document.querySelector('[data-testid="vnodes-current"]').textContent === "160");
  });

  it("populates 1000 nodes × 160 points, summarises, fails a node over, and stays responsive", async () => {
    const started = Date.now();
    await byTestId("populate-1000").click();
    await ring.waitForNodeCount(1000);
    const elapsed = Date.now() - started;
    const timing = await byTestId("timing").textContent();
    console.log(`# populate 1000 nodes + redraw: ${elapsed} ms in the test (page: ${timing})`);
    assert.equal(await byTestId("point-count").textContent(), "160,000");
    assert.ok(elapsed < 15_000, `populate took ${elapsed} ms`);
    const rows = byTestId("legend").locator('[data-testid="legend-row"]');
    assert.ok((await rows.count()) <= 20, "a 1000-node legend is summarised, not listed");
    assert.match(await byTestId("legend-summary").textContent(), /Equal share 1\/n = 0\.100%/);
    // The chart becomes a histogram of share ÷ ideal over all 1000 nodes.
    const chart = byTestId("distribution-chart");
    assert.equal(await chart.getAttribute("data-mode"), "histogram");
    const bins = await chart.locator('[data-testid="dist-bin"]').evaluateAll((els) => els.map((el) => Number(el.dataset.count)));
    assert.ok(bins.length >= 5 && bins.length <= 30, `a readable number of bins: ${bins.length}`);
    assert.equal(
      bins.reduce((a, b) => a + b, 0),
      1000,
      "every node in one bin",
    );
    assert.match(await byTestId("dist-summary").textContent(), /1,000 live nodes.*Largest: node-\d+ 1\.\d\d×/s);
    const stats = await ring.canvasStats();
    assert.ok(stats.painted > stats.width * stats.height * 0.03, "canvas drawn at 1000 nodes");
    assert.ok(stats.solidColours >= 100, `many node colours visible, found ${stats.solidColours}`);
    await page.screenshot({ path: `${resultsDir}/page-ring.png`, fullPage: true });

    // Mark the largest node down from its legend row: exactly its share moves.
    const largest = await rows.first().getAttribute("data-node-id");
    const share = Number(await rows.first().getAttribute("data-share"));
    const downStarted = Date.now();
    await byTestId(`health-${largest}`).click();
    await page.waitForFunction(() => document.querySelector('[data-testid="live-count"]').textContent === "1 down");
    console.log(`# mark 1 of 1000 nodes down + redraw: ${Date.now() - downStarted} ms (page: ${await byTestId("timing").textContent()})`);
    const keyspace = await ring.movedKeyspace();
    assert.ok(Math.abs(keyspace.fraction - share) < 1e-9, `markDown at 1000 nodes moved ${keyspace.fraction}, its share ${share}`);
    assert.equal(await ring.legendRow(largest).getAttribute("data-state"), "down", "the down node is listed (in the down section)");
    assert.match(await byTestId("dist-summary").textContent(), /999 live nodes.*1 down/s);
    const [grey] = await ring.pixelCounts("ring-canvas", [DOWN_RGB]);
    assert.ok(grey > 200, `its 160 points are drawn down among 160,000 (${grey} px)`);

    // Removing a node that is down moves nothing: it already owned nothing.
    const redrawStarted = Date.now();
    await byTestId(`remove-node-${largest}`).click();
    await ring.waitForNodeCount(999);
    console.log(`# remove 1 of 1000 nodes + redraw: ${Date.now() - redrawStarted} ms`);
    const moved = await ring.movedPercent();
    assert.equal(moved, 0, `removing a down node moved ${moved}% of keys`);
    assert.equal((await ring.movedKeyspace()).fraction, 0);
    assert.equal(await byTestId("live-count").textContent(), "all up");
  });

  it("logged no console errors or warnings, page errors, failed or foreign requests", () => {
    assert.deepEqual(served.problems, []);
    assert.deepEqual(served.warnings, []);
  });
});
