// Types of `ringlease/hashring`: a drop-in for the npm package `hashring` 3.2.0.

/** A server: `"host:port"`, or an object with `host` and `port`. */
export type HashRingServer = string | { host: string; port: number | string; weight?: number; [key: string]: unknown };

/** The server list: one server, an array of them, or an object of servers to weights or `{ weight, vnodes }`. */
export type HashRingServers = HashRingServer | HashRingServer[] | Record<string, number | { weight?: number; vnodes?: number }>;

/** Options of `new HashRing(servers, algorithm, options)`, as hashring 3.2.0 names them. */
export interface HashRingOptions {
  /** Digests per server at equal weights. Default 40. */
  "vnode count"?: number;
  /** Points per digest, 1 to 4. Default 4. */
  replicas?: number;
  /** `"hash_ring"`: Python hash_ring's 3 points per digest. */
  compatibility?: string;
  /** Servers on this port are hashed by host alone (libmemcached, pylibmc). */
  "default port"?: number;
  /** Accepted for compatibility; there is no cache to size. */
  "max cache size"?: number;
}

/** A parsed server as `servers` lists it. */
export interface HashRingParsedServer {
  host: string;
  port: number;
  string: string;
  weight: number;
  vnodes?: number;
}

/** A point of the continuum as `ring` lists it. */
export interface HashRingPoint {
  value: number;
  server: string;
}

/**
 * A consistent-hashing ring with hashring 3.2.0's API and placement.
 *
 * ```ts
 * import HashRing from "ringlease/hashring";
 * const ring = new HashRing(["10.0.0.1:11211", "10.0.0.2:11211"]);
 * ring.get("user:42");
 * ```
 */
export default class HashRing {
  /** The hashring version this class reproduces: `"3.2.0"`. */
  static version: string;
  /** Throws a `TypeError` for a custom hash function or an algorithm other than md5/sha1. */
  constructor(servers?: HashRingServers, algorithm?: "md5" | "sha1", options?: HashRingOptions);
  /** Digests per server at equal weights (the "vnode count" option). */
  vnode: number;
  /** `"md5"` or `"sha1"`. */
  algorithm: "md5" | "sha1";
  /** The "default port" option, or `null`. */
  defaultport: number | null;
  /** Points per digest (1 to 4). */
  replicas: number;
  /** Per-server vnode counts, by server string. */
  vnodes: Record<string, number | undefined>;
  /** The parsed servers, in order. */
  servers: HashRingParsedServer[];
  /** The continuum, built on each read. */
  readonly ring: HashRingPoint[];
  /** How many points the ring holds. */
  readonly size: number;
  /** Rebuilds the ring from `servers`. */
  continuum(): this;
  /** The server of `key` (coerced to a string), or `undefined` on an empty ring. */
  get(key: unknown): string | undefined;
  /** The index in `ring` of the point owning ring position `hashValue`. */
  find(hashValue: number): number;
  /** The digest of `key`: a Buffer in Node, a Uint8Array elsewhere. */
  hash(key: string | number): Uint8Array;
  /** The digest of `key + ""`. */
  digest(key: unknown): Uint8Array;
  /** The ring position of `key`. */
  hashValue(key: unknown): number;
  /** Up to `size` servers for `key`, owner first; distinct unless `unique` is `false`. */
  range(key: unknown, size?: number, unique?: boolean): string[];
  /** Each server's point values, in ring order. */
  points(servers?: string[]): Record<string, number[]>;
  /** Renames a server, keeping its points. */
  swap(from: string, to: string): this;
  /** Adds servers (any constructor form) and rebuilds. */
  add(servers: HashRingServers): this;
  /** Removes a server and rebuilds. */
  remove(server: HashRingServer): this;
  /** Whether `server` owns at least one point. */
  has(server: string): boolean;
  /** Empties the ring. */
  reset(): this;
  /** Empties the ring and forgets every server. */
  end(): this;
}

export { HashRing };
