// The run's clock: whole ms since an origin the runner picks (its wall clock at start, minus a
// second), shared by every process. Clients read it as their start instant on the wall clock
// plus the monotonic time since (`performance.timeOrigin + performance.now()`), so it never goes
// backwards within a process; the servers' times (Redis `TIME`, the same host's wall clock) are
// mapped onto it by subtracting the same origin.

/** Ms since `originMs` (an epoch ms), monotonic within this process. */
export function clockFrom(originMs) {
  return () => Math.floor(performance.timeOrigin + performance.now() - originMs);
}
