// The harness's only source of chance: a seeded xorshift32, so a run's decisions (which fault,
// when, for how long; each client's think and work times) replay from its seed.

/** A seeded generator: `next()` in [0, 1), `between(lo, hi)` in [lo, hi), `pick(list)`. */
export function rng(seed) {
  // splitmix-style scramble of the seed, so seeds 1, 2, 3 start far apart; never 0.
  let x = (Number(seed) >>> 0) ^ 0x9e3779b9;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b) >>> 0;
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35) >>> 0;
  x = (x ^ (x >>> 16)) >>> 0 || 1;
  const next = () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
  return {
    next,
    between: (lo, hi) => lo + (hi - lo) * next(),
    int: (lo, hi) => Math.floor(lo + (hi - lo + 1) * next()),
    pick: (list) => list[Math.floor(next() * list.length)],
  };
}
