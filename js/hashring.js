// `ringlease/hashring`: a drop-in for the npm package `hashring` 3.2.0 — the same class, the
// same constructor forms, options, methods, properties and placement, on ringlease's wasm
// ketama ring (`KetamaRing`), in Node and in browsers.
//
//   - import HashRing from "hashring";
//   + import HashRing from "ringlease/hashring";
//
// Server lists and options are parsed here exactly as hashring (and connection-parse 0.0.7,
// which it uses) parse them, in the same JavaScript arithmetic, so every server gets the same
// digest count; the wasm ring then hashes, sorts and looks up. What differs from hashring:
// no custom hash functions (`algorithm` is "md5" or "sha1"); the cache of recent keys ("max
// cache size", default 5000) is emptied when full rather than evicting the least recently
// used key, and is consulted on one lookup in 32 while it rarely hits; server objects
// passed in are copied rather than modified; `hash(key)` takes strings and numbers only; and
// a ring over 2^20 points throws a RangeError (hashring would try to build it).
import { KetamaRing } from "./index.js";
import { unguardedMethod } from "./receivers.js";

/** The hashring version whose behaviour this class reproduces. */
const VERSION = "3.2.0";
/** The most points a ring may hold (the wasm ring's limit). */
const MAX_POINTS = 2 ** 20;

// --- connection-parse 0.0.7 with hashring's `vnodes` extension ------------------------------

/**
 * One parsed server, as hashring keeps it in `servers`.
 * @typedef {{ host: any, port: number, string: any, weight: number, vnodes?: number }} Server
 */

/**
 * connection-parse's `address(server, value)`, with hashring's vnodes extension.
 * @param {any} server
 * @param {any} [value]
 * @returns {Server}
 */
function address(server, value) {
  if (typeof server !== "string") {
    // connection-parse writes these onto the caller's object; the drop-in writes a copy.
    const copy = Object.assign({}, server);
    copy.string = server.host + ":" + server.port;
    copy.weight = +server.weight || typeof value === "object" ? +value.weight || 1 : 1;
    return copy;
  }
  const pattern = server.split(":");
  /** @type {Server} */
  const data = {
    host: pattern[0],
    port: +pattern[1],
    string: server,
    weight: (typeof value === "object" ? +value.weight : +value) || 1,
  };
  data.vnodes = typeof value === "object" && !Array.isArray(value) && "vnodes" in value ? +value.vnodes || 0 : 0;
  return data;
}

/**
 * connection-parse's `parse(servers)`: the servers and the `vnodes` map (string → count).
 * @param {any} args
 * @returns {{ servers: Server[], vnodes: Record<string, number | undefined> }}
 */
function parse(args) {
  let servers;
  if (Array.isArray(args)) servers = args.map((server) => address(server));
  else if (typeof args === "object") servers = Object.keys(args).map((key) => address(key, args[key]));
  else if (args) servers = [address(args)];
  else servers = [];
  /** @type {Record<string, number | undefined>} */
  const vnodes = {};
  for (const server of servers) vnodes[server.string] = server.vnodes;
  return { servers, vnodes };
}

// --- keys ----------------------------------------------------------------------------------

/**
 * A string as Node's crypto hashes it: lone surrogates become U+FFFD.
 * @param {string} text
 * @returns {string}
 */
const wellFormed =
  typeof String.prototype.toWellFormed === "function"
    ? (text) => text.toWellFormed()
    : (text) => text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");

/** The wasm key buffer's writer, address and size (`__keyWriter`), fetched on first use (after init). */
let writeKey,
  keyPtr = 0,
  keyCap = 0;
// The hidden owner lookup, called only on the ring this class made (`#ring`), so without the
// receiver check every entry puts on its classes' methods.
const ownerOf = unguardedMethod(KetamaRing, "__owner");

// --- the class -------------------------------------------------------------------------------

