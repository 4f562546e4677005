// The lock contention view's controls: the run's config (scenario, seed, fencing, TTL, clients,
// pause probability, renewal, FIFO) and playback (play/pause, step, speed, to end, reset), plus
// keyboard shortcuts. It shows state and reports what the user asked for; it runs nothing.
//
// callbacks: {
//   change(key, value)   a config field changed (key: a SimulationConfig key, or "preset")
//   play(), pause(), step(ms), toEnd(), reset(), speed(x), zoom(windowMs), pan(startMs)
// }

import { wholeMillis } from "../lib/format.js";

const NUMBER_FIELDS = {
  seed: { testid: "locks-seed", toConfig: (v) => v, fromConfig: (v) => v },
  ttlMs: { testid: "locks-ttl", toConfig: (v) => v, fromConfig: (v) => v },
  clients: { testid: "locks-clients", toConfig: (v) => v, fromConfig: (v) => v },
  // Shown in percent, stored in parts per million.
  pausePpm: { testid: "locks-pause", toConfig: (v) => Math.round(v * 10_000), fromConfig: (v) => v / 10_000, decimal: true },
};

export class LocksControls {
  #root;
  #ui;
  #callbacks;
  #playing = false;

  constructor(root, { presets, describe }, callbacks) {
    this.#root = root;
    this.#callbacks = callbacks;
    const q = (id) => root.querySelector(`[data-testid="${id}"]`);
    this.#ui = {
      preset: q("locks-preset"),
      description: q("locks-preset-description"),
      overrides: q("locks-overrides"),
      fencing: [...root.querySelectorAll("[data-fencing]")],
      renewal: q("locks-renewal"),
      fifo: q("locks-fifo"),
      play: q("locks-play"),
      step: q("locks-step"),
      stepSize: q("locks-step-size"),
      speed: q("locks-speed"),
      toEnd: q("locks-to-end"),
      reset: q("locks-reset"),
      now: q("locks-now"),
      duration: q("locks-duration"),
      progress: q("locks-progress"),
      zoom: q("locks-zoom"),
      pan: q("locks-pan"),
      status: q("locks-status"),
      numbers: Object.fromEntries(Object.entries(NUMBER_FIELDS).map(([key, f]) => [key, q(f.testid)])),
    };
    this.describe = describe;
    for (const name of presets) {
      const option = document.createElement("option");
      option.value = name;
      option.textContent = name;
      this.#ui.preset.append(option);
    }
    this.#bind();
  }

  #bind() {
    const ui = this.#ui;
    const cb = this.#callbacks;
    ui.preset.addEventListener("change", () => cb.change("preset", ui.preset.value));
    for (const button of ui.fencing) {
      button.addEventListener("click", () => cb.change("fencing", button.dataset.fencing));
    }
    ui.renewal.addEventListener("change", () => cb.change("renewal", ui.renewal.checked));
    ui.fifo.addEventListener("change", () => cb.change("fifo", ui.fifo.checked));
    for (const [key, input] of Object.entries(ui.numbers)) {
      const field = NUMBER_FIELDS[key];
      // "change" fires on Enter and on blur; the spinner arrows fire it too.
      input.addEventListener("change", () => {
        const text = input.value.trim();
        const number = Number(text);
        if (text === "" || !Number.isFinite(number) || (!field.decimal && !Number.isInteger(number))) {
          this.setStatus(
            `${input.labels?.[0]?.textContent ?? key} must be ${field.decimal ? "a number" : "a whole number"}, got ${JSON.stringify(text)}.`,
            "error",
          );
          return;
        }
        cb.change(key, field.toConfig(number));
      });
    }
    ui.play.addEventListener("click", () => (this.#playing ? cb.pause() : cb.play()));
    ui.step.addEventListener("click", () => cb.step(Number(ui.stepSize.value)));
    ui.speed.addEventListener("change", () => cb.speed(Number(ui.speed.value)));
    ui.toEnd.addEventListener("click", () => cb.toEnd());
    ui.reset.addEventListener("click", () => cb.reset());
    ui.zoom.addEventListener("change", () => cb.zoom(Number(ui.zoom.value)));
    ui.pan.addEventListener("input", () => cb.pan(Number(ui.pan.value)));

    // Shortcuts while this view is shown, unless typing in a field or on a control that uses
    // the key itself.
    document.addEventListener("keydown", (event) => {
      if (this.#root.hidden || event.altKey || event.ctrlKey || event.metaKey) return;
      const target = event.target;
      if (target instanceof HTMLElement && target.closest("input, select, textarea, button, [contenteditable]")) {
        if (!(event.key === "." && target.closest("button"))) return;
      }
      const actions = {
        " ": () => (this.#playing ? cb.pause() : cb.play()),
        ".": () => cb.step(Number(ui.stepSize.value)),
        End: () => cb.toEnd(),
        r: () => cb.reset(),
        R: () => cb.reset(),
      };
      const action = actions[event.key];
      if (!action) return;
      event.preventDefault();
      action();
    });
  }

  /** Shows a run's complete config (`sim.config()`) and its extra overrides. */
  setConfig(config, preset, extraKeys) {
    const ui = this.#ui;
    ui.preset.value = preset;
    ui.description.textContent = this.describe(preset);
    for (const button of ui.fencing) button.setAttribute("aria-pressed", String(button.dataset.fencing === config.fencing));
    ui.renewal.checked = config.renewal;
    ui.fifo.checked = config.fifo;
    for (const [key, input] of Object.entries(ui.numbers)) input.value = String(NUMBER_FIELDS[key].fromConfig(config[key]));
    ui.overrides.hidden = extraKeys.length === 0;
    ui.overrides.textContent = extraKeys.length
      ? `Also overridden from the link: ${extraKeys.map(([k, v]) => `${k}=${v}`).join(", ")}`
      : "";
    ui.duration.textContent = wholeMillis(config.durationMs);
    ui.progress.max = config.durationMs;
  }

  /** Playback state: playing?, done?, simulated now. */
  setPlayback({ playing, done, nowMs, durationMs }) {
    const ui = this.#ui;
    this.#playing = playing;
    ui.play.textContent = playing ? "❚❚ Pause" : "▶ Play";
    ui.play.dataset.state = playing ? "playing" : "paused";
    ui.play.setAttribute("aria-label", playing ? "Pause" : "Play");
    ui.play.disabled = done;
    ui.step.disabled = done;
    ui.toEnd.disabled = done;
    ui.now.textContent = wholeMillis(nowMs);
    ui.now.dataset.ms = String(nowMs);
    ui.progress.value = Math.min(nowMs, durationMs);
  }

  /** The time window controls: windowMs (0: whole run), start, and the run's length. */
  setWindow({ windowMs, startMs, durationMs }) {
    const ui = this.#ui;
    ui.zoom.value = String(windowMs);
    const whole = windowMs === 0 || windowMs >= durationMs;
    ui.pan.disabled = whole;
    ui.pan.max = String(whole ? 0 : durationMs - windowMs);
    ui.pan.value = String(whole ? 0 : Math.round(startMs));
  }

  /** A history (true) or a simulated run (false) is shown. */
  setHistory(on) {
    this.#root.dataset.history = String(on);
    const exportButton = this.#root.querySelector('[data-testid="history-export"]');
    if (exportButton) exportButton.disabled = on;
    if (on) this.#ui.overrides.hidden = true;
    this.#ui.description.textContent = on
      ? "A recorded history: real time replaces simulated time. Pick a scenario to simulate again."
      : this.describe(this.#ui.preset.value);
  }

  /** The length of what is shown (ms). */
  setDuration(durationMs) {
    this.#ui.duration.textContent = wholeMillis(durationMs);
    this.#ui.progress.max = durationMs;
  }

  setDisabled(disabled) {
    for (const el of this.#root.querySelectorAll(".locks-transport button, .locks-transport select")) el.disabled = disabled;
  }

  setStatus(text, kind = "info") {
    this.#ui.status.textContent = text;
    this.#ui.status.dataset.kind = kind;
  }
}
