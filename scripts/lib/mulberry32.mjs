// mulberry32, the small seeded 32-bit PRNG of the benchmarks and the JS suites
// (examples/lease_bench.rs implements the same one). No imports, so it also runs in a browser.

/** A generator of the seeded sequence's 32-bit unsigned integers. */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}
