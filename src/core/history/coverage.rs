//! Coverage: how often the dangerous interleavings happened, so that "0 violations" means
//! something (docs/histories.md).

/// How often the dangerous interleavings happened. `None`: the history cannot tell (it has no
/// server records).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Coverage {
    /// Writes that reached the store after their lease had ended (applied or refused).
    pub late_writes: Option<u64>,
    /// Of those, the writes the store applied: a holder whose lease had expired wrote anyway.
    /// Max-token fencing lets some through by design (no newer token had reached the store yet);
    /// with strict fencing claimed each is also a `staleWrite`.
    pub expired_writes_applied: Option<u64>,
    /// Pauses longer than the TTL the process last asked for.
    pub long_pauses: u64,
    /// Server grants while another process still believed it held the resource.
    pub grants_while_believed: Option<u64>,
    /// Leases that expired on the server while their holder was paused.
    pub expiries_while_paused: Option<u64>,
    /// Writes the store refused (fencing), as the clients learnt.
    pub writes_refused: u64,
    /// Reads the store refused, as the clients learnt.
    pub reads_refused: u64,
    /// Renewals the server refused, as the clients learnt.
    pub renewals_refused: u64,
}

impl Coverage {
    /// The stable camelCase names, in field order.
    pub const NAMES: [&'static str; 8] = [
        "lateWrites",
        "expiredWritesApplied",
        "longPauses",
        "grantsWhileBelieved",
        "expiriesWhilePaused",
        "writesRefused",
        "readsRefused",
        "renewalsRefused",
    ];

    /// The counts in [`Coverage::NAMES`] order.
    pub fn values(&self) -> [Option<u64>; 8] {
        [
            self.late_writes,
            self.expired_writes_applied,
            Some(self.long_pauses),
            self.grants_while_believed,
            self.expiries_while_paused,
            Some(self.writes_refused),
            Some(self.reads_refused),
            Some(self.renewals_refused),
        ]
    }
}
