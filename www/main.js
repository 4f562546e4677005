// Entry point: loads the wasm package, starts the three views and routes between them by the URL
// hash (lib/router.js: `#ring`, `#locks?…` as in locks/locks-route.js, `#sweep?…` as in
// sweep/sweep-model.js).
import init, { checkHistory, HashRing, Simulation } from "../pkg/sim/index.js";
import { Router } from "./lib/router.js";
import { LocksView } from "./locks/locks-view.js";
import { RingView } from "./ring/ring-view.js";
import { SweepPanel } from "./sweep/sweep-panel.js";

/** @param {string} message */
function showFatal(message) {
  const status = /** @type {HTMLElement} */ (document.querySelector('[data-testid="status"]'));
  status.textContent = message;
  status.dataset.kind = "error";
  document.body.dataset.state = "failed";
}

/** @param {string} id */
const panel = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

/**
 * Starts one view, or shows why it could not start.
 *
 * @template T
 * @param {string} what
 * @param {() => T} start
 * @returns {T | null}
 */
function startView(what, start) {
  try {
    return start();
  } catch (error) {
    showFatal(`The ${what} failed to start: ${/** @type {Error} */ (error).message}`);
    return null;
  }
}

async function main() {
  // The tabs work (and show the linked view's panel) while the wasm loads; the views join after.
  const router = new Router("ring");
  router.start();
  try {
    await init();
  } catch (error) {
    const message = /** @type {Error} */ (error).message;
    showFatal(`Could not load the wasm package (${message}). Build it with \`npm run build\`, then reload.`);
    return;
  }
  const ring = startView("ring view", () => new RingView(panel("view-ring"), HashRing));
  if (!ring) return;
  const locks = startView("lock contention view", () => new LocksView(panel("view-locks"), Simulation, checkHistory));
  if (!locks) return;
  // The sweep panel fills its form from `#sweep?…` links and starts on run=1 (its show()).
  const sweeps = startView("sweeps view", () => new SweepPanel(panel("view-sweep"), Simulation));
  if (!sweeps) return;
  router.add("ring", ring);
  router.add("locks", locks);
  router.add("sweep", sweeps);
  router.route();
  // For poking around in devtools: ringlease.view.model.ring is the live HashRing,
  // ringlease.locks.sim the running Simulation.
  Object.assign(window, { ringlease: { view: ring, locks, sweeps, HashRing, Simulation, checkHistory } });
  document.body.dataset.state = "ready";
}

main();
