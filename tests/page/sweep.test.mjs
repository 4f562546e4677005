// The "Sweeps" tab in real headless Chromium, against the release wasm build (pkg/), served by
// the same code as `npm start`. Needs `npm run build` first and Chromium at /usr/bin/chromium.
//
//   node --test tests/page/sweep.test.mjs
//
// A #sweep link fills the form; a small sweep runs in the Web Worker with the progress bar
// advancing to the end; each plot has one point per value per fencing mode, with the numbers of
// Simulation.sweep; hovering shows a point's numbers and "replay" sets the contention view's
// #locks?… hash for the chosen run; CSV and JSON download; cancel stops the Worker (no progress
// after it). Logs (does not assert) the time of a 20 values × 20 seeds flashSale sweep. Fails
// on any console error or warning, page error, failed or foreign request. Writes
// test-results/page-sweep.png (the finished 20 × 20 sweep) and page-sweep-tooltip.png (a point
// pinned open).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { openServedPage, resultsDir } from "./served-page.mjs";

const SMALL_LINK = "#sweep?preset=gcPause&parameter=ttlMs&values=60,150,400&seeds=6&fencing=off,maxToken";
const SMALL = { parameter: "ttlMs", values: [60, 150, 400], seeds: 6, fencing: ["off", "maxToken"] };

/** The served page (served-page.mjs), open from the first test to the last. */
let served;
let page;
const workers = []; // { url, closed }

const byTestId = (id) => page.locator(`[data-testid="${id}"]`);
const sweepState = () => byTestId("sweep-view").getAttribute("data-sweep-state");
const progress = () =>
  page.evaluate(() => {
    const bar = document.querySelector('[data-testid="sweep-progress"]');
    return { done: Number(bar.dataset.done), total: Number(bar.dataset.total), value: bar.value, max: bar.max };
  });

/** Records every value the progress bar shows (page-side), from now on. */
function watchProgress() {
  return page.evaluate(() => {
    const bar = document.querySelector('[data-testid="sweep-progress"]');
    window.__progress = [];
    window.__progressObserver?.disconnect();
    window.__progressObserver = new MutationObserver(() => window.__progress.push(Number(bar.dataset.done)));
    window.__progressObserver.observe(bar, { attributes: true, attributeFilter: ["data-done"] });
  });
}

async function waitForState(state, timeout = 60_000) {
  await page.waitForFunction((s) => document.querySelector('[data-testid="sweep-view"]').dataset.sweepState === s, state, { timeout });
}

/** The centre of a plot point's marker, in page coordinates. */
function pointCentre(chart, fencing, value) {
  return page.evaluate(
    ({ chart, fencing, value }) => {
      const g = document.querySelector(
        `[data-testid="sweep-chart"][data-chart="${chart}"] [data-testid="sweep-point"][data-series="${fencing}"][data-value="${value}"]`,
      );
      const r = g.lastElementChild.getBoundingClientRect();
      return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
    },
    { chart, fencing, value },
  );
}

/** Every plotted point: { chart, series, value, y }. */
function plotted() {
  return page.evaluate(() =>
    [...document.querySelectorAll('[data-testid="sweep-point"]')].map((g) => ({
      chart: g.closest('[data-testid="sweep-chart"]').dataset.chart,
      series: g.dataset.series,
      value: Number(g.dataset.value),
      y: Number(g.dataset.y),
    })),
  );
}

