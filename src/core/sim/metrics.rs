//! Metrics: counts as the run goes, and a report with throughput, acquire-wait percentiles
//! (integer nearest-rank) and lock utilisation. Integers only.

/// What one client did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ClientCounts {
    /// Operations completed (writes the store applied and the client heard of).
    pub ops: u64,
    /// Leases the client got and used.
    pub grants: u64,
    /// Requests re-sent after a timeout, and acquires retried after a busy answer.
    pub retries: u64,
    /// Its writes the store refused.
    pub rejected_writes: u64,
    /// Times it was paused.
    pub pauses: u64,
}

/// The running counters.
#[derive(Debug, Clone)]
pub(crate) struct Metrics {
    pub(crate) events: u64,
    pub(crate) messages: u64,
    pub(crate) lost: u64,
    pub(crate) duplicated: u64,
    pub(crate) rejected_reads: u64,
    pub(crate) renewals: u64,
    pub(crate) renewals_rejected: u64,
    pub(crate) waits: Vec<u64>,
    pub(crate) clients: Vec<ClientCounts>,
}

/// A snapshot of the metrics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetricsReport {
    /// Simulated time so far (ms).
    pub elapsed_ms: u64,
    /// Queue events processed (the unit of the events-per-second benchmark).
    pub events: u64,
    /// Operations completed.
    pub completed_ops: u64,
    /// Completed operations per simulated second (rounded down).
    pub throughput_per_s: u64,
    /// Leases granted to and used by clients.
    pub grants: u64,
    /// Acquire waits (from the first attempt to holding), nearest-rank percentiles, ms.
    pub wait_p50_ms: u64,
    /// 95th percentile.
    pub wait_p95_ms: u64,
    /// 99th percentile.
    pub wait_p99_ms: u64,
    /// Longest wait.
    pub wait_max_ms: u64,
    /// Share of time a lease was held (server truth), averaged over resources, in ppm.
    pub utilisation_ppm: u64,
    /// Re-sent requests and retried acquires.
    pub retries: u64,
    /// Writes the store refused.
    pub rejected_writes: u64,
    /// Reads the store refused (a newer token had been there).
    pub rejected_reads: u64,
    /// Renewals granted.
    pub renewals: u64,
    /// Renewals refused.
    pub renewals_rejected: u64,
    /// Client pauses.
    pub pauses: u64,
    /// Messages sent.
    pub messages: u64,
    /// Messages lost.
    pub messages_lost: u64,
    /// Messages delivered twice.
    pub messages_duplicated: u64,
    /// Per client.
    pub clients: Vec<ClientCounts>,
}

impl Metrics {
    pub(crate) fn new(clients: u32) -> Self {
        Metrics {
            events: 0,
            messages: 0,
            lost: 0,
            duplicated: 0,
            rejected_reads: 0,
            renewals: 0,
            renewals_rejected: 0,
            waits: Vec::new(),
            clients: vec![ClientCounts::default(); clients as usize],
        }
    }

    pub(crate) fn client(&mut self, client: u32) -> &mut ClientCounts {
        &mut self.clients[client as usize]
    }

    /// The report at `elapsed_ms`, given the server-truth time held over `resources`.
    pub(crate) fn report(&self, elapsed_ms: u64, held_ms: u64, resources: u32) -> MetricsReport {
        let sum = |f: fn(&ClientCounts) -> u64| self.clients.iter().map(f).sum::<u64>();
        let completed_ops = sum(|c| c.ops);
        let mut waits = self.waits.clone();
        waits.sort_unstable();
        let span = elapsed_ms.max(1) * u64::from(resources.max(1));
        MetricsReport {
            elapsed_ms,
            events: self.events,
            completed_ops,
            throughput_per_s: completed_ops * 1000 / elapsed_ms.max(1),
            grants: sum(|c| c.grants),
            wait_p50_ms: nearest_rank(&waits, 50),
            wait_p95_ms: nearest_rank(&waits, 95),
            wait_p99_ms: nearest_rank(&waits, 99),
            wait_max_ms: waits.last().copied().unwrap_or(0),
            utilisation_ppm: (held_ms.min(span) * 1_000_000) / span,
            retries: sum(|c| c.retries),
            rejected_writes: sum(|c| c.rejected_writes),
            rejected_reads: self.rejected_reads,
            renewals: self.renewals,
            renewals_rejected: self.renewals_rejected,
            pauses: sum(|c| c.pauses),
            messages: self.messages,
            messages_lost: self.lost,
            messages_duplicated: self.duplicated,
            clients: self.clients.clone(),
        }
    }
}

/// The nearest-rank `p`-th percentile of `sorted` (ascending): the value at rank
/// `ceil(p × n / 100)`, 1-based; 0 for an empty list.
pub fn nearest_rank(sorted: &[u64], p: u64) -> u64 {
    let n = sorted.len() as u64;
    if n == 0 {
        return 0;
    }
    let rank = (p.min(100) * n).div_ceil(100).max(1);
    sorted[(rank - 1) as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        assert_eq!(nearest_rank(&[], 50), 0);
        assert_eq!(nearest_rank(&[7], 99), 7);
        let xs: Vec<u64> = (1..=100).collect();
        assert_eq!(nearest_rank(&xs, 50), 50);
        assert_eq!(nearest_rank(&xs, 95), 95);
        assert_eq!(nearest_rank(&xs, 99), 99);
        assert_eq!(nearest_rank(&xs, 100), 100);
        assert_eq!(nearest_rank(&xs, 0), 1);
        // Wikipedia's example: 15, 20, 35, 40, 50.
        let ys = [15, 20, 35, 40, 50];
        assert_eq!(nearest_rank(&ys, 5), 15);
        assert_eq!(nearest_rank(&ys, 30), 20);
        assert_eq!(nearest_rank(&ys, 40), 20);
        assert_eq!(nearest_rank(&ys, 50), 35);
        assert_eq!(nearest_rank(&ys, 100), 50);
    }

    #[test]
    fn report_sums_clients() {
        let mut m = Metrics::new(2);
        m.client(0).ops = 3;
        m.client(1).ops = 2;
        m.waits = vec![10, 30, 20];
        let r = m.report(1_000, 500, 1);
        assert_eq!(r.completed_ops, 5);
        assert_eq!(r.throughput_per_s, 5);
        assert_eq!((r.wait_p50_ms, r.wait_max_ms), (20, 30));
        assert_eq!(r.utilisation_ppm, 500_000);
    }
}
