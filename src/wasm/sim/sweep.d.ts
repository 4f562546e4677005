/** A parameter a sweep can vary (a `SimulationConfig` key). */
export type SweepParameter =
  | "ttlMs" | "pausePpm" | "pauseMaxMs" | "driftMaxPpm" | "clients" | "renewPercent";

export type FencingMode = "off" | "maxToken" | "strict";

/** What `Simulation.sweepParameters()` lists. */
export interface SweepParameterInfo {
  name: SweepParameter;
  /** A short human name, e.g. "Lease TTL". */
  label: string;
  /** The unit of the values, e.g. "ms". */
  unit: string;
  /** The smallest and largest value accepted. */
  min: number;
  max: number;
}

/**
 * Options of `Simulation.sweep` and `Simulation.sweepRuns`. Runs are enumerated value-major:
 * for each value, for each fencing mode, for each seed (each in the order given); at most
 * 10000 runs.
 */
export interface SweepOptions {
  /** The parameter to vary. `pauseMaxMs` also lowers `pauseMinMs` to the value when it is
   * above it; `renewPercent` also turns `renewal` on. */
  parameter: SweepParameter;
  /** 1..=100 distinct integers in the parameter's range. */
  values: number[];
  /** A count n (seeds 1..=n, n in 1..=1000) or 1..=1000 distinct seeds. */
  seeds: number | number[];
  /** Fencing modes, each once. Default all three: ["off", "maxToken", "strict"]. */
  fencing?: FencingMode | FencingMode[];
}

/** One run of a sweep: `new Simulation(run.config)` runs it. */
export interface SweepRun {
  index: number;
  parameter: SweepParameter;
  value: number;
  fencing: FencingMode;
  seed: number;
  config: SimulationConfig;
}

/** What one run gave. */
export interface SweepRow {
  value: number;
  fencing: FencingMode;
  seed: number;
  /** Completed operations per simulated second: completedOps × 1000 / elapsedMs. */
  throughput: number;
  /** Acquire-wait 99th percentile, ms. */
  waitP99Ms: number;
  /** Acknowledged writes that vanished: lostUpdate (+ orderLost for the orders workload). */
  lostUpdates: number;
  rejectedWrites: number;
  completedOps: number;
  /** The run's trace digest: `new Simulation(run.config).run().digest`. */
  digest: string;
}

/** The runs (seeds) of one value and fencing mode, summarised. Means are sums in row order ÷ runs. */
export interface SweepAggregate {
  value: number;
  fencing: FencingMode;
  runs: number;
  throughputMean: number;
  waitP99MeanMs: number;
  waitP99MaxMs: number;
  /** Summed over the runs. */
  lostUpdates: number;
  runsWithLostUpdates: number;
  /** Summed over the runs. */
  rejectedWrites: number;
  rejectedWritesMean: number;
  completedOpsMean: number;
}

/** What `Simulation.sweep` returns. */
export interface SweepResult {
  parameter: SweepParameter;
  values: number[];
  fencing: FencingMode[];
  seeds: number[];
  /** values × fencing × seeds. */
  runs: number;
  /** One per run, in run order. */
  rows: SweepRow[];
  /** One per (value, fencing mode), in run order. */
  aggregates: SweepAggregate[];
}
