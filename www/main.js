// Entry point: loads the wasm package, starts the views and routes between them by the URL hash
// (`#ring`, `#locks?preset=…&seed=…`, see contention-route.js; `#sweep?…`, see sweep-model.js).
import init, { HashRing, Simulation, checkHistory } from "../pkg/sim/index.js";
import { ContentionView } from "./contention-view.js";
import { LOCKS, RING, parseHash } from "./contention-route.js";
import { RingView } from "./ring-view.js";
import { SweepPanel } from "./sweep-panel.js";

const tabs = () => [...document.querySelectorAll('.tabs [role="tab"]')];

/** Shows the tab and panel of `view` ("ring", "locks", …; the ring if no such tab), hides the others. */
function selectTab(view) {
  if (!document.getElementById(`tab-${view}`)) view = RING;
  for (const tab of tabs()) {
    const selected = tab.id === `tab-${view}`;
    tab.setAttribute("aria-selected", String(selected));
    tab.tabIndex = selected ? 0 : -1;
    document.getElementById(tab.getAttribute("aria-controls")).hidden = !selected;
  }
}

function setupTabs(hashFor) {
  for (const tab of tabs()) {
    tab.addEventListener("click", () => {
      const view = tab.id.replace(/^tab-/, "");
      const hash = hashFor(view);
      if (hash && window.location.hash !== hash) window.location.hash = hash;
      else selectTab(view);
    });
    // Arrow keys move between tabs (WAI-ARIA tabs pattern); Home/End to the first/last.
    tab.addEventListener("keydown", (event) => {
      const all = tabs();
      const i = all.indexOf(tab);
      const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: all.length - 1 }[event.key];
      if (next === undefined) return;
      event.preventDefault();
      const target = all[(next + all.length) % all.length];
      target.focus();
      target.click();
    });
  }
}

function showFatal(message) {
  const status = document.querySelector('[data-testid="status"]');
  status.textContent = message;
  status.dataset.kind = "error";
  document.body.dataset.state = "failed";
}

async function main() {
  let contention = null;
  // A tab links its view: the lock contention tab the run last shown there.
  setupTabs((view) => (view === LOCKS ? contention?.hash || `#${LOCKS}` : `#${view}`));
  selectTab(parseHash(window.location.hash).view);
  try {
    await init();
  } catch (error) {
    showFatal(`Could not load the wasm package (${error.message}). Build it with \`npm run build\`, then reload.`);
    return;
  }
  let ring;
  try {
    ring = new RingView(document.getElementById("view-ring"), HashRing);
  } catch (error) {
    showFatal(`The ring view failed to start: ${error.message}`);
    return;
  }
  try {
    contention = new ContentionView(document.getElementById("view-locks"), Simulation, checkHistory);
  } catch (error) {
    showFatal(`The lock contention view failed to start: ${error.message}`);
    return;
  }
  let sweeps;
  try {
    // The sweep panel also reads `#sweep?…` links itself (filling its form, starting on run=1).
    sweeps = new SweepPanel(document.getElementById("view-sweep"), Simulation);
  } catch (error) {
    showFatal(`The sweeps view failed to start: ${error.message}`);
    return;
  }
  const route = () => {
    const { view, run } = parseHash(window.location.hash);
    selectTab(view);
    if (view === LOCKS) contention.show(run);
    else contention.hide();
  };
  // (A new tab: a button id="tab-<name>" with aria-controls, and its view started here.)
  window.addEventListener("hashchange", route);
  route();
  // For poking around in devtools: ringlease.view.model.ring is the live HashRing,
  // ringlease.contention.sim the running Simulation.
  window.ringlease = { view: ring, contention, sweeps, HashRing, Simulation, checkHistory };
  document.body.dataset.state = "ready";
}

main();
