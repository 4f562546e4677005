/** What guards a key of a strict FencedStore: a lock's resource name, or an election. */
export type FenceGuard = string | { election: string };

/** Options of `new FencedStore(options)`. */
export interface FencedStoreOptions {
  /** Also check each write's token with this LeaseTable: a write is accepted only while its
   * token is the live lease of the resource guarding the key (by default the lock named like
   * the key). */
  strict?: LeaseTable;
  /** Strict only: keys guarded by something else than the lock named like them. */
  guards?: Record<string, FenceGuard>;
}

export type WriteResult =
  | { accepted: true; version: number }
  | { accepted: false; reason: "staleToken"; highest: number }
  | { accepted: false; reason: "notLive" };

/** A key of a FencedStore: its value (a fresh copy), highest accepted token and version. */
export interface StoredEntry {
  value: unknown;
  token: number;
  version: number;
}

export interface CompareAndSetResult {
  accepted: boolean;
  /** The new version if accepted, else the current one (0: the key does not exist). */
  version: number;
}
