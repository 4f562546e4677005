// The page's router: one tab and one view per name, chosen by the URL hash `#<name>?<query>`.
//
//   #ring (or no hash)                    the hash ring view
//   #locks?preset=gcPause&seed=7          the lock contention view at that run (locks/locks-route.js)
//   #locks?history=histories/x.json       …or at a recorded history
//   #sweep?preset=…&run=1                 the sweeps view (sweep/sweep-model.js)
//
// A view is an object with `show(params, hash)` (its decoded query, or null, and the raw hash)
// and `hide()`, and optionally `link()`, the hash its tab opens (default `#<name>`). A tab is a
// button `id="tab-<name>"` with `aria-controls` naming the view's panel.

/**
 * @typedef {Record<string, string | number | boolean | null>} Params
 * @typedef {{ show(params: Params | null, hash: string): void, hide(): void, link?(): string }} View
 */

/**
 * "true" → true, "null" → null, "42" → 42, "off" → "off".
 *
 * @param {string} text
 * @returns {string | number | boolean | null}
 */
export function decodeValue(text) {
  if (text === "true") return true;
  if (text === "false") return false;
  if (text === "null") return null;
  if (/^-?\d+$/.test(text)) return Number(text);
  return text;
}

/**
 * Parses a location hash `#<view>?<query>`: the view's name (`fallback` for no hash) and its
 * decoded query (`null` if none).
 *
 * @param {string | null | undefined} hash
 * @param {string} [fallback]
 * @returns {{ view: string, params: Params | null }}
 */
export function parseHash(hash, fallback = "ring") {
  const text = (hash ?? "").replace(/^#/, "");
  const mark = text.indexOf("?");
  const view = (mark < 0 ? text : text.slice(0, mark)) || fallback;
  /** @type {Params} */
  const decoded = {};
  for (const [key, value] of new URLSearchParams(mark < 0 ? "" : text.slice(mark + 1))) {
    if (key) decoded[key] = decodeValue(value);
  }
  return { view, params: Object.keys(decoded).length > 0 ? decoded : null };
}

export class Router {
  /** @type {Map<string, View>} */
  #views = new Map();
  #fallback;

  /** @param {string} fallback the view shown for no hash, or a hash naming no tab */
  constructor(fallback) {
    this.#fallback = fallback;
  }

  /**
   * Registers the view behind tab `tab-<name>`.
   *
   * @param {string} name
   * @param {View} view
   */
  add(name, view) {
    this.#views.set(name, view);
  }

  /** Listens to the tabs (click, arrow keys) and to `hashchange`, and routes the current hash. */
  start() {
    for (const tab of this.#tabs()) {
      tab.addEventListener("click", () => {
        const name = tab.id.replace(/^tab-/, "");
        const hash = this.#views.get(name)?.link?.() ?? `#${name}`;
        if (window.location.hash !== hash) window.location.hash = hash;
        else this.route();
      });
      // Arrow keys move between tabs (WAI-ARIA tabs pattern); Home/End to the first/last.
      tab.addEventListener("keydown", (event) => {
        const all = this.#tabs();
        const i = all.indexOf(tab);
        const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: all.length - 1 }[event.key];
        if (next === undefined) return;
        event.preventDefault();
        const target = all[(next + all.length) % all.length];
        target.focus();
        target.click();
      });
    }
    window.addEventListener("hashchange", () => this.route());
    this.route();
  }

  /** Selects the tab the hash names, hides the other views and shows that one with its query. */
  route() {
    const hash = window.location.hash;
    const { view, params } = parseHash(hash, this.#fallback);
    const name = this.#select(view);
    for (const [other, v] of this.#views) if (other !== name) v.hide();
    this.#views.get(name)?.show(name === view ? params : null, hash);
  }

  /** @returns {HTMLElement[]} */
  #tabs() {
    return [...document.querySelectorAll('.tabs [role="tab"]')].map((tab) => /** @type {HTMLElement} */ (tab));
  }

  /**
   * Shows the tab and panel of `name` (the fallback if no such tab), hides the others.
   *
   * @param {string} name
   */
  #select(name) {
    if (!document.getElementById(`tab-${name}`)) name = this.#fallback;
    for (const tab of this.#tabs()) {
      const selected = tab.id === `tab-${name}`;
      tab.setAttribute("aria-selected", String(selected));
      tab.tabIndex = selected ? 0 : -1;
      const panel = document.getElementById(tab.getAttribute("aria-controls") ?? "");
      if (panel) panel.hidden = !selected;
    }
    return name;
  }
}
