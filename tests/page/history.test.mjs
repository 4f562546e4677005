// Real-browser test of histories in the lock contention view (www/locks/history-run.js and the
// export, picker, drop and link in www/locks/locks-view.js) against the release wasm build (pkg/).
// Needs `npm run build` first and Chromium at /usr/bin/chromium.
//
//   node --test tests/page/history.test.mjs
//
// A simulated run is exported from the page (the download must equal `sim.history()` in Node),
// loaded back through the file picker, and its figures checked against `checkHistory` in Node;
// the sample under www/histories/ and the two the fault harness recorded open from a
// `#locks?history=` link; a client-only history
// dropped on the view shows the server's view as unknown. Fails on any console error or warning,
// page error, failed or foreign request. Writes test-results/page-history-*.png.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { checkHistory, initSync, Simulation } from "../../pkg/sim/index.js";
import { openServedPage, resultsDir } from "./served-page.mjs";

initSync({ module: readFileSync(new URL("../../pkg/sim/ringlease_sim_bg.wasm", import.meta.url)) });

const SAMPLE = "histories/gcpause-unfenced.json";
// Recorded by the fault harness (`npm run chaos`) on real processes and redis-servers.
const RECORDED = ["histories/chaos-fenced.json", "histories/chaos-unfenced.json"];
const HISTORY_KINDS = ["lostUpdate", "doubleGrant", "tokenOrder", "staleWrite", "beliefOverlap"];

/** The served page (served-page.mjs), open from the first test to the last. */
let served;
let page;

const byTestId = (id) => page.locator(`[data-testid="${id}"]`);

async function waitForState(state, timeout = 20_000) {
  await page.waitForFunction((s) => document.querySelector('[data-testid="locks-view"]').dataset.state === s, state, { timeout });
}

async function text(id) {
  return (await byTestId(id).textContent()).trim();
}

const shown = (n) => (n === null ? "unknown" : n.toLocaleString("en-US"));

/** The page's verdict and coverage against `checkHistory` in Node. */
async function assertMatchesVerdict(verdict, label) {
  assert.equal(await byTestId("locks-view").getAttribute("data-source"), "history", label);
  if (verdict.unknown.includes("lostUpdate")) assert.equal(await text("metric-lost-updates"), "?", `${label}: lost updates unknown`);
  else assert.equal(await text("metric-lost-updates"), shown(verdict.counts.lostUpdate), `${label}: lost updates`);
  for (const kind of HISTORY_KINDS) {
    const want = verdict.unknown.includes(kind) ? "unknown" : shown(verdict.counts[kind]);
    assert.equal(await text(`violations-${kind}`), want, `${label}: ${kind}`);
  }
  for (const [name, value] of Object.entries(verdict.coverage)) {
    assert.equal(await text(`coverage-${name}`), shown(value), `${label}: coverage ${name}`);
  }
}