/**
 * A consistent-hashing ring with hashring 3.2.0's API and placement (ketama: libmemcached,
 * Python hash_ring, pylibmc).
 *
 * ```js
 * import HashRing from "ringlease/hashring";
 * const ring = new HashRing({ "10.0.0.1:11211": 1, "10.0.0.2:11211": 2 });
 * ring.get("user:42");              // "10.0.0.2:11211"
 * ring.range("user:42", 2);         // both servers, owner first
 * ```
 */
export default class HashRing {
  /** The hashring version this class reproduces ("3.2.0"). */
  static version = VERSION;

  /** @type {KetamaRing | null} */
  #ring = null;
  /** Owner number → server name (`string` of the server), for the points' owners. */
  #names = [];
  /** Server name → owner number, for names that own points. */
  #owners = new Map();
  /** Recent string keys → their servers; emptied when the ring changes or when it is full. */
  #cache = new Map();
  /** The most keys `#cache` holds: "max cache size" (default 5000; 0 turns the cache off). */
  #cacheSize = 5000;
  /**
   * Whether every lookup consults the cache. While fewer than one probe in eight hits (a
   * stream of distinct keys), only one lookup in 32 does, so the cache costs such streams
   * little; a window of 256 probes decides.
   */
  #hot = true;
  /** Lookups counted while not `#hot` (every 32nd one probes). */
  #tick = 0;
  /** Probes and hits in the current window. */
  #probes = 0;
  #hits = 0;

  /**
   * @param {string | Array<string | object> | Record<string, number | { weight?: number, vnodes?: number }>} [servers]
   *   A server, an array of servers, or an object of servers to weights or `{ weight, vnodes }`.
   * @param {"md5" | "sha1"} [algorithm] The digest (default "md5"). Custom hash functions throw.
   * @param {{ "vnode count"?: number, replicas?: number, compatibility?: string,
   *   "default port"?: number, "max cache size"?: number }} [options]
   */
  constructor(servers, algorithm, options) {
    options = options || {};
    /** Digests per server at equal weights (hashring's "vnode count", default 40). */
    this.vnode = "vnode count" in options ? options["vnode count"] : 40;
    /** The digest: "md5" or "sha1". */
    this.algorithm = algorithm || "md5";
    if (typeof this.algorithm === "function") {
      throw new TypeError('ringlease/hashring: custom hash functions are not supported; algorithm must be "md5" or "sha1"');
    }
    if (this.algorithm !== "md5" && this.algorithm !== "sha1") {
      throw new TypeError(`ringlease/hashring: algorithm must be "md5" or "sha1", got ${describe(this.algorithm)}`);
    }
    /** Servers on this port are hashed by host alone (libmemcached, pylibmc). */
    this.defaultport = options["default port"] || null;
    /** Points per digest: 4 (ketama), 3 with `compatibility: "hash_ring"`. */
    this.replicas = options.compatibility ? (options.compatibility === "hash_ring" ? 3 : 4) : "replicas" in options ? +options.replicas : 4;
    if (this.replicas <= 0) this.replicas = 1;
    if (!Number.isInteger(this.replicas) || this.replicas > 4) {
      throw new RangeError(`ringlease/hashring: replicas must be an integer in 1..=4, got ${describe(this.replicas)}`);
    }
    if ("max cache size" in options) {
      const size = +options["max cache size"];
      this.#cacheSize = size > 0 ? Math.min(size, 2 ** 24) : 0;
    }
    const connections = parse(servers);
    /** Per-server vnode counts, by server string. */
    this.vnodes = connections.vnodes;
    /** The parsed servers, in order. */
    this.servers = connections.servers;
    this.continuum();
  }

  /**
   * The continuum as hashring exposes it: every point as `{ value, server }`, sorted (built on
   * each read).
   * @returns {Array<{ value: number, server: string }>}
   */
  get ring() {
    const ring = this.#ring;
    if (ring === null) return [];
    const positions = ring.positions();
    const owners = ring.owners();
    const names = this.#names;
    const out = new Array(positions.length);
    for (let i = 0; i < positions.length; i++) out[i] = { value: positions[i], server: names[owners[i]] };
    return out;
  }

