// Runs a sweep run by run: what the sweep Worker does, kept free of Worker plumbing so that
// tests/js/sweep.test.mjs can run the very same loop in Node and compare it with
// Simulation.sweep.

/**
 * Yields `{ index, row }` for each run of `runs` (from `Simulation.sweepRuns`), in order: a
 * fresh `Simulation` of the run's config, run to its end, read with `sweepRow`, freed.
 */
export function* sweepRows(Simulation, runs) {
  for (const run of runs) {
    const sim = new Simulation(run.config);
    try {
      sim.run();
      yield { index: run.index, row: sim.sweepRow(run.parameter) };
    } finally {
      sim.free();
    }
  }
}