describe("histories in the lock contention view", { timeout: 120_000 }, () => {
  before(async () => {
    served = await openServedPage({ contextOptions: { acceptDownloads: true } });
    page = served.page;
  });

  after(async () => {
    if (!served) return;
    await served.close();
    assert.deepEqual(served.problems, [], "no console errors, page errors or failed requests");
    assert.deepEqual(served.warnings, [], "no console warnings");
  });

  it("a simulated run shows its coverage next to the verdict, and exports the history Node exports", async () => {
    const config = { preset: "gcPause", seed: 1, fencing: "off" };
    const sim = new Simulation(config);
    sim.run();
    const expected = sim.history();
    const coverage = sim.coverage();
    sim.free();
    await page.goto(`${served.baseUrl}#locks?preset=gcPause&seed=1&fencing=off`);
    await waitForState("paused");
    await byTestId("locks-to-end").click();
    await waitForState("done");
    for (const [name, value] of Object.entries(coverage)) {
      assert.equal(await text(`coverage-${name}`), shown(value), `coverage ${name}`);
    }
    const [download] = await Promise.all([page.waitForEvent("download"), byTestId("history-export").click()]);
    assert.equal(download.suggestedFilename(), "ringlease-gcPause-seed1-off.history.json");
    const path = `${resultsDir}${download.suggestedFilename()}`;
    await download.saveAs(path);
    const doc = JSON.parse(readFileSync(path, "utf8"));
    assert.deepEqual(doc, expected, "the download is the run's history");
    await page.screenshot({ path: `${resultsDir}page-history-simulated.png`, fullPage: true });

    // Loaded back through the file picker: the same figures as checkHistory in Node.
    await byTestId("history-file").setInputFiles(path);
    await page.waitForFunction(() => document.querySelector('[data-testid="locks-view"]').dataset.source === "history", null, {
      timeout: 15_000,
    });
    await waitForState("paused");
    const verdict = checkHistory(doc);
    assert.ok(verdict.counts.lostUpdate > 0);
    await assertMatchesVerdict(verdict, "exported run");
    assert.equal(await byTestId("history-export").isDisabled(), true, "a history is not exported again");
    assert.equal(
      await byTestId("locks-canvas").getAttribute("data-lanes"),
      String(new Set(doc.records.filter((r) => r.process < 2 ** 32 - 1).map((r) => r.process)).size),
    );
    await byTestId("locks-to-end").click();
    await waitForState("done");
    assert.match(await text("locks-status"), /History ringlease-gcPause-seed1-off\.history\.json/);
    await page.screenshot({ path: `${resultsDir}page-history-loaded.png`, fullPage: true });
  });

  it("opens the sample history from #locks?history=…", async () => {
    const doc = JSON.parse(readFileSync(new URL(`../../www/${SAMPLE}`, import.meta.url), "utf8"));
    const verdict = checkHistory(doc);
    await page.goto(`${served.baseUrl}#locks?history=${SAMPLE}`);
    await page.waitForFunction(() => document.querySelector('[data-testid="locks-view"]').dataset.source === "history", null, {
      timeout: 15_000,
    });
    await waitForState("paused");
    await assertMatchesVerdict(verdict, "sample");
    await byTestId("locks-to-end").click();
    await waitForState("done");
    await page.screenshot({ path: `${resultsDir}page-history-sample.png`, fullPage: true });
    // A missing file is an error in the status line, not a broken page.
    await page.goto(`${served.baseUrl}#locks?history=histories/none.json`);
    await waitForState("error");
    assert.match(await text("locks-status"), /Cannot load the history histories\/none\.json: 404/);
    // The 404 itself is what this step asks for: the only problems it may leave.
    const expected = (p) => p.includes("none.json") || p.includes("status of 404");
    assert.ok(served.problems.some(expected));
    served.problems.splice(0, served.problems.length, ...served.problems.filter((p) => !expected(p)));
  });

  for (const path of RECORDED) {
    it(`opens the harness's recorded ${path} from #locks?history=…`, async () => {
      const doc = JSON.parse(readFileSync(new URL(`../../www/${path}`, import.meta.url), "utf8"));
      const verdict = checkHistory(doc);
      assert.ok(verdict.coverage.lateWrites !== null && verdict.unknown.length === 0, "the recording has the server's view");
      await page.goto(`${served.baseUrl}#locks?history=${path}`);
      await page.waitForFunction(() => document.querySelector('[data-testid="locks-view"]').dataset.source === "history", null, {
        timeout: 15_000,
      });
      await waitForState("paused");
      await assertMatchesVerdict(verdict, path);
      const lanes = new Set(doc.records.filter((r) => r.process < 2 ** 32 - 1).map((r) => r.process)).size;
      assert.equal(await byTestId("locks-canvas").getAttribute("data-lanes"), String(lanes), `${path}: one lane per client`);
      await byTestId("locks-to-end").click();
      await waitForState("done");
      await assertMatchesVerdict(verdict, `${path} at the end`);
      const name = path.replace(/^histories\/|\.json$/g, "");
      await page.screenshot({ path: `${resultsDir}page-history-${name}.png`, fullPage: true });
    });
  }

  it("a client-only history dropped on the view: the server's view is drawn as unknown", async () => {
    await page.goto(`${served.baseUrl}#locks`);
    await waitForState("paused");
    const rec = (type, process, op, timeMs, more = {}) => ({
      type,
      process,
      op,
      resource: "stock",
      timeMs: 1_700_000_000_000 + timeMs,
      ...more,
    });
    const doc = {
      version: 1,
      description: "client-only",
      records: [
        rec("invoke", 1, "acquire", 0, { ttlMs: 100 }),
        rec("ok", 1, "acquire", 5, { token: 1, ttlMs: 90 }),
        rec("invoke", 1, "read", 6, { token: 1 }),
        rec("ok", 1, "read", 8, { value: 10, writeId: 0 }),
        { type: "info", process: 1, op: "pause", timeMs: 1_700_000_000_010, durationMs: 300 },
        rec("invoke", 2, "acquire", 120, { ttlMs: 100 }),
        rec("ok", 2, "acquire", 125, { token: 2, ttlMs: 90 }),
        rec("invoke", 2, "read", 126, { token: 2 }),
        rec("ok", 2, "read", 128, { value: 10, writeId: 0 }),
        rec("invoke", 2, "write", 130, { token: 2, value: 9, basedOn: 0, writeId: 2 }),
        rec("ok", 2, "write", 132),
        rec("invoke", 2, "release", 133, { token: 2 }),
        rec("invoke", 1, "write", 311, { token: 1, value: 9, basedOn: 0, writeId: 1 }),
        rec("ok", 1, "write", 313),
        rec("invoke", 1, "release", 314, { token: 1 }),
        rec("invoke", 3, "read", 400),
        rec("ok", 3, "read", 402, { value: 9, writeId: 1 }),
      ],
    };
    const verdict = checkHistory(doc);
    assert.equal(verdict.counts.lostUpdate, 1);
    await page.evaluate((json) => {
      const data = new DataTransfer();
      data.items.add(new File([json], "client-only.json", { type: "application/json" }));
      const root = document.querySelector('[data-testid="locks-view"]');
      root.dispatchEvent(new DragEvent("dragover", { dataTransfer: data, bubbles: true, cancelable: true }));
      root.dispatchEvent(new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true }));
    }, JSON.stringify(doc));
    await page.waitForFunction(() => document.querySelector('[data-testid="locks-view"]').dataset.source === "history", null, {
      timeout: 15_000,
    });
    await waitForState("paused");
    await assertMatchesVerdict(verdict, "dropped");
    assert.match(await text("locks-status"), /The server's view of the leases is unknown/);
    await byTestId("locks-to-end").click();
    await waitForState("done");
    const colours = await page.evaluate(() => {
      const entry = document.querySelector('[data-testid="legend-entry"][data-kind="unknown"]');
      const [r, g, b] = entry.dataset.color.split(",").map(Number);
      const canvas = document.querySelector('[data-testid="locks-canvas"]');
      const copy = Object.assign(document.createElement("canvas"), { width: canvas.width, height: canvas.height });
      const context = copy.getContext("2d", { willReadFrequently: true });
      context.drawImage(canvas, 0, 0);
      const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let i = 0; i < data.length; i += 4)
        if (Math.abs(data[i] - r) <= 3 && Math.abs(data[i + 1] - g) <= 3 && Math.abs(data[i + 2] - b) <= 3) n++;
      return n;
    });
    assert.ok(colours > 50, `beliefs drawn as unknown (${colours} pixels)`);
    await page.screenshot({ path: `${resultsDir}page-history-client-only.png`, fullPage: true });
  });
});