  /** How many points the ring holds. */
  get size() {
    return this.#ring === null ? 0 : this.#ring.size;
  }

  /**
   * (Re)builds the ring from `servers`, as hashring does after every change.
   * @returns {this}
   */
  continuum() {
    // Built aside and swapped in only once it succeeded: a ring that throws keeps its points.
    const servers = this.servers;
    if (!servers.length) {
      this.reset();
      return this;
    }
    const names = [];
    const byName = new Map();
    const total = servers.reduce((sum, server) => sum + server.weight, 0);
    const labels = [];
    const digests = new Uint32Array(servers.length);
    const owners = new Uint32Array(servers.length);
    let points = 0;
    for (let s = 0; s < servers.length; s++) {
      const server = servers[s];
      const percentage = server.weight / total;
      const vnodes = this.vnodes[server.string] || this.vnode;
      let length = Math.floor(percentage * vnodes * servers.length);
      if (vnodes !== this.vnode) length = vnodes;
      // hashring runs `for (i = 0; i < length; i++)`.
      const count = length > 0 ? Math.ceil(length) : 0;
      points += count * this.replicas;
      if (!(points <= MAX_POINTS)) {
        throw new RangeError(`ringlease/hashring: the ring would hold ${points} points, more than the limit of ${MAX_POINTS}`);
      }
      digests[s] = count;
      const hashed = this.defaultport && server.port === this.defaultport ? server.host + "" : server.string + "";
      labels.push(wellFormed(hashed));
      let owner = byName.get(server.string);
      if (owner === undefined) {
        owner = names.length;
        names.push(server.string);
        byName.set(server.string, owner);
      }
      owners[s] = owner;
    }
    const ring = new KetamaRing(this.algorithm, this.replicas, labels, digests, owners);
    this.reset();
    this.#ring = ring;
    this.#names = names;
    this.#owners = byName;
    return this;
  }

