//! What the checker reports: violations by kind, each pointing at the records involved.

/// `client`/`other` of a violation that concerns no client.
pub const NO_CLIENT: u32 = u32::MAX;
/// `record`/`otherRecord` of a violation that points at no record.
pub const NO_RECORD: u32 = u32::MAX;

/// Violations kept in full (all are counted).
pub const MAX_KEPT: usize = 10_000;

/// What a violation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ViolationKind {
    /// An acknowledged decrement vanished.
    LostUpdate,
    /// An acknowledged order is missing from its partition's log (simulation only).
    OrderLost,
    /// An order is in its partition's log more than once (simulation only).
    OrderDuplicated,
    /// Two leases on one resource were live at once (server truth).
    DoubleGrant,
    /// A grant's token did not exceed every earlier token of its resource.
    TokenOrder,
    /// The store applied a write whose token was below the highest it had accepted for the
    /// resource; with strict fencing claimed, also one whose token was not the live lease.
    StaleWrite,
    /// Two clients believed they held one resource at once.
    BeliefOverlap,
    /// A wait past the bound after the faults stopped (simulation only).
    Liveness,
}

impl ViolationKind {
    /// Every kind.
    pub const ALL: [ViolationKind; 8] = [
        ViolationKind::LostUpdate,
        ViolationKind::OrderLost,
        ViolationKind::OrderDuplicated,
        ViolationKind::DoubleGrant,
        ViolationKind::TokenOrder,
        ViolationKind::StaleWrite,
        ViolationKind::BeliefOverlap,
        ViolationKind::Liveness,
    ];

    /// The kinds a history is judged on (the others need the simulation's own state).
    pub const HISTORY: [ViolationKind; 5] = [
        ViolationKind::LostUpdate,
        ViolationKind::DoubleGrant,
        ViolationKind::TokenOrder,
        ViolationKind::StaleWrite,
        ViolationKind::BeliefOverlap,
    ];

    /// The stable camelCase name used in JavaScript.
    pub fn as_str(self) -> &'static str {
        match self {
            ViolationKind::LostUpdate => "lostUpdate",
            ViolationKind::OrderLost => "orderLost",
            ViolationKind::OrderDuplicated => "orderDuplicated",
            ViolationKind::DoubleGrant => "doubleGrant",
            ViolationKind::TokenOrder => "tokenOrder",
            ViolationKind::StaleWrite => "staleWrite",
            ViolationKind::BeliefOverlap => "beliefOverlap",
            ViolationKind::Liveness => "liveness",
        }
    }
}

/// One violation found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Violation {
    /// What.
    pub kind: ViolationKind,
    /// When it happened (ms): the overwrite that lost an update, the start of an overlap, the
    /// grant, the write, or the moment a wait went past its bound.
    pub at_ms: u64,
    /// The client (process) it concerns ([`NO_CLIENT`] if none).
    pub client: u32,
    /// The other client involved (the other believer or holder), or [`NO_CLIENT`].
    pub other: u32,
    /// The resource (lock, SKU, partition) index.
    pub resource: u32,
    /// A token involved (0 if none).
    pub token: u64,
    /// A kind-specific number: the order id (orders), how long the wait was (liveness), the
    /// number of extra copies (duplicated orders), or the lost or stale write's id.
    pub value: u64,
    /// The record the violation is about (the grant, the write applied, the release that ended
    /// an overlapping belief, the lost write), or [`NO_RECORD`].
    pub record: u32,
    /// The other record involved (the earlier grant, the write that had set a higher token or
    /// the lease that was live, the other believer's acquire, the write that overwrote), or
    /// [`NO_RECORD`].
    pub other_record: u32,
}

/// Violations per kind, in [`ViolationKind::ALL`] order.
pub type ViolationCounts = [u64; 8];
