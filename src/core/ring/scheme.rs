//! Placement schemes: how a key and a node's points are hashed onto the ring.

use crate::core::hash::{self, ketama};

/// How positions are computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// ringlease's own: SHA-1 of the UTF-8 bytes, first 4 bytes big-endian; a node of weight `w`
    /// gets `max(1, round(vnodes × w))` points labelled `"{id}#{i}"`; ties ordered by node id.
    Sha1,
    /// Byte-for-byte the placement of the npm package `hashring` 3.2.0 with its defaults (MD5,
    /// `vnodes` × 4 points per server share, weights relative to the total, ties in insertion
    /// order), so JavaScript shares placement with ketama memcached clients.
    Ketama,
}

impl Scheme {
    /// The scheme's name in options and JSON: `"sha1"` or `"ketama"`.
    pub fn name(self) -> &'static str {
        match self {
            Scheme::Sha1 => "sha1",
            Scheme::Ketama => "ketama",
        }
    }

    /// The scheme called `name`, if any.
    pub fn from_name(name: &str) -> Option<Scheme> {
        match name {
            "sha1" => Some(Scheme::Sha1),
            "ketama" => Some(Scheme::Ketama),
            _ => None,
        }
    }

    /// The vnode count used when none is given: 160 for sha1, hashring's 40 for ketama.
    pub fn default_vnodes(self) -> u32 {
        match self {
            Scheme::Sha1 => 160,
            Scheme::Ketama => ketama::DEFAULT_VNODES,
        }
    }

    /// The ring position of a key's bytes.
    pub fn key_position(self, key: &[u8]) -> u32 {
        match self {
            Scheme::Sha1 => hash::position(key),
            Scheme::Ketama => ketama::key_position(key),
        }
    }

    /// The ring positions of `keys`, in order: the same values as [`Scheme::key_position`],
    /// sha1 ones hashed four at a time ([`hash::positions`]).
    pub fn key_positions<'k, I>(self, keys: I) -> KeyPositions<I::IntoIter>
    where
        I: IntoIterator<Item = &'k [u8]>,
    {
        KeyPositions(match self {
            Scheme::Sha1 => Batch::Sha1(hash::positions(keys)),
            Scheme::Ketama => Batch::Ketama(keys.into_iter()),
        })
    }
}

/// The iterator of [`Scheme::key_positions`].
#[derive(Debug, Clone)]
pub struct KeyPositions<I>(Batch<I>);

// The sha1 variant carries four 64-byte blocks; the iterator lives on the stack for one batch
// call, where boxing them would only add an allocation.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
enum Batch<I> {
    Sha1(hash::Positions<I>),
    Ketama(I),
}

impl<'k, I: Iterator<Item = &'k [u8]>> Iterator for KeyPositions<I> {
    type Item = u32;

    #[inline]
    fn next(&mut self) -> Option<u32> {
        match &mut self.0 {
            Batch::Sha1(positions) => positions.next(),
            Batch::Ketama(keys) => keys.next().map(ketama::key_position),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match &self.0 {
            Batch::Sha1(positions) => positions.size_hint(),
            Batch::Ketama(keys) => keys.size_hint(),
        }
    }
}
