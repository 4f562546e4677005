//! The ring's limits and sentinels, read by the ring, its errors and the bindings.

/// Vnodes per unit of weight when none is given (sha1 scheme).
pub const DEFAULT_VNODES: u32 = 160;
/// The largest vnode count a ring accepts.
pub const MAX_VNODES: u32 = 4096;
/// The most points a ring may hold (2^20), checked before anything is allocated.
pub const MAX_POINTS: usize = 1 << 20;
/// The longest node id, in UTF-8 bytes.
pub const MAX_ID_BYTES: usize = 256;
/// Points per digest on a ketama continuum (hashring's `replicas`): at most 4, the words of an
/// MD5 digest.
pub const MAX_POINTS_PER_DIGEST: u32 = 4;
/// "No node": a lookup's owner where no node is live.
pub const NO_NODE: u32 = u32::MAX;