  /**
   * The server of `key` (any value: coerced to a string as hashring does), or `undefined` on
   * an empty ring.
   * @param {any} key
   * @returns {string | undefined}
   */
  get(key) {
    const ring = this.#ring;
    if (ring === null) return undefined;
    if (typeof key === "string") {
      const cache = this.#cache;
      let probe = false;
      if (this.#cacheSize > 0 && (this.#hot || (++this.#tick & 31) === 0)) {
        probe = true;
        if (++this.#probes === 256) {
          this.#hot = this.#hits >= 32;
          this.#probes = 0;
          this.#hits = 0;
        }
        const cached = cache.get(key);
        if (cached !== undefined) {
          this.#hits++;
          return cached;
        }
      }
      if (writeKey === undefined) [writeKey, keyPtr, keyCap] = /** @type {any} */ (KetamaRing).__keyWriter();
      const length = writeKey(key, keyPtr, keyCap);
      if (length >= 0) {
        const owner = ownerOf.call(ring, length);
        if (owner >= 0) {
          const server = this.#names[owner];
          // Emptied when full: no per-key bookkeeping.
          if (probe) {
            if (cache.size >= this.#cacheSize) cache.clear();
            cache.set(key, server);
          }
          return server;
        }
        if (owner === -1) return undefined;
      }
    }
    const owner = ring.ownerOf(keyString(key));
    return owner < 0 ? undefined : this.#names[owner];
  }

  /**
   * The index in `ring` of the point that owns ring position `hashValue`: the first point at or
   * after it, wrapping to 0.
   * @param {number} hashValue
   * @returns {number}
   */
  find(hashValue) {
    const ring = this.#ring;
    const h = +hashValue;
    if (ring === null || !(h > 0) || h > 0xffffffff) return 0;
    return ring.lookup(Math.ceil(h));
  }

  /**
   * The digest of `key` (16 bytes for md5, 20 for sha1): a Buffer in Node, else a Uint8Array.
   * @param {string | number} key
   * @returns {Uint8Array}
   */
  hash(key) {
    if (typeof key !== "string" && typeof key !== "number") {
      throw new TypeError(`ringlease/hashring: hash(key): key must be a string or a number, got ${describe(key)}`);
    }
    return toBuffer(this.#hashWith((ring) => ring.digest(wellFormed(key + ""))));
  }

  /**
   * The digest of `key + ""`, as hashring's (private) `digest` gives it.
   * @param {any} key
   * @returns {Uint8Array}
   */
  digest(key) {
    return toBuffer(this.#hashWith((ring) => ring.digest(keyString(key))));
  }

  /**
   * The ring position of `key` (the little-endian u32 of its digest's first four bytes).
   * @param {any} key
   * @returns {number}
   */
  hashValue(key) {
    return this.#hashWith((ring) => ring.positionOf(keyString(key)));
  }

  /**
   * Runs `f` with a ring that hashes with this one's algorithm (an empty one, freed at once,
   * when this ring has no points).
   * @template T
   * @param {(ring: KetamaRing) => T} f
   * @returns {T}
   */
  #hashWith(f) {
    if (this.#ring !== null) return f(this.#ring);
    const empty = new KetamaRing(this.algorithm, this.replicas, [], new Uint32Array(0), new Uint32Array(0));
    try {
      return f(empty);
    } finally {
      empty.free();
    }
  }

  /**
   * Up to `size` servers for `key` (default: the number of servers), walking the ring once from
   * the key's point: distinct servers unless `unique` is `false`.
   * @param {any} key
   * @param {number} [size]
   * @param {boolean} [unique]
   * @returns {string[]}
   */
  range(key, size, unique) {
    const ring = this.#ring;
    if (ring === null || !ring.size) return [];
    size = size || this.servers.length;
    unique = unique || typeof unique === "undefined";
    // hashring stops when the result's length `=== size`: any other size walks the whole ring.
    const n = Number.isInteger(size) && size >= 1 ? Math.min(size, ring.size) : ring.size;
    const start = this.find(this.hashValue(key));
    const owners = ring.walk(start, n, Boolean(unique));
    const names = this.#names;
    const out = new Array(owners.length);
    for (let i = 0; i < owners.length; i++) out[i] = names[owners[i]];
    return out;
  }

  /**
   * Each server's point values in ring order (`servers`: the names to list, default all).
   * @param {string[]} [servers]
   * @returns {Record<string, number[]>}
   */
  points(servers) {
    servers = Array.isArray(servers) ? servers : Object.keys(this.vnodes);
    /** @type {Record<string, number[]>} */
    const nodes = Object.create(null);
    for (const server of servers) nodes[server] = [];
    const ring = this.#ring;
    if (ring === null) return nodes;
    const positions = ring.positions();
    const owners = ring.owners();
    const lists = this.#names.map((name) => (name in nodes ? nodes[name] : null));
    for (let i = 0; i < positions.length; i++) lists[owners[i]]?.push(positions[i]);
    return nodes;
  }

  /**
   * Renames server `from` to `to`, keeping its points (no key moves).
   * @param {string} from
   * @param {string} to
   * @returns {this}
   */
  swap(from, to) {
    const connection = parse(to).servers.pop();
    const owner = this.#owners.get(from);
    this.#forget();
    if (owner !== undefined && this.#ring !== null && from !== to) {
      const existing = this.#owners.get(to);
      this.#owners.delete(from);
      if (existing === undefined) {
        this.#names[owner] = to;
        this.#owners.set(to, owner);
      } else {
        this.#ring.renameOwner(owner, existing);
      }
    }
    this.vnodes[to] = this.vnodes[from];
    delete this.vnodes[from];
    this.servers = this.servers.map((server) => {
      if (server.string === from) {
        server.string = to;
        server.host = connection.host;
        server.port = connection.port;
      }
      return server;
    });
    return this;
  }

  /**
   * Adds servers (any constructor form; servers already present are skipped) and rebuilds.
   * @param {any} servers
   * @returns {this}
   */
  add(servers) {
    let connections = Object.create(null);
    for (const server of this.servers) connections[server.string] = server;
    for (const server of parse(servers).servers) {
      if (server.string in connections) continue;
      connections[server.string] = server;
    }
    connections = parse(connections);
    return this.#rebuild(connections.vnodes, connections.servers);
  }

  /**
   * Removes a server and rebuilds.
   * @param {any} server
   * @returns {this}
   */
  remove(server) {
    const connection = parse(server).servers.pop();
    const vnodes = Object.assign({}, this.vnodes);
    delete vnodes[connection.string];
    return this.#rebuild(
      vnodes,
      this.servers.filter((s) => s.string !== connection.string),
    );
  }

  /**
   * Replaces the servers and rebuilds; if the new ring cannot be built (too many points), the
   * old servers and ring stay and the error is thrown.
   * @param {Record<string, number | undefined>} vnodes
   * @param {Server[]} servers
   * @returns {this}
   */
  #rebuild(vnodes, servers) {
    const [vnodesBefore, serversBefore] = [this.vnodes, this.servers];
    this.vnodes = vnodes;
    this.servers = servers;
    try {
      return this.continuum();
    } catch (error) {
      [this.vnodes, this.servers] = [vnodesBefore, serversBefore];
      throw error;
    }
  }

  /**
   * Whether `server` owns at least one point.
   * @param {string} server
   * @returns {boolean}
   */
  has(server) {
    const owner = this.#owners.get(server);
    // biome-ignore lint/complexity/useOptionalChain: owner 0 is a real owner, and the result must be a boolean.
    return owner !== undefined && this.#ring !== null && this.#ring.hasOwner(owner);
  }

  /**
   * Empties the ring (the servers stay; `continuum()` rebuilds it).
   * @returns {this}
   */
  reset() {
    // The wasm memory of the old ring is released now, not when it is garbage collected.
    this.#ring?.free();
    this.#ring = null;
    this.#names = [];
    this.#owners = new Map();
    this.#forget();
    return this;
  }

  /** Empties the cache of recent keys. */
  #forget() {
    this.#cache.clear();
  }