describe("the Sweeps tab", { timeout: 240_000 }, () => {
  before(async () => {
    served = await openServedPage({
      viewport: { width: 1360, height: 1000 },
      contextOptions: { acceptDownloads: true },
      localUrl: /^(data|blob):/,
    });
    page = served.page;
    page.on("worker", (worker) => {
      const entry = { url: worker.url(), closed: false };
      workers.push(entry);
      worker.on("close", () => {
        entry.closed = true;
      });
    });

    await page.goto(`${served.baseUrl}www/${SMALL_LINK}`);
    await page.waitForFunction(() => document.body.dataset.state !== "loading", null, { timeout: 15_000 });
    assert.equal(await page.evaluate(() => document.body.dataset.state), "ready");
  });

  after(() => served?.close());

  it("opens from a #sweep link with the form filled in", async () => {
    assert.equal(await byTestId("tab-sweep").getAttribute("aria-selected"), "true");
    assert.equal(await byTestId("sweep-view").isVisible(), true);
    assert.equal(await byTestId("ring-view").isVisible(), false);
    assert.equal(await byTestId("sweep-preset").inputValue(), "gcPause");
    assert.equal(await byTestId("sweep-parameter").inputValue(), "ttlMs");
    assert.equal(await byTestId("sweep-mode-list").isChecked(), true);
    assert.equal(await byTestId("sweep-values").inputValue(), "60, 150, 400");
    assert.equal(await byTestId("sweep-seeds").inputValue(), "6");
    assert.equal(await byTestId("sweep-fencing-off").isChecked(), true);
    assert.equal(await byTestId("sweep-fencing-maxToken").isChecked(), true);
    assert.equal(await byTestId("sweep-fencing-strict").isChecked(), false);
    assert.equal(await byTestId("sweep-plan").getAttribute("data-runs"), "36");
    assert.equal(await sweepState(), null, "a link without run=1 waits for a click");
    assert.equal(await page.evaluate(() => location.hash), SMALL_LINK, "the address bar keeps the settings");
    assert.match(await byTestId("sweep-link").getAttribute("href"), /&run=1$/);
  });

  it("runs a small sweep in a Worker: the progress bar advances to the end; one point per value per mode", async () => {
    await watchProgress();
    await byTestId("sweep-start").click();
    await waitForState("done", 60_000);
    const seen = await page.evaluate(() => window.__progress);
    const { done, total, value, max } = await progress();
    assert.deepEqual({ done, total, value, max }, { done: 36, total: 36, value: 36, max: 36 });
    assert.ok(seen.length >= 3, `the bar moved several times: ${seen}`);
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i] >= seen[i - 1], `progress never goes back: ${seen}`);
    assert.ok(
      seen.some((d) => d > 0 && d < 36),
      `intermediate progress was shown: ${seen}`,
    );
    assert.equal(seen.at(-1), 36);
    assert.match(await byTestId("sweep-status").textContent(), /^Done: 36 runs in/);
    assert.match(await byTestId("sweep-progress-text").textContent(), /^36 \/ 36 runs/);
    assert.equal(workers.length, 1, "one Worker");
    assert.match(workers[0].url, /\/www\/sweep\/sweep-worker\.js$/);
    assert.equal(await byTestId("sweep-view").getAttribute("data-worker"), "none", "the Worker is let go when done");

    const points = await plotted();
    for (const chart of ["throughput", "wait", "lost", "rejected"]) {
      for (const series of SMALL.fencing) {
        const values = points.filter((p) => p.chart === chart && p.series === series).map((p) => p.value);
        assert.deepEqual(
          values.sort((a, b) => a - b),
          SMALL.values,
          `${chart}/${series}: one point per value`,
        );
      }
      assert.equal(points.filter((p) => p.chart === chart && p.series === "strict").length, 0, "no strict series: not asked for");
      assert.equal(await page.locator(`[data-testid="sweep-chart"][data-chart="${chart}"]`).getAttribute("data-points"), "6");
    }
    // The plotted numbers are Simulation.sweep's (the same package on the page's main thread).
    const expected = await page.evaluate(async (options) => {
      const { Simulation } = await import("/pkg/sim/index.js");
      return Simulation.sweep({ preset: "gcPause" }, options).aggregates;
    }, SMALL);
    const y = { throughput: "throughputMean", wait: "waitP99MeanMs", lost: "lostUpdates", rejected: "rejectedWritesMean" };
    for (const p of points) {
      const agg = expected.find((a) => a.value === p.value && a.fencing === p.series);
      assert.equal(p.y, agg[y[p.chart]], `${p.chart}/${p.series}/${p.value}`);
    }
    const lostOff = points.find((p) => p.chart === "lost" && p.series === "off" && p.value === 60).y;
    assert.ok(lostOff > 0, "gcPause at ttlMs 60 without fencing loses updates");
    assert.ok(
      points.filter((p) => p.chart === "lost" && p.series === "maxToken").every((p) => p.y === 0),
      "max-token fencing loses none",
    );
  });

  it("hovering a point shows its numbers; replay opens the contention view at the chosen run", async () => {
    const at = await pointCentre("lost", "off", 60);
    await page.mouse.move(at.x, at.y);
    const tip = byTestId("sweep-tooltip");
    await tip.waitFor({ state: "visible" });
    assert.equal(await tip.getAttribute("data-value"), "60");
    assert.equal(await tip.getAttribute("data-fencing"), "off");
    assert.equal(await tip.getAttribute("data-pinned"), "false");
    assert.match(await tip.locator('[data-testid="tt-runs"]').textContent(), /^6 of 6 seeds$/);
    assert.match(await tip.locator('[data-testid="tt-lost"]').textContent(), /^[1-9][\d,]* updates, in \d of 6 runs$/);
    assert.match(await tip.locator('[data-testid="tt-throughput"]').textContent(), /ops\/s mean$/);
    assert.match(await tip.locator('[data-testid="tt-wait"]').textContent(), /ms mean, [\d,.]+ ms max$/);

    // Moving away hides it; clicking the point keeps it open for the replay button.
    await page.mouse.move(5, 5);
    await tip.waitFor({ state: "hidden" });
    await page.mouse.click(at.x, at.y);
    await tip.waitFor({ state: "visible" });
    assert.equal(await tip.getAttribute("data-pinned"), "true");
    const seeds = await tip.locator('[data-testid="sweep-replay-seed"] option').evaluateAll((os) => os.map((o) => Number(o.value)));
    assert.deepEqual(seeds, [1, 2, 3, 4, 5, 6]);
    const worst = Number(await tip.locator('[data-testid="sweep-replay-seed"]').inputValue());
    assert.ok(seeds.includes(worst), "a seed is chosen (the one that lost most)");
    const chosen = seeds.find((s) => s !== worst);
    await tip.locator('[data-testid="sweep-replay-seed"]').selectOption(String(chosen));
    await tip.locator('[data-testid="sweep-replay"]').click();
    await page.waitForFunction(() => location.hash.startsWith("#locks"));
    const hash = await page.evaluate(() => location.hash);
    assert.equal(hash, `#locks?preset=gcPause&seed=${chosen}&fencing=off&ttlMs=60`);
    await tip.waitFor({ state: "hidden" });
    // The contention view opens at exactly that run.
    await page.waitForFunction(() => !document.querySelector('[data-testid="locks-view"]').hidden);
    assert.equal(await byTestId("tab-locks").getAttribute("aria-selected"), "true");
    assert.equal(await byTestId("locks-seed").inputValue(), String(chosen));
    assert.equal(await byTestId("locks-ttl").inputValue(), "60");
    assert.equal(await byTestId("fencing-off").getAttribute("aria-pressed"), "true");
    // Back to the sweep: the link restores the settings (what the address bar held).
    await page.evaluate((h) => {
      location.hash = h;
    }, SMALL_LINK);
    await page.waitForFunction((h) => location.hash === h, SMALL_LINK);
    assert.equal(await byTestId("tab-sweep").getAttribute("aria-selected"), "true");
  });

  it("exports the rows as CSV and the sweep as JSON", async () => {
    const [csvDownload] = await Promise.all([page.waitForEvent("download"), byTestId("sweep-csv").click()]);
    assert.equal(csvDownload.suggestedFilename(), "sweep-gcPause-ttlMs.csv");
    const csv = readFileSync(await csvDownload.path(), "utf8")
      .trimEnd()
      .split("\n");
    assert.equal(csv[0], "preset,parameter,value,fencing,seed,throughput,waitP99Ms,lostUpdates,rejectedWrites,completedOps,digest");
    assert.equal(csv.length, 37);
    assert.match(csv[1], /^gcPause,ttlMs,60,off,1,[\d.]+,\d+,\d+,\d+,\d+,[0-9a-f]{40}$/);

    const [jsonDownload] = await Promise.all([page.waitForEvent("download"), byTestId("sweep-json").click()]);
    const json = JSON.parse(readFileSync(await jsonDownload.path(), "utf8"));
    assert.equal(json.format, "ringlease.sweep");
    assert.equal(json.complete, true);
    assert.equal(json.runs, 36);
    assert.deepEqual(json.seeds, [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(json.fencing, ["off", "maxToken"]);
    assert.equal(json.rows.length, 36);
    assert.equal(json.aggregates.length, 6);
    assert.match(json.link, /#sweep\?preset=gcPause&parameter=ttlMs&values=60,150,400&seeds=6&fencing=off,maxToken&run=1$/);
    const expected = await page.evaluate(async (options) => {
      const { Simulation } = await import("/pkg/sim/index.js");
      return Simulation.sweep({ preset: "gcPause" }, options);
    }, SMALL);
    assert.deepEqual(json.rows, expected.rows, "the page's rows are Simulation.sweep's");
    assert.deepEqual(json.aggregates, expected.aggregates);
  });

  it("cancel stops the Worker: no progress after it, partial results kept", async () => {
    await byTestId("sweep-preset").selectOption("flashSale");
    await byTestId("sweep-values").fill("100, 200, 300, 400, 600, 800");
    await byTestId("sweep-seeds").fill("100");
    await byTestId("sweep-fencing-strict").check();
    assert.equal(await byTestId("sweep-plan").getAttribute("data-runs"), "1800");
    const before = workers.length;
    await byTestId("sweep-start").click();
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="sweep-progress"]').dataset.done) >= 10, null, {
      timeout: 30_000,
    });
    assert.match(await byTestId("sweep-progress-text").textContent(), /runs · [\d.]+ s · about [\d.]+ s left/);
    assert.equal(await byTestId("sweep-view").getAttribute("data-worker"), "running");
    await byTestId("sweep-cancel").click();
    assert.equal(await sweepState(), "cancelled");
    const stopped = (await progress()).done;
    assert.ok(stopped < 1800);
    await page.waitForTimeout(1500);
    assert.equal((await progress()).done, stopped, "no progress after cancel");
    assert.equal(await sweepState(), "cancelled");
    assert.match(
      await byTestId("sweep-status").textContent(),
      new RegExp(`^Cancelled after ${stopped.toLocaleString("en-US")} of 1,800 runs`),
    );
    assert.equal(workers.length, before + 1);
    for (let i = 0; i < 20 && !workers.at(-1).closed; i++) await page.waitForTimeout(100);
    assert.equal(workers.at(-1).closed, true, "the Worker was terminated");
    assert.equal(await byTestId("sweep-cancel").isDisabled(), true);
    assert.ok((await plotted()).length > 0, "the results so far stay plotted");
    const [download] = await Promise.all([page.waitForEvent("download"), byTestId("sweep-csv").click()]);
    assert.equal(download.suggestedFilename(), "sweep-flashSale-ttlMs-partial.csv");
    assert.equal(
      readFileSync(await download.path(), "utf8")
        .trimEnd()
        .split("\n").length,
      stopped + 1,
    );
  });

  it("a bad setting is reported in the form, and nothing starts", async () => {
    const before = workers.length;
    await byTestId("sweep-values").fill("100, 0");
    await byTestId("sweep-start").click();
    assert.equal(await byTestId("sweep-status").getAttribute("data-kind"), "error");
    assert.match(await byTestId("sweep-status").textContent(), /options\.values\[1\] must be an integer in \[1, 60000\] for ttlMs, got 0/);
    assert.equal(workers.length, before, "no Worker started");
  });

  it("runs 20 values × 20 seeds of flashSale (timing logged), then shows a pinned point", async () => {
    await byTestId("sweep-mode-range").check();
    await byTestId("sweep-from").fill("50");
    await byTestId("sweep-to").fill("1000");
    await byTestId("sweep-steps").fill("20");
    await byTestId("sweep-seeds").fill("20");
    assert.equal(await byTestId("sweep-plan").getAttribute("data-runs"), "1200");
    assert.equal(
      await page.evaluate(() => location.hash),
      "#sweep?preset=flashSale&parameter=ttlMs&from=50&to=1000&steps=20&seeds=20",
      "the address bar follows the form",
    );
    // Main-thread responsiveness while it runs: the longest gap between animation frames.
    await page.evaluate(() => {
      window.__frames = { max: 0, count: 0, last: performance.now(), on: true };
      const tick = (now) => {
        const f = window.__frames;
        f.max = Math.max(f.max, now - f.last);
        f.last = now;
        f.count += 1;
        if (f.on) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    const started = Date.now();
    await byTestId("sweep-start").click();
    await waitForState("done", 180_000);
    const wall = Date.now() - started;
    const frames = await page.evaluate(() => {
      window.__frames.on = false;
      return window.__frames;
    });
    const pageMs = Number(await byTestId("sweep-view").getAttribute("data-sweep-ms"));
    const workerMs = Number(await byTestId("sweep-view").getAttribute("data-worker-ms"));
    console.log(
      `# 20 values × 20 seeds × 3 fencing modes of flashSale = 1200 runs: ${(wall / 1000).toFixed(2)} s from the click ` +
        `(page: ${(pageMs / 1000).toFixed(2)} s; in the Worker: ${(workerMs / 1000).toFixed(2)} s, ${(workerMs / 1200).toFixed(2)} ms/run); ` +
        `main thread: ${frames.count} frames, longest gap ${Math.round(frames.max)} ms`,
    );
    const points = await plotted();
    assert.equal(points.filter((p) => p.chart === "throughput").length, 60, "20 values × 3 modes");

    await page.mouse.move(5, 5);
    await page.screenshot({ path: `${resultsDir}/page-sweep.png`, fullPage: true });
    // Pin the fencing-off point with the most lost updates.
    const lost = points.filter((p) => p.chart === "lost" && p.series === "off").sort((a, b) => b.y - a.y)[0];
    const at = await pointCentre("lost", "off", lost.value);
    await page.mouse.click(at.x, at.y);
    await byTestId("sweep-tooltip").waitFor({ state: "visible" });
    assert.equal(await byTestId("sweep-tooltip").getAttribute("data-value"), String(lost.value));
    await page.screenshot({ path: `${resultsDir}/page-sweep-tooltip.png`, fullPage: true });
  });

  it("logged no console errors or warnings, page errors, failed or foreign requests", () => {
    assert.deepEqual(served.problems, []);
    assert.deepEqual(served.warnings, []);
  });
});
