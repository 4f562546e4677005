// Entry point: loads the wasm package, sets up the tabs and starts the ring view.
import init, { HashRing, Simulation } from "../pkg/ringlease.js";
import { RingView } from "./ring-view.js";
import { SweepPanel } from "./sweep-panel.js";

function setupTabs() {
  const tabs = [...document.querySelectorAll('[role="tab"]')];
  for (const tab of tabs) {
    tab.addEventListener("click", () => {
      for (const other of tabs) {
        const selected = other === tab;
        other.setAttribute("aria-selected", String(selected));
        document.getElementById(other.getAttribute("aria-controls")).hidden = !selected;
      }
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
  setupTabs();
  try {
    await init();
  } catch (error) {
    showFatal(`Could not load the wasm package (${error.message}). Build it with \`npm run build\`, then reload.`);
    return;
  }
  try {
    const view = new RingView(document.getElementById("view-ring"), HashRing);
    // For poking around in devtools: ringlease.view.model.ring is the live HashRing.
    window.ringlease = { view, HashRing };
    new SweepPanel(document.getElementById("view-sweep"), Simulation);
    document.body.dataset.state = "ready";
  } catch (error) {
    showFatal(`The ring view failed to start: ${error.message}`);
  }
}

main();