  /**
   * Empties the ring and forgets every server.
   * @returns {this}
   */
  end() {
    this.reset();
    this.vnodes = {};
    this.servers.length = 0;
    return this;
  }
}

// hashring's deprecated aliases, with its one-time warnings.
for (const [from, to] of [
  ["replaceServer"],
  ["replace"],
  ["removeServer", "remove"],
  ["addServer", "add"],
  ["getNode", "get"],
  ["getNodePosition", "find"],
  ["position", "find"],
]) {
  let notified = false;
  Object.defineProperty(HashRing.prototype, from, {
    value: function deprecated(...args) {
      if (!notified) {
        console.warn(`[depricated] HashRing#${from} is removed.`);
        console.warn(to ? `[depricated] use HashRing#${to} as replacement.` : "[depricated] the API has no replacement");
        notified = true;
      }
      if (to) return HashRing.prototype[to].apply(this, args);
    },
    writable: true,
    configurable: true,
  });
}

/**
 * A key as hashring hashes it: `key + ""`, lone surrogates as U+FFFD.
 * @param {any} key
 * @returns {string}
 */
function keyString(key) {
  return wellFormed(key + "");
}

/**
 * A digest as Node's crypto returns it (a Buffer) where Buffer exists.
 * @param {Uint8Array} bytes
 * @returns {Uint8Array}
 */
function toBuffer(bytes) {
  const B = globalThis.Buffer;
  return typeof B === "function" ? B.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : bytes;
}

/** @param {any} value */
function describe(value) {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "function") return "a function";
  return String(value);
}

export { HashRing };
