// What the page tests share: the page of the site served as `npm start` serves it, open in
// headless Chromium and watched for problems, the folder for screenshots, and counting a
// canvas's pixels by colour.
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { startServer } from "../../scripts/serve.mjs";
import { launchChromium, watchPage } from "../chromium.mjs";

/** test-results/, where the page tests write screenshots (made by openServedPage). */
export const resultsDir = fileURLToPath(new URL("../../test-results/", import.meta.url));

/**
 * Serves the repository, launches Chromium and opens a page (`deviceScaleFactor` 1 unless
 * `contextOptions` says otherwise) that records console errors, page errors, failed and foreign
 * requests in `problems` and console warnings in `warnings` (see watchPage). `close()` closes
 * the browser and the server.
 * @param {{ viewport?: { width: number, height: number }, contextOptions?: object, localUrl?: RegExp }} [options]
 */
export async function openServedPage({ viewport = { width: 1360, height: 1100 }, contextOptions = {}, localUrl } = {}) {
  mkdirSync(resultsDir, { recursive: true });
  const { server, url: baseUrl } = await startServer({ port: 0 });
  let browser;
  const close = async () => {
    await browser?.close();
    await new Promise((resolve) => server.close(resolve));
  };
  try {
    browser = await launchChromium();
    const context = await browser.newContext({ viewport, deviceScaleFactor: 1, ...contextOptions });
    const page = await context.newPage();
    /** @type {string[]} */
    const problems = [];
    /** @type {string[]} */
    const warnings = [];
    watchPage(page, new URL(baseUrl).origin, { problems, warnings, localUrl });
    return { baseUrl, page, problems, warnings, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Pixels of the canvas `[data-testid=canvasId]` whose colour is within ±3 of each of `colours`
 * ([r, g, b]) and mostly opaque (anti-aliased edges of a mark still count; other colours never
 * come that close). Reads a copy, so the page's own canvas is never read back.
 * @param {any} page a Playwright page
 * @param {string} canvasId
 * @param {number[][]} colours
 * @returns {Promise<number[]>}
 */
export function canvasColourCounts(page, canvasId, colours) {
  return page.evaluate(
    ({ canvasId, colours }) => {
      const canvas = document.querySelector(`[data-testid="${canvasId}"]`);
      const { width, height } = canvas;
      const copy = Object.assign(document.createElement("canvas"), { width, height });
      const context = copy.getContext("2d", { willReadFrequently: true });
      context.drawImage(canvas, 0, 0);
      const data = context.getImageData(0, 0, width, height).data;
      const counts = colours.map(() => 0);
      for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3] < 160) continue;
        for (let c = 0; c < colours.length; c++) {
          const [r, g, b] = colours[c];
          if (Math.abs(data[i] - r) <= 3 && Math.abs(data[i + 1] - g) <= 3 && Math.abs(data[i + 2] - b) <= 3) counts[c] += 1;
        }
      }
      return counts;
    },
    { canvasId, colours },
  );
}
