// A small TCP proxy on 127.0.0.1 between clients and one redis-server (the fault harness's, and
// the contract tests' dropped connection): it forwards bytes both ways, delays them while a
// delay is set (order kept), can drop a connection when the next reply arrives (the command ran,
// its reply is lost), and, while blocked (the server is being killed and restarted), drops every
// connection and holds new ones until unblocked, so no command reaches a restarted server before
// the harness watches it.
import net from "node:net";

/**
 * Starts a proxy to `127.0.0.1:port`; resolves with
 * `{ port, setDelay, dropNextReply, block, unblock, close }`.
 */
export async function startProxy(targetPort) {
  let delayMs = 0;
  let blocked = false;
  let dropReply = false;
  const held = [];
  const sockets = new Set();

  const pipe = (from, to, replies) => {
    let last = 0; // when the previous chunk leaves, so delayed chunks keep their order
    from.on("data", (chunk) => {
      if (replies && dropReply) {
        dropReply = false;
        from.destroy();
        to.destroy();
        return;
      }
      const now = Date.now();
      if (delayMs === 0 && last <= now) {
        to.write(chunk);
        return;
      }
      last = Math.max(now + delayMs, last);
      setTimeout(() => to.destroyed || to.write(chunk), last - now);
    });
  };

  const connect = (client) => {
    const upstream = net.connect({ port: targetPort, host: "127.0.0.1" });
    sockets.add(client).add(upstream);
    pipe(client, upstream, false);
    pipe(upstream, client, true);
    for (const s of [client, upstream]) {
      s.on("error", () => {});
      s.on("close", () => {
        client.destroy();
        upstream.destroy();
        sockets.delete(s);
      });
    }
  };

  const server = net.createServer((client) => {
    client.on("error", () => {});
    if (blocked) held.push(client);
    else connect(client);
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve(undefined));
  });
  return {
    port: /** @type {import("node:net").AddressInfo} */ (server.address()).port,
    /** Delays every chunk by `ms` from now on (0: none). */
    setDelay(ms) {
      delayMs = ms;
    },
    /** Drops the connection that receives the next reply from the server, reply unsent. */
    dropNextReply() {
      dropReply = true;
    },
    /** Drops every connection; new ones wait for `unblock()`. */
    block() {
      blocked = true;
      for (const s of sockets) s.destroy();
    },
    unblock() {
      blocked = false;
      for (const c of held.splice(0)) if (!c.destroyed) connect(c);
    },
    close() {
      blocked = true;
      for (const s of [...sockets, ...held]) s.destroy();
      return new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}
