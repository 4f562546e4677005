//! The consistent-hashing ring: membership, health and lookups.
//!
//! Contract of the default `"sha1"` scheme (also in the README; changing it is a breaking
//! change):
//! - a node with weight `w` gets `max(1, round(vnodes × w))` points, labelled `"{id}#{i}"`
//!   (`"{label}#{i}"` for a node with a [`Node::label`]);
//! - a point's position is [`hash::point_position`], a key's is [`hash::position`] of its bytes;
//! - points are ordered by (position, node id bytes, i), so the ring does not depend on the order
//!   in which nodes were added;
//! - the owner of a key is the first point with position ≥ position(key), wrapping to the first;
//! - a node marked down keeps its points but is skipped: its keys go to the next live node
//!   clockwise, and marking it up restores the mapping exactly.
//!
//! The `"ketama"` scheme ([`Scheme::Ketama`], [`super::ketama`]) places points like the npm
//! package `hashring` 3.2.0 instead; there ties keep insertion order.
//!
//! Storage is two flat arrays sorted together (8 bytes per point): `positions` and `owners`,
//! where an owner is the index of its node in [`HashRing::nodes`] (sorted by id). Because node
//! indexes follow id order, sorting by (position, owner) is sorting by (position, id); points of
//! one node at one position are indistinguishable, so `i` never needs storing.
//!
//! The module's files: [`hash_ring`] (the state), [`membership`], [`build`], [`search`] and
//! [`index`] (its operations), [`change`] (what a change moved), [`balance`] (shares and
//! bounded loads), [`scheme`] (how keys and points are hashed), [`continuum`] (the ketama
//! continuum of the hashring drop-in), [`limits`] and [`error`].

pub mod balance;
pub mod build;
pub mod change;
pub mod continuum;
pub mod error;
pub mod hash_ring;
pub mod index;
pub mod limits;
#[cfg(test)]
mod lookup_cost;
pub mod membership;
pub mod scheme;
pub mod search;
#[cfg(test)]
mod tests;

pub use change::{MovedArc, RingChange};
pub use error::RingError;
pub use hash_ring::validate_id;
pub use hash_ring::{HashRing, Node};
pub use limits::{
    DEFAULT_VNODES, MAX_ID_BYTES, MAX_POINTS, MAX_POINTS_PER_DIGEST, MAX_VNODES, NO_NODE,
};
pub use scheme::Scheme;
