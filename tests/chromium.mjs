// Headless Chromium for the page, browser-suite and consumer tests: Debian's /usr/bin/chromium
// through playwright-core, with the flags this machine kind needs (no sandbox, no GPU, no
// background traffic).
import { chromium } from "playwright-core";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** Launches headless Chromium with those flags. */
export const launchChromium = () => chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });

/**
 * Records on `page` everything a page test fails on: console errors into `problems`, console
 * warnings into `warnings` (`problems` unless given), page errors, requests to another origin
 * than `origin` (URLs matching `localUrl` are not requests over the network), failed requests
 * and HTTP errors.
 */
export function watchPage(page, origin, { problems, warnings = problems, localUrl = /^data:/ }) {
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console.error: ${message.text()}`);
    else if (message.type() === "warning") warnings.push(`console.warning: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
  page.on("request", (request) => {
    const url = request.url();
    if (!localUrl.test(url) && new URL(url).origin !== origin) problems.push(`foreign request: ${url}`);
  });
  page.on("requestfailed", (request) => problems.push(`request failed: ${request.url()} ${request.failure()?.errorText}`));
  page.on("response", (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
}
