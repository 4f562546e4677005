// Pure arithmetic over the ring's points and a sample of keys. No DOM, no wasm calls.

export const KEYSPACE = 2 ** 32;

/**
 * Fraction of the keyspace each node owns. Point i owns the arc from the previous point's
 * position (exclusive) to its own (inclusive); the first point also owns the wrap-around arc
 * after the last point.
 */
export function arcShares(positions, owners, nodeCount) {
  const shares = new Float64Array(nodeCount);
  const n = positions.length;
  if (n === 0) return shares;
  shares[owners[0]] += positions[0] + (KEYSPACE - positions[n - 1]);
  for (let i = 1; i < n; i++) shares[owners[i]] += positions[i] - positions[i - 1];
  for (let i = 0; i < nodeCount; i++) shares[i] /= KEYSPACE;
  return shares;
}

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
