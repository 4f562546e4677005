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
