// Pure arithmetic over the ring's points and a sample of keys. No DOM, no wasm calls.

export const KEYSPACE = 2 ** 32;

/** Number of sample keys per node index. */
export function keysPerNode(keyOwnerIndex, nodeCount) {
  const counts = new Uint32Array(nodeCount);
  for (const index of keyOwnerIndex) if (index >= 0) counts[index] += 1;
  return counts;
}

/** Min, max, mean and standard deviation of the shares, and the worst node relative to the mean. */
export function summarizeShares(shares) {
  const n = shares.length;
  if (n === 0) return { n, min: 0, max: 0, mean: 0, stddev: 0, peakToMean: 0 };
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const s of shares) {
    min = Math.min(min, s);
    max = Math.max(max, s);
    sum += s;
  }
  const mean = sum / n;
  let sq = 0;
  for (const s of shares) sq += (s - mean) ** 2;
  const stddev = Math.sqrt(sq / n);
  return { n, min, max, mean, stddev, peakToMean: max / mean };
}

/**
 * Compares two owner lists for the same sample keys. Returns how many keys moved and, for each
 * node id, how many keys it gained and lost.
 */
export function diffOwners(before, after) {
  let moved = 0;
  const gained = new Map();
  const lost = new Map();
  const length = Math.min(before.length, after.length);
  for (let i = 0; i < length; i++) {
    const from = before[i];
    const to = after[i];
    if (from === to) continue;
    moved += 1;
    if (to !== undefined) gained.set(to, (gained.get(to) ?? 0) + 1);
    if (from !== undefined) lost.set(from, (lost.get(from) ?? 0) + 1);
  }
  return { moved, total: length, fraction: length ? moved / length : 0, gained, lost };
}

export const NO_OWNER = 4294967295;

/**
 * The points that answer lookups: the points of nodes that are up, in ring order, one per
 * position (with tied points the first live one wins, as in the library's lower-bound lookup).
 * Returns { positions: Uint32Array, owners: Int32Array } with owners as indexes into `nodes`.
 */
export function livePoints(positions, owners, nodes) {
  const up = Uint8Array.from(nodes, (node) => (node.up ? 1 : 0));
  const livePositions = new Uint32Array(positions.length);
  const liveOwners = new Int32Array(positions.length);
  let n = 0;
  for (let i = 0; i < positions.length; i++) {
    if (!up[owners[i]]) continue;
    if (n > 0 && livePositions[n - 1] === positions[i]) continue;
    livePositions[n] = positions[i];
    liveOwners[n] = owners[i];
    n += 1;
  }
  return { positions: livePositions.subarray(0, n), owners: liveOwners.subarray(0, n) };
}

/** Index of the first element of the ascending `sorted` that is ≥ value (sorted.length if none). */
export function lowerBound(sorted, value) {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index into `live.positions` of the point that owns ring position `position` (-1 if none). */
export function livePointFor(live, position) {
  const n = live.positions.length;
  if (n === 0) return -1;
  const i = lowerBound(live.positions, position);
  return i === n ? 0 : i;
}

/**
 * What changed between two snapshots of a ring ({ live: livePoints(...), ids: node ids by index }):
 * the exact fraction of the 2^32 positions whose owner differs and the arcs (start..=end,
 * inclusive, no wrap) with their old and new owner ids (null: no live node). An independent
 * sweep over both rings' live points, used for changes that replace the ring (vnodes,
 * populate, scheme) and to cross-check the library's RingChange.
 */
export function ringDiff(before, after) {
  const a = before.live;
  const b = after.live;
  const ownerA = (i) => (a.positions.length ? before.ids[a.owners[i === a.positions.length ? 0 : i]] : null);
  const ownerB = (j) => (b.positions.length ? after.ids[b.owners[j === b.positions.length ? 0 : j]] : null);
  const arcs = [];
  let moved = 0;
  let i = 0;
  let j = 0;
  let start = 0;
  const push = (end) => {
    // Positions start..=end have one owner in each ring: the first live point ≥ end in each.
    const from = ownerA(i);
    const to = ownerB(j);
    if (from !== to) {
      moved += end - start + 1;
      const last = arcs[arcs.length - 1];
      if (last && last.end === start - 1 && last.from === from && last.to === to) last.end = end;
      else arcs.push({ start, end, from, to });
    }
    start = end + 1;
  };
  while (i < a.positions.length || j < b.positions.length) {
    const pa = i < a.positions.length ? a.positions[i] : Infinity;
    const pb = j < b.positions.length ? b.positions[j] : Infinity;
    const cut = Math.min(pa, pb);
    push(cut);
    if (pa === cut) i += 1;
    if (pb === cut) j += 1;
  }
  if (start <= KEYSPACE - 1) {
    // Past every point: both rings wrap to their first live point.
    i = a.positions.length;
    j = b.positions.length;
    push(KEYSPACE - 1);
  }
  return { movedFraction: moved / KEYSPACE, arcs };
}

/** FNV-1a (32-bit) over the owner ids of the sample keys, as 8 hex digits: equal mappings, equal hashes. */
export function ownersHash(keyOwners) {
  let h = 0x811c9dc5;
  for (const owner of keyOwners) {
    const text = owner ?? "\u0000none";
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    h ^= 0x1f;
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}

/** Each node's ideal share: its weight over the total weight of the live nodes (0 when down). */
export function idealShares(nodes) {
  let total = 0;
  for (const node of nodes) if (node.up) total += node.weight;
  return Float64Array.from(nodes, (node) => (node.up && total > 0 ? node.weight / total : 0));
}
