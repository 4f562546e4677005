// The swimlanes' legend: every mark the canvas draws, each with a swatch in the same colours and patterns.
import { INK } from "../lib/colors.js";
import { FONT, STYLE, stripeTile } from "./locks-style.js";

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

/** Draws one legend swatch (`kind`: a STYLE name or "grant") on a small canvas. */
function drawSwatch(canvas, kind) {
  const w = 34;
  const h = 14;
  const dpr = window.devicePixelRatio || 1;
  canvas.width = w * dpr;
  canvas.height = h * dpr;
  canvas.style.width = `${w}px`;
  canvas.style.height = `${h}px`;
  const ctx = canvas.getContext("2d");
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  const bar = (style) => {
    ctx.fillStyle = style;
    ctx.fillRect(2, 3, w - 4, h - 6);
  };
  switch (kind) {
    case "danger":
      bar(ctx.createPattern(stripeTile(STYLE.danger, STYLE.dangerBg), "repeat"));
      break;
    case "unknown":
      bar(ctx.createPattern(stripeTile(STYLE.unknown, STYLE.unknownBg, 6, 2), "repeat"));
      break;
    case "lease":
      ctx.fillStyle = STYLE.lease.css;
      ctx.fillRect(2, h - 5, w - 4, 3);
      break;
    case "paused":
      ctx.fillStyle = STYLE.paused.css;
      ctx.fillRect(2, 2, w - 4, 3);
      break;
    case "partitioned":
      ctx.fillStyle = ctx.createPattern(stripeTile(STYLE.partitioned, { css: "rgb(221, 214, 254)" }, 4, 2), "repeat");
      ctx.fillRect(2, 2, w - 4, 3);
      break;
    case "writeOk":
      ctx.fillStyle = STYLE.writeOk.css;
      ctx.fillRect(w / 2 - 1, 1, 2, h - 2);
      break;
    case "writeRejected":
      ctx.fillStyle = STYLE.writeRejected.css;
      ctx.fillRect(w / 2 - 1, 1, 2, h - 2);
      ctx.strokeStyle = STYLE.writeRejected.css;
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      ctx.moveTo(w / 2 - 4, h / 2 - 4);
      ctx.lineTo(w / 2 + 4, h / 2 + 4);
      ctx.moveTo(w / 2 + 4, h / 2 - 4);
      ctx.lineTo(w / 2 - 4, h / 2 + 4);
      ctx.stroke();
      break;
    case "grant":
      bar(STYLE.holding.css);
      ctx.font = `600 10px ${FONT}`;
      ctx.textBaseline = "middle";
      ctx.lineWidth = 3;
      ctx.strokeStyle = "rgba(255, 255, 255, 0.9)";
      ctx.strokeText("#12", 4, h / 2);
      ctx.fillStyle = INK.text;
      ctx.fillText("#12", 4, h / 2);
      break;
    case "lost":
      ctx.fillStyle = STYLE.lost.css;
      ctx.beginPath();
      ctx.moveTo(w / 2 - 6, 1);
      ctx.lineTo(w / 2 + 6, 1);
      ctx.lineTo(w / 2, 11);
      ctx.closePath();
      ctx.fill();
      break;
    case "crash":
      ctx.fillStyle = ctx.createPattern(
        stripeTile({ css: "rgba(100, 116, 139, 0.30)" }, { css: "rgba(100, 116, 139, 0.10)" }, 10, 4),
        "repeat",
      );
      ctx.fillRect(2, 0, w - 4, h);
      ctx.fillStyle = STYLE.crash.css;
      ctx.fillRect(2, 0, 2, h);
      break;
    case "nodeDown":
      ctx.fillStyle = "rgba(120, 53, 15, 0.10)";
      ctx.fillRect(2, 0, w - 4, h);
      ctx.fillStyle = STYLE.nodeDown.css;
      ctx.fillRect(2, 0, 2, h);
      break;
    case "soldOut":
      ctx.fillStyle = STYLE.soldOut.css;
      ctx.fillRect(2, h / 2, w - 4, 1);
      break;
    case "now":
      ctx.fillStyle = "rgba(241, 245, 249, 0.85)";
      ctx.fillRect(w / 2, 0, w / 2, h);
      ctx.fillStyle = STYLE.now.css;
      ctx.fillRect(w / 2 - 1, 0, 2, h);
      break;
    default:
      bar(STYLE[kind].css);
  }
}
