// The swimlanes' legend: every mark the canvas draws, each with a swatch drawn by the same code.
import { STYLE, drawSwatch } from "./locks-canvas.js";

const ENTRIES = [
  ["waiting", "waiting for the lock server's answer"],
  ["queued", "queued for the lock"],
  ["backoff", "backing off (lock busy), then retrying"],
  ["holding", "holding: the client believes it holds the lease and the server agrees"],
  ["danger", "believes it holds, but the server's lease has expired — the dangerous state"],
  ["unknown", "recorded history without the server's view: believes it holds; whether the server agreed is unknown"],
  ["grant", "a grant, labelled with its fencing token (where there is room)"],
  ["lease", "server truth: the server's lease for this client"],
  ["paused", "paused (stopped process, e.g. GC)"],
  ["partitioned", "partitioned from everything"],
  ["writeOk", "store write accepted"],
  ["writeRejected", "store write rejected (fenced off)"],
  ["lost", "lost update: this acknowledged write was later overwritten (its rug tick marks when)"],
  ["crash", "lease server crashed (hatched) until it restarted"],
  ["nodeDown", "a lease node went down; its locks fail over"],
  ["soldOut", "stopped: the stock ran out"],
  ["now", "now; to the right is not simulated yet"],
];

export function renderLegend(root) {
  const list = document.createElement("ul");
  for (const [kind, text] of ENTRIES) {
    const li = document.createElement("li");
    li.dataset.testid = "legend-entry";
    li.dataset.kind = kind;
    const canvas = document.createElement("canvas");
    canvas.setAttribute("aria-hidden", "true");
    drawSwatch(canvas, kind);
    const style = STYLE[kind];
    if (style && style.r !== undefined) li.dataset.color = `${style.r},${style.g},${style.b}`;
    const label = document.createElement("span");
    label.textContent = text;
    li.append(canvas, label);
    list.append(li);
  }
  const note = document.createElement("p");
  note.className = "muted small";
  note.textContent =
    "Below the lanes, the checker: one row per kind of violation found, a tick where each happened. Hover a lane for what that client was doing.";
  root.replaceChildren(list, note);
}
