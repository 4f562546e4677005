//! The trace digest: SHA-1 over the canonical encoding of every event ([`SimEvent::encode`]), in
//! trace order. Two runs agree on it exactly when they produced the same trace, natively or in
//! wasm; it is updated as events are emitted, so it does not need the trace to be kept.

use sha1::{Digest, Sha1};

use super::event::SimEvent;

/// A running SHA-1 over the trace.
#[derive(Clone)]
pub(crate) struct TraceDigest {
    hasher: Sha1,
    events: u64,
}

impl TraceDigest {
    pub(crate) fn new() -> Self {
        TraceDigest {
            hasher: Sha1::new(),
            events: 0,
        }
    }

    pub(crate) fn push(&mut self, event: &SimEvent) {
        self.hasher.update(event.encode());
        self.events += 1;
    }

    /// How many events went in.
    pub(crate) fn events(&self) -> u64 {
        self.events
    }

    /// The lowercase hex SHA-1 of the trace so far (the digest keeps running).
    pub(crate) fn hex(&self) -> String {
        let bytes = self.hasher.clone().finalize();
        let mut out = String::with_capacity(40);
        for b in bytes {
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
        out
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_trace_is_sha1_of_nothing() {
        assert_eq!(
            TraceDigest::new().hex(),
            "da39a3ee5e6b4b0d3255bfef95601890afd80709"
        );
    }
}
