// The one DOM element builder of the page.

/**
 * An element with properties, `dataset` entries, an optional ARIA `role`, and children.
 *
 *   el("button", { type: "button", textContent: "Run", dataset: { testid: "run" } });
 *   el("p", { className: "muted" }, ["text ", el("b", {}, ["bold"])]);
 *
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, any> & { dataset?: Record<string, string>, role?: string }} [props]
 * @param {(Node | string)[]} [children]
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, { dataset = {}, role, ...props } = {}, children = []) {
  const node = Object.assign(document.createElement(tag), props);
  for (const [key, value] of Object.entries(dataset)) node.dataset[key] = value;
  if (role) node.setAttribute("role", role);
  node.append(...children);
  return node;
}
