// Real-browser test of the lock contention view (www/locks/) against the release wasm
// build (pkg/), served by the same code as `npm start`. Needs `npm run build` first and Chromium
// at /usr/bin/chromium.
//
//   node --test tests/page/
//
// Every number the page shows is checked against the same run computed here in Node from pkg/
// (`new Simulation(config).run()`): the engine is deterministic, so page and Node must agree
// exactly, digest included. Fails on any console error or warning, uncaught page error, failed
// request or request to another origin. Writes test-results/page-locks.png (gcPause with
// fencing off, run to the end) and test-results/page-locks-flashsale.png (50 clients).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { initSync, Simulation } from "../../pkg/sim/index.js";
import { canvasColourCounts, openServedPage, resultsDir } from "./served-page.mjs";

initSync({ module: readFileSync(new URL("../../pkg/sim/ringlease_sim_bg.wasm", import.meta.url)) });

/** The canvas colours (www/locks/locks-style.js STYLE), as the legend publishes them. */
const COLOURS = ["danger", "holding", "queued", "writeOk", "writeRejected", "lost", "paused", "lease"];

/** The report of a run computed in Node. */
function expected(config) {
  const sim = new Simulation(config);
  try {
    return sim.run();
  } finally {
    sim.free();
  }
}

/** The digest after stepping to `untilMs` (stepping in any increments gives the same run). */
function digestAt(config, untilMs) {
  const sim = new Simulation(config);
  try {
    sim.step(untilMs);
    return sim.digest();
  } finally {
    sim.free();
  }
}

/** The first seed from 7 at which gcPause without fencing loses updates. */
function lossySeed() {
  for (let seed = 7; seed < 107; seed++) {
    if (expected({ preset: "gcPause", seed, fencing: "off" }).counts.lostUpdate > 0) return seed;
  }
  throw new Error("gcPause with fencing off lost no update in 100 seeds");
}

/** The served page (served-page.mjs), open from the first test to the last. */
let served;
let page;

const byTestId = (id) => page.locator(`[data-testid="${id}"]`);
const view = () => byTestId("locks-view");

async function nowMs() {
  return Number(await byTestId("locks-now").getAttribute("data-ms"));
}

async function numberOf(id) {
  return Number((await byTestId(id).textContent()).replace(/[^\d.]/g, ""));
}

async function waitForState(state, timeout = 20_000) {
  await page.waitForFunction((s) => document.querySelector('[data-testid="locks-view"]').dataset.state === s, state, { timeout });
}

/** Waits until the view has loaded the run whose canonical hash is `hash`. */
async function waitForRun(hash) {
  await page.waitForFunction(
    (h) => {
      const el = document.querySelector('[data-testid="locks-view"]');
      return el.dataset.run === h && el.dataset.state === "paused" && el.dataset.nowMs === "0";
    },
    hash,
    { timeout: 15_000 },
  );
}

async function runToEnd() {
  const started = Date.now();
  await byTestId("locks-to-end").click();
  await waitForState("done");
  return Date.now() - started;
}

/**
 * Canvas pixels within ±3 of each named colour (the exact colours the view draws, as its legend
 * publishes them), mostly opaque, by name.
 */
async function canvasColours(names) {
  const colours = await page.evaluate(
    (names) =>
      names.map((name) => {
        const entry = document.querySelector(`[data-testid="legend-entry"][data-kind="${name}"]`);
        return entry.dataset.color.split(",").map(Number);
      }),
    names,
  );
  const counts = await canvasColourCounts(page, "locks-canvas", colours);
  return Object.fromEntries(names.map((name, i) => [name, counts[i]]));
}

/**
 * Clicks Play and records the intervals (ms) between `count` animation frames, then pauses
 * (unless a slow machine played the run to its end); the intervals without the first `skip`.
 * @returns {Promise<number[]>}
 */
