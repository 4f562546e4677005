//! The trace: one compact, fixed-size record per thing that happened, for drawing and for the
//! digest.
//!
//! Every [`SimEvent`] has the same six fields, so the JavaScript layer can hand a batch over as
//! parallel typed arrays (`atMs: Float64Array`, `client: Uint32Array`, `kind: Uint8Array`,
//! `resource: Uint32Array`, `token: Float64Array`, `value: Float64Array`) instead of one object
//! per event. Every number stays below 2^53 in magnitude. What `token` and `value` mean depends
//! on the kind (see [`EventKind`]); unused fields are 0. Events that belong to no client (server
//! crashes, node failures) carry [`NO_CLIENT`].

/// `client` of an event that belongs to no client.
pub const NO_CLIENT: u32 = u32::MAX;

/// What happened. The discriminant is the stable code that crosses to JavaScript; the names from
/// [`EventKind::as_str`] are the stable camelCase names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u8)]
pub enum EventKind {
    /// The client starts thinking (holds nothing). `value`: think time (its own clock).
    Think = 0,
    /// The client sends a new acquire (or campaign). `value`: its request number.
    Acquire = 1,
    /// The server queued the client. `value`: 1-based position.
    Queued = 2,
    /// The client learnt it holds `resource` under `token` and from now on believes so.
    /// `value`: how long it will believe it, by its own clock (ms).
    Granted = 3,
    /// The lock was busy (or in lock-delay) and the client did not wait. `value`: back-off (ms).
    Busy = 4,
    /// The client read the counter under `token`. `value`: the value read.
    Read = 5,
    /// The store refused a read (at the store, when it arrived): a newer token had touched
    /// the key, or (strict) the token was not live. `token`: the reader's.
    ReadRejected = 6,
    /// The client sent its write. `value`: the value written (orders: the log length).
    WriteSent = 7,
    /// The store applied the client's write with `token` (at the store, when it arrived; the
    /// client may have stopped listening). `value`: the new value (orders: log length).
    WriteAccepted = 8,
    /// The store refused the client's write with `token` (stale, or not live in strict mode).
    /// `value`: the value it would have written.
    WriteRejected = 9,
    /// The server renewed the client's lease. `value`: remaining TTL granted (ms).
    Renewed = 10,
    /// The server refused a renewal: the lease had expired or moved on.
    RenewRejected = 11,
    /// The client released its lease (or resigned) and stops believing it holds.
    Released = 12,
    /// The client noticed, on its own clock, that its lease may have expired, and stops
    /// believing it holds.
    BeliefExpired = 13,
    /// The client (its process, or broker) stopped. `value`: pause length (ms).
    Paused = 14,
    /// The paused client runs again.
    Resumed = 15,
    /// Server truth: the server granted `token` on `resource` to the client (event time on the
    /// server's clock; the client learns it later).
    LeaseGranted = 16,
    /// Server truth: the client's lease `token` expired on the server.
    LeaseExpired = 17,
    /// Server truth: the client's lease `token` was released on the server.
    LeaseReleased = 18,
    /// A lease server crashed. `resource`: the server (node) index. `value`: 0 state kept,
    /// 1 state lost (restarts after max TTL), 2 state lost with no delay (negative control).
    ServerCrash = 19,
    /// A lease server restarted. `resource`: node index. `value`: when it serves again (ms).
    ServerRestart = 20,
    /// The client (or broker) is cut off from everything. `value`: when the partition heals.
    PartitionStart = 21,
    /// The client's partition healed; messages held by it are delivered.
    PartitionEnd = 22,
    /// A lease node of the ring went down for good. `resource`: node index; `value`: how many
    /// resources failed over to other nodes.
    NodeDown = 23,
    /// A read found nothing left to sell (counter ≤ 0): the client stops.
    SoldOut = 24,
    /// The server answered that the client's request had already run its course.
    Finished = 25,
    /// A grant arrived too late to be of use (its validity had passed on the client's clock):
    /// the client released it without believing it (Redlock's validity check).
    GrantTooLate = 26,
}

