// The server's view, recorded: a `MONITOR` connection to each redis-server turns what the
// server executed into the history's server records (docs/histories.md), on the server's clock.
// - Lock server: each `SET` of the lock's state (chaos/lock-state.mjs reads it) is compared
//   with the previous one: a new holder is a grant (`info acquire` at its grant time
//   `g`, with `expiresAtMs` `e`), a holder gone is the lease's end as the state remembers it
//   (`le`: `info release`, or `info expire` at the instant it expired, which lazy expiry may
//   write later), a holder whose expiry moved is a renewal.
// - Store server: an applied write (the `HSET` of RedisFencedStore's write script, or a plain
//   `SET`) is `ok write` with its token and write id (carried in the value); a fenced write the
//   script refused (its `HMGET` with no `HSET`) is `fail write`. A fenced read (which may raise
//   the key's highest token) is not a write.
import net from "node:net";

import { decodeLockState } from "./lock-state.mjs";

const NO_PROCESS = 2 ** 32 - 1;

/** Parses one MONITOR line: `{ atUs, lua, args: Buffer[] }`, or null. */
export function parseMonitorLine(line) {
  const m = /^\+?(\d+)\.(\d+) \[([^\]]*)\] /.exec(line);
  if (!m) return null;
  const atUs = Number(m[1]) * 1e6 + Number(m[2]);
  const lua = m[3].endsWith(" lua") || m[3] === "lua";
  const args = [];
  let i = m[0].length;
  while (i < line.length) {
    if (line[i] === " ") {
      i++;
      continue;
    }
    if (line[i] !== '"') return null;
    i++;
    const bytes = [];
    while (i < line.length && line[i] !== '"') {
      const c = line[i];
      if (c !== "\\") {
        bytes.push(line.charCodeAt(i) & 0xff);
        i++;
        continue;
      }
      const e = line[i + 1];
      const simple = { n: 10, r: 13, t: 9, a: 7, b: 8, '"': 34, "\\": 92 }[e];
      if (simple !== undefined) {
        bytes.push(simple);
        i += 2;
      } else if (e === "x") {
        bytes.push(parseInt(line.slice(i + 2, i + 4), 16));
        i += 4;
      } else {
        bytes.push(92);
        i++;
      }
    }
    i++;
    args.push(Buffer.from(bytes));
  }
  return { atUs, lua, args };
}

/** The process a lease owner name (`c<index>`) stands for. */
const processOf = (owner) => (/^c\d+$/.test(owner ?? "") ? Number(owner.slice(1)) : NO_PROCESS);

/**
 * Turns MONITOR lines into server records (pushed to `out`).
 * @param {{ originMs: number, resource: string, lockKey?: string, storeKey?: string, fenced?: boolean, out: object[] }} o
 */
export function serverRecorder(o) {
  const ms = (serverMs) => Math.max(0, Math.floor(serverMs) - o.originMs);
  let state = null; // the lock's last state seen
  let pendingEval = null; // a fenced write sent: { json, token }
  let running = null; // that write running: { json, token, atUs }
  const rec = (type, op, fields) => o.out.push({ type, source: "server", op, resource: o.resource, ...fields });

  const storeWrite = (type, json, token, atUs) => {
    let value;
    try {
      value = JSON.parse(json);
    } catch {
      return;
    }
    if (!value || typeof value !== "object") return;
    const fields = { process: value.p ?? NO_PROCESS, timeMs: ms(atUs / 1000), token: Number(token) };
    if (type === "ok") Object.assign(fields, { writeId: value.writeId, basedOn: value.basedOn, value: value.stock });
    rec(type, "write", fields);
  };
  const flushRefused = () => {
    if (running) storeWrite("fail", running.json, running.token, running.atUs);
    running = null;
  };

  const onLockState = (next) => {
    const prev = state;
    state = next;
    const ph = prev?.h;
    const nh = next?.h;
    if (ph && (!nh || nh.t !== ph.t)) {
      const le = next?.le;
      if (le && le.t === ph.t) {
        rec("info", le.x ? "expire" : "release", { process: processOf(le.o), token: le.t, timeMs: ms(le.at) });
      }
    }
    if (nh && (!ph || nh.t !== ph.t)) {
      rec("info", "acquire", { process: processOf(nh.o), token: nh.t, timeMs: ms(nh.g), expiresAtMs: ms(nh.e) });
    } else if (nh && ph && nh.e !== ph.e) {
      rec("info", "renew", { process: processOf(nh.o), token: nh.t, timeMs: ms(nh.g), expiresAtMs: ms(nh.e) });
    }
  };

  return {
    /** Forgets the lock state (a restart): `next` is what the restarted server holds. */
    reset(next) {
      flushRefused();
      state = next ?? null;
    },
    line(text) {
      const p = parseMonitorLine(text);
      if (!p || p.args.length === 0) return;
      const cmd = p.args[0].toString("latin1").toUpperCase();
      const key = p.args[1]?.toString("utf8");
      if (running && !(p.lua && cmd === "HSET" && key === o.storeKey)) flushRefused();
      if (o.lockKey && key === o.lockKey && p.lua) {
        if (cmd === "SET") onLockState(decodeLockState(p.args[2]));
        else if (cmd === "DEL") onLockState(null);
        return;
      }
      if (!o.storeKey) return;
      if (o.fenced) {
        if (!p.lua && cmd === "EVALSHA" && p.args[3]?.toString("utf8") === o.storeKey && p.args.length === 6) {
          pendingEval = { json: p.args[4].toString("utf8"), token: p.args[5].toString("latin1") };
        } else if (p.lua && cmd === "HMGET" && key === o.storeKey && p.args[2]?.toString() === "t" && pendingEval) {
          running = { ...pendingEval, atUs: p.atUs };
          pendingEval = null;
        } else if (p.lua && cmd === "HSET" && key === o.storeKey && running) {
          storeWrite("ok", running.json, running.token, p.atUs);
          running = null;
        }
      } else if (!p.lua && cmd === "SET" && key === o.storeKey) {
        const json = p.args[2].toString("utf8");
        let token = 0;
        try {
          token = JSON.parse(json).token ?? 0;
        } catch {}
        storeWrite("ok", json, token, p.atUs);
      }
    },
    flush: flushRefused,
  };
}

/**
 * Opens a MONITOR connection to `port` and feeds each line to `recorder.line`. Resolves once
 * the server confirmed MONITOR; `close()` ends it.
 */
export function attachMonitor(port, recorder) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: "127.0.0.1" });
    let buffer = "";
    let started = false;
    socket.setEncoding("latin1");
    socket.on("connect", () => socket.write("MONITOR\r\n"));
    socket.on("data", (chunk) => {
      buffer += chunk;
      for (let nl = buffer.indexOf("\r\n"); nl >= 0; nl = buffer.indexOf("\r\n")) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 2);
        if (!started) {
          if (line !== "+OK") return reject(new Error(`MONITOR refused: ${line}`));
          started = true;
          resolve({ close: () => socket.destroy() });
          continue;
        }
        recorder.line(line);
      }
    });
    socket.on("error", (err) => (started ? undefined : reject(err)));
  });
}