function playFrameIntervals(count, skip) {
  return page.evaluate(
    async ({ count, skip }) => {
      const intervals = [];
      document.querySelector('[data-testid="locks-play"]').click();
      let last = performance.now();
      await new Promise((resolve) => {
        const tick = (ts) => {
          intervals.push(ts - last);
          last = ts;
          if (intervals.length < count) requestAnimationFrame(tick);
          else resolve();
        };
        requestAnimationFrame(tick);
      });
      const play = document.querySelector('[data-testid="locks-play"]');
      if (!play.disabled) play.click();
      return intervals.slice(skip);
    },
    { count, skip },
  );
}

/** The page's figures against a Node report. */
async function assertMatchesNode(report, label) {
  assert.equal(await numberOf("metric-lost-updates"), report.counts.lostUpdate, `${label}: lost updates shown`);
  assert.equal(await numberOf("metric-rejected-writes"), report.metrics.rejectedWrites, `${label}: rejected writes shown`);
  assert.equal(await numberOf("metric-completed"), report.metrics.completedOps, `${label}: completed operations shown`);
  assert.equal(await numberOf("metric-retries"), report.metrics.retries, `${label}: retries shown`);
  assert.equal(await numberOf("metric-wait-p99"), report.metrics.waitP99Ms, `${label}: wait p99 shown`);
  assert.equal((await byTestId("locks-digest").textContent()).trim(), report.digest, `${label}: digest shown`);
  for (const [kind, count] of Object.entries(report.counts)) {
    assert.equal(await numberOf(`violations-${kind}`), count, `${label}: ${kind} count`);
  }
}