impl EventKind {
    /// Every kind, in code order.
    pub const ALL: [EventKind; 27] = [
        EventKind::Think,
        EventKind::Acquire,
        EventKind::Queued,
        EventKind::Granted,
        EventKind::Busy,
        EventKind::Read,
        EventKind::ReadRejected,
        EventKind::WriteSent,
        EventKind::WriteAccepted,
        EventKind::WriteRejected,
        EventKind::Renewed,
        EventKind::RenewRejected,
        EventKind::Released,
        EventKind::BeliefExpired,
        EventKind::Paused,
        EventKind::Resumed,
        EventKind::LeaseGranted,
        EventKind::LeaseExpired,
        EventKind::LeaseReleased,
        EventKind::ServerCrash,
        EventKind::ServerRestart,
        EventKind::PartitionStart,
        EventKind::PartitionEnd,
        EventKind::NodeDown,
        EventKind::SoldOut,
        EventKind::Finished,
        EventKind::GrantTooLate,
    ];

    /// The stable code (the discriminant).
    pub fn code(self) -> u8 {
        self as u8
    }

    /// The stable camelCase name used in JavaScript.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Think => "think",
            EventKind::Acquire => "acquire",
            EventKind::Queued => "queued",
            EventKind::Granted => "granted",
            EventKind::Busy => "busy",
            EventKind::Read => "read",
            EventKind::ReadRejected => "readRejected",
            EventKind::WriteSent => "writeSent",
            EventKind::WriteAccepted => "writeAccepted",
            EventKind::WriteRejected => "writeRejected",
            EventKind::Renewed => "renewed",
            EventKind::RenewRejected => "renewRejected",
            EventKind::Released => "released",
            EventKind::BeliefExpired => "beliefExpired",
            EventKind::Paused => "paused",
            EventKind::Resumed => "resumed",
            EventKind::LeaseGranted => "leaseGranted",
            EventKind::LeaseExpired => "leaseExpired",
            EventKind::LeaseReleased => "leaseReleased",
            EventKind::ServerCrash => "serverCrash",
            EventKind::ServerRestart => "serverRestart",
            EventKind::PartitionStart => "partitionStart",
            EventKind::PartitionEnd => "partitionEnd",
            EventKind::NodeDown => "nodeDown",
            EventKind::SoldOut => "soldOut",
            EventKind::Finished => "finished",
            EventKind::GrantTooLate => "grantTooLate",
        }
    }
}

/// One trace record. See the module docs for the typed-array layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SimEvent {
    /// Simulated true time (the lease server's clock), in ms.
    pub at_ms: u64,
    /// The client (actor) index, or [`NO_CLIENT`].
    pub client: u32,
    /// What happened.
    pub kind: EventKind,
    /// The resource (lock, election, partition) index, or a node index for server events.
    pub resource: u32,
    /// A fencing token, when the kind has one.
    pub token: u64,
    /// A kind-specific number (see [`EventKind`]).
    pub value: i64,
}

impl SimEvent {
    /// The canonical byte encoding hashed by the digest: `at_ms` (u64), `client` (u32), `kind`
    /// (u8), `resource` (u32), `token` (u64), `value` (i64), each little-endian: 33 bytes.
    pub fn encode(&self) -> [u8; 33] {
        let mut out = [0u8; 33];
        out[0..8].copy_from_slice(&self.at_ms.to_le_bytes());
        out[8..12].copy_from_slice(&self.client.to_le_bytes());
        out[12] = self.kind.code();
        out[13..17].copy_from_slice(&self.resource.to_le_bytes());
        out[17..25].copy_from_slice(&self.token.to_le_bytes());
        out[25..33].copy_from_slice(&self.value.to_le_bytes());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_dense_and_names_unique() {
        for (i, kind) in EventKind::ALL.iter().enumerate() {
            assert_eq!(usize::from(kind.code()), i);
        }
        let mut names: Vec<_> = EventKind::ALL.iter().map(|k| k.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), EventKind::ALL.len());
    }

    #[test]
    fn encoding_is_little_endian_and_fixed() {
        let e = SimEvent {
            at_ms: 0x0102,
            client: 3,
            kind: EventKind::Granted,
            resource: 4,
            token: 5,
            value: -1,
        };
        let bytes = e.encode();
        assert_eq!(&bytes[0..2], &[2, 1]);
        assert_eq!(bytes[8], 3);
        assert_eq!(bytes[12], 3);
        assert_eq!(bytes[13], 4);
        assert_eq!(bytes[17], 5);
        assert_eq!(&bytes[25..33], &[0xff; 8]);
    }
}