describe("the lock contention view", { timeout: 120_000 }, () => {
  let seed;
  let lossy;
  let fenced;

  before(async () => {
    seed = lossySeed();
    lossy = expected({ preset: "gcPause", seed, fencing: "off" });
    fenced = expected({ preset: "gcPause", seed, fencing: "maxToken" });
    console.log(
      `# gcPause seed ${seed}: fencing off ${lossy.counts.lostUpdate} lost updates; maxToken ${fenced.metrics.rejectedWrites} rejected writes`,
    );
    served = await openServedPage();
    page = served.page;
  });

  after(() => served?.close());

  it("opens a linked run: #locks?preset=gcPause&seed=…&fencing=off selects the tab and loads that run", async () => {
    assert.ok(lossy.counts.lostUpdate > 0, "the seed loses updates without fencing");
    const hash = `#locks?preset=gcPause&seed=${seed}&fencing=off`;
    const started = Date.now();
    await page.goto(`${served.baseUrl}${hash}`);
    await page.waitForFunction(() => document.body.dataset.state !== "loading", null, { timeout: 15_000 });
    assert.equal(await page.evaluate(() => document.body.dataset.state), "ready");
    await waitForRun(hash);
    console.log(`# locks view ready in ${Date.now() - started} ms`);
    assert.equal(await page.evaluate(() => window.location.hash), hash, "the link is kept as it is (already canonical)");
    assert.equal(await byTestId("tab-locks").getAttribute("aria-selected"), "true");
    assert.equal(await byTestId("tab-ring").getAttribute("aria-selected"), "false");
    assert.equal(await view().isVisible(), true);
    assert.equal(await byTestId("ring-view").isVisible(), false);
    assert.equal(await byTestId("locks-preset").inputValue(), "gcPause");
    assert.equal(await byTestId("locks-seed").inputValue(), String(seed));
    assert.equal(await byTestId("fencing-off").getAttribute("aria-pressed"), "true");
    assert.equal(await byTestId("fencing-maxToken").getAttribute("aria-pressed"), "false");
    assert.equal(await byTestId("locks-ttl").inputValue(), "100");
    assert.match(await byTestId("locks-preset-description").textContent(), /pauses?|stops/);
    assert.equal(await byTestId("locks-canvas").getAttribute("data-lanes"), "5", "one lane per client");
    assert.equal(await nowMs(), 0);
    assert.equal(await byTestId("locks-verdict").getAttribute("data-verdict"), "running");
    // Every legend entry has a swatch.
    assert.ok((await byTestId("legend-entry").count()) >= 14, "the legend explains every mark");
  });

  it("plays, pauses and steps: simulated time advances only while playing, and by the step", async () => {
    const config = { preset: "gcPause", seed, fencing: "off" };
    await byTestId("locks-speed").selectOption("2");
    await byTestId("locks-play").click();
    await waitForState("playing");
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="locks-now"]').dataset.ms) >= 200, null, {
      timeout: 10_000,
    });
    await byTestId("locks-play").click(); // pause
    await waitForState("paused");
    const paused = await nowMs();
    assert.ok(paused >= 200, `played to ${paused} ms`);
    await page.waitForTimeout(300);
    assert.equal(await nowMs(), paused, "paused: time stands still");
    assert.equal(await byTestId("locks-play").textContent(), "▶ Play");

    await byTestId("locks-step-size").selectOption("50");
    await byTestId("locks-step").click();
    assert.equal(await nowMs(), paused + 50, "Step advances by the step size");
    // The keyboard: "." steps, Space plays and pauses (focus outside the form controls).
    await page.locator("#violations-title").click();
    await page.keyboard.press(".");
    assert.equal(await nowMs(), paused + 100, "'.' steps too");
    // The trace so far is the one Node computes for the same time, whatever the increments were.
    assert.equal((await byTestId("locks-digest").textContent()).trim(), digestAt(config, paused + 100), "digest so far matches Node");
    await page.keyboard.press(" ");
    await waitForState("playing");
    await page.keyboard.press(" ");
    await waitForState("paused");
    assert.ok((await nowMs()) >= paused + 100);
  });

  it("runs gcPause without fencing to the end: lanes drawn, lost updates and digest as computed in Node", async () => {
    const ms = await runToEnd();
    console.log(`# gcPause run to the end in ${ms} ms`);
    assert.equal(await nowMs(), 10_000);
    assert.equal(await byTestId("locks-play").isDisabled(), true, "nothing left to play");
    await assertMatchesNode(lossy, "gcPause, fencing off");
    assert.ok((await numberOf("metric-lost-updates")) > 0);
    assert.equal(await byTestId("locks-verdict").getAttribute("data-verdict"), "unsafe");
    assert.match(await byTestId("verdict-text").textContent(), /lost updates/);

    const px = await canvasColours(COLOURS);
    console.log(`# canvas pixels (gcPause, off): ${JSON.stringify(px)}`);
    assert.ok(px.danger > 300, `the believes-but-expired hatch is drawn (${px.danger} px)`);
    assert.ok(px.holding > 300, `holds are drawn (${px.holding} px)`);
    assert.ok(px.queued > 3000, `queueing is drawn (${px.queued} px)`);
    assert.ok(px.writeOk > 300, `accepted writes are drawn (${px.writeOk} px)`);
    assert.ok(px.lost > 20, `lost updates are marked (${px.lost} px)`);
    assert.ok(px.paused > 100, `pauses are drawn (${px.paused} px)`);
    assert.ok(px.lease > 100, `the server's leases are drawn (${px.lease} px)`);
    assert.equal(px.writeRejected, 0, "no write is rejected without fencing");
    await page.screenshot({ path: `${resultsDir}/page-locks.png`, fullPage: true });

    // A violation in the list jumps to its moment.
    const item = page.locator('[data-testid="violation-item"][data-kind="lostUpdate"]').first();
    await item.click();
    assert.equal(await byTestId("locks-zoom").inputValue(), "1000", "zoomed to a 1 s window");
    const first = (await page.evaluate(() => window.ringlease.locks.sim.violations())).find((v) => v.kind === "lostUpdate");
    const [t0, t1] = (await byTestId("locks-canvas").getAttribute("data-window")).split("-").map(Number);
    assert.ok(t0 <= first.atMs && first.atMs <= t1, `the window ${t0}–${t1} shows the violation at ${first.atMs}`);
    assert.match(await byTestId("locks-hover").textContent(), new RegExp(`lostUpdate at ${first.atMs.toLocaleString("en-US")} ms`));
    await byTestId("locks-zoom").selectOption("0");
  });

  it("switching fencing to maxToken in the UI loads that run: 0 lost updates, stale writes rejected", async () => {
    await byTestId("fencing-maxToken").click();
    const hash = `#locks?preset=gcPause&seed=${seed}&fencing=maxToken`;
    await waitForRun(hash);
    assert.equal(await page.evaluate(() => window.location.hash), hash, "the link follows the controls");
    assert.equal(await byTestId("fencing-maxToken").getAttribute("aria-pressed"), "true");
    await runToEnd();
    await assertMatchesNode(fenced, "gcPause, maxToken");
    assert.equal(await numberOf("metric-lost-updates"), 0);
    assert.ok((await numberOf("metric-rejected-writes")) > 0, "the store rejected the late writes");
    assert.equal(await byTestId("locks-verdict").getAttribute("data-verdict"), "safe");
    assert.match(await byTestId("verdict-text").textContent(), /0 lost updates|lost updates: every/);
    const px = await canvasColours(["danger", "writeRejected", "lost"]);
    assert.ok(px.danger > 300, `still paused past the lease: the hatch is drawn (${px.danger} px)`);
    assert.ok(px.writeRejected > 20, `rejected writes are marked (${px.writeRejected} px)`);
    assert.equal(px.lost, 0, "no lost-update marks");
  });

  it("takes config overrides from the link and from the controls, and shows a bad link's error", async () => {
    const config = { preset: "gcPause", seed, fencing: "off", ttlMs: 500 };
    const hash = `#locks?preset=gcPause&seed=${seed}&fencing=off&ttlMs=500`;
    await page.evaluate((h) => {
      window.location.hash = h;
    }, hash);
    await waitForRun(hash);
    assert.equal(await byTestId("locks-ttl").inputValue(), "500");
    await runToEnd();
    assert.equal((await byTestId("locks-digest").textContent()).trim(), expected(config).digest, "the override was applied");

    // Typing a TTL links it.
    await byTestId("locks-ttl").fill("250");
    await byTestId("locks-ttl").press("Enter");
    await waitForRun(`#locks?preset=gcPause&seed=${seed}&fencing=off&ttlMs=250`);
    // Back to the preset's own TTL: the override disappears from the link.
    await byTestId("locks-ttl").fill("100");
    await byTestId("locks-ttl").press("Enter");
    await waitForRun(`#locks?preset=gcPause&seed=${seed}&fencing=off`);
    // An out-of-range value is refused in place; the run and the link stay.
    await byTestId("locks-ttl").fill("0");
    await byTestId("locks-ttl").press("Enter");
    assert.equal(await byTestId("locks-status").getAttribute("data-kind"), "error");
    assert.match(await byTestId("locks-status").textContent(), /ttlMs/);
    assert.equal(await page.evaluate(() => window.location.hash), `#locks?preset=gcPause&seed=${seed}&fencing=off`);
    assert.equal(await byTestId("locks-ttl").inputValue(), "100", "the field shows the run's TTL again");

    // A link with a bad value shows the engine's message.
    await page.evaluate(() => {
      window.location.hash = "#locks?preset=gcPause&seed=1&nope=3";
    });
    await waitForState("error");
    assert.match(await byTestId("locks-status").textContent(), /nope/);
  });

  it("openRun({ preset, seed }) opens flashSale: 50 lanes animate smoothly and stay legible", async () => {
    await page.evaluate(async () => {
      const { openRun } = await import("./locks/locks-route.js");
      openRun({ preset: "flashSale", seed: 3 });
    });
    const hash = "#locks?preset=flashSale&seed=3&fencing=maxToken";
    await waitForRun(hash);
    assert.equal(await page.evaluate(() => window.location.hash), hash, "openRun's hash, made canonical");
    assert.equal(await byTestId("locks-canvas").getAttribute("data-lanes"), "50");
    const report = expected({ preset: "flashSale", seed: 3 });

    // Play at 4× for a while and measure the frame intervals.
    await byTestId("locks-speed").selectOption("4");
    const frames = (await playFrameIntervals(90, 5)).sort((a, b) => a - b);
    await page.waitForFunction(() => ["paused", "done"].includes(document.querySelector('[data-testid="locks-view"]').dataset.state));
    const median = frames[Math.floor(frames.length / 2)];
    const p90 = frames[Math.floor(frames.length * 0.9)];
    console.log(`# flashSale at 4×: frame interval median ${median.toFixed(1)} ms, p90 ${p90.toFixed(1)} ms; reached ${await nowMs()} ms`);
    assert.ok(median < 50, `animates smoothly: median frame interval ${median.toFixed(1)} ms`);
    assert.ok((await nowMs()) > 1000, "time advanced while playing");

    if ((await view().getAttribute("data-state")) !== "done") await runToEnd();
    await assertMatchesNode(report, "flashSale");
    assert.equal(await byTestId("locks-verdict").getAttribute("data-verdict"), "safe");
    const px = await canvasColours(["queued", "holding", "writeOk"]);
    assert.ok(px.queued > 10_000 && px.holding > 50 && px.writeOk > 200, `50 lanes drawn: ${JSON.stringify(px)}`);
    const box = await byTestId("locks-canvas").boundingBox();
    assert.ok(box.height / 50 >= 10, `lanes at least 10 px tall (${(box.height / 50).toFixed(1)} px)`);
    await page.screenshot({ path: `${resultsDir}/page-locks-flashsale.png`, fullPage: true });
  });

  it("#ring shows the ring view again; the tab brings the run back", async () => {
    await page.evaluate(() => {
      window.location.hash = "#ring";
    });
    await page.waitForFunction(() => document.querySelector('[data-testid="ring-view"]').hidden === false);
    assert.equal(await view().isVisible(), false);
    assert.equal(await byTestId("tab-ring").getAttribute("aria-selected"), "true");
    await byTestId("tab-locks").click();
    await page.waitForFunction(() => document.querySelector('[data-testid="locks-view"]').hidden === false);
    assert.equal(await page.evaluate(() => window.location.hash), "#locks?preset=flashSale&seed=3&fencing=maxToken");
    assert.equal(await view().getAttribute("data-state"), "done", "the run was kept");
    // Arrow keys move between tabs.
    await byTestId("tab-locks").focus();
    await page.keyboard.press("ArrowLeft");
    await page.waitForFunction(() => window.location.hash === "#ring");
    assert.equal(await byTestId("ring-view").isVisible(), true);
  });

  it("a zero-think link (#locks?preset=orderQueue&thinkMinMs=0&thinkMaxMs=0) plays without freezing the tab, and runs to its end", async () => {
    // Before: the first step of Play never returned, and the tab froze.
    await page.evaluate(() => {
      window.location.hash = "#locks?preset=orderQueue&thinkMinMs=0&thinkMaxMs=0";
    });
    await page.waitForFunction(
      () => {
        const el = document.querySelector('[data-testid="locks-view"]');
        return /thinkMinMs=0/.test(el.dataset.run ?? "") && el.dataset.state === "paused";
      },
      null,
      { timeout: 15_000 },
    );
    const frames = await playFrameIntervals(30, 2);
    const worst = Math.max(...frames);
    console.log(`# zero-think orderQueue: worst frame interval ${worst.toFixed(1)} ms`);
    assert.ok(worst < 2_000, `every frame came back: worst ${worst.toFixed(1)} ms`);
    await page.waitForFunction(() => ["paused", "done"].includes(document.querySelector('[data-testid="locks-view"]').dataset.state));
    if ((await view().getAttribute("data-state")) !== "done") await runToEnd();
    const node = expected({ preset: "orderQueue", thinkMinMs: 0, thinkMaxMs: 0 });
    assert.equal(node.stoppedAtCap, true);
    assert.equal((await byTestId("locks-digest").textContent()).trim(), node.digest, "the page stopped where Node did");
  });

  it("logged no console errors or warnings, page errors, failed or foreign requests", () => {
    assert.deepEqual(served.problems, []);
    assert.deepEqual(served.warnings, []);
  });
});
