//! A key-value store that checks fencing tokens where the write is applied (Kleppmann; Jepsen
//! etcd 3.4.3; docs/invariants.md L3 and L3-s).
//!
//! - A write carries the writer's fencing token. It is accepted only if the token is ≥ the
//!   highest token the store has accepted for that key; then that token becomes the highest.
//!   So the writes under each lease form one unbroken run: once a newer holder has written, an
//!   older holder can never write again.
//! - A *strict* store also asks the [`LeaseTable`] whether the token is the live lease of the
//!   resource that guards the key, at the time of the write (Chubby's sequencer check, which
//!   names the lock), which additionally stops a paused holder whose lease expired before
//!   anybody else wrote. A key is guarded by the lock named like it unless
//!   [`FencedStore::guard`] says otherwise (another lock, or an election's leadership), so a
//!   live token of another lock, or a leader's token, is refused for an ordinary key.
//! - [`FencedStore::compare_and_set`] is optimistic locking by version, independent of tokens.
//!
//! Values are generic: the core does not look at them. The JavaScript layer stores JSON values.

use std::collections::BTreeMap;

use super::lease::{LeaseError, LeaseTable, MAX_ID_BYTES};

/// One key's current state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry<V> {
    /// The value.
    pub value: V,
    /// The highest fencing token accepted for this key (0 if only written by compare-and-set).
    pub token: u64,
    /// Starts at 1 with the first write and grows by 1 with each accepted write.
    pub version: u64,
}

/// Why a write was refused. Nothing changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteRejection {
    /// The token is below the highest accepted for the key.
    StaleToken {
        /// The highest token accepted for the key.
        highest: u64,
    },
    /// Strict mode: the token is not a live lease in the table at the time of the write.
    NotLive,
}

impl WriteRejection {
    /// The stable camelCase name used in JavaScript.
    pub fn as_str(self) -> &'static str {
        match self {
            WriteRejection::StaleToken { .. } => "staleToken",
            WriteRejection::NotLive => "notLive",
        }
    }
}

/// How a store checks fencing tokens: what the simulation's store does, and what a history
/// says its store did (docs/histories.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fencing {
    /// Tokens are ignored: every write is applied (the negative control N1).
    Off,
    /// A write or read is refused if its token is below the highest the key has seen
    /// (Kleppmann; a non-strict [`FencedStore`]).
    MaxToken,
    /// Also refused unless the token is the live lease at that instant (Chubby's sequencer
    /// check; a strict [`FencedStore`]).
    Strict,
}

impl Fencing {
    /// The JavaScript name.
    pub fn as_str(self) -> &'static str {
        match self {
            Fencing::Off => "off",
            Fencing::MaxToken => "maxToken",
            Fencing::Strict => "strict",
        }
    }

    /// The mode named `name` (its JavaScript name).
    pub fn parse(name: &str) -> Option<Self> {
        [Fencing::Off, Fencing::MaxToken, Fencing::Strict]
            .into_iter()
            .find(|f| f.as_str() == name)
    }
}

/// The outcome of [`FencedStore::write`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Write {
    /// Applied; the key's new version.
    Accepted {
        /// The new version.
        version: u64,
    },
    /// Refused.
    Rejected {
        /// Why.
        reason: WriteRejection,
    },
}

/// The outcome of [`FencedStore::compare_and_set`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareAndSet {
    /// Applied; the key's new version.
    Accepted {
        /// The new version.
        version: u64,
    },
    /// The key's version was not the expected one; nothing changed.
    Rejected {
        /// The key's current version (0: the key does not exist).
        version: u64,
    },
}

/// What guards a key of a strict store: whose live token may write it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Guard {
    /// The lock lease on this resource.
    Lock(String),
    /// The leadership of this election.
    Election(String),
}

/// A fenced key-value store. See the module docs.
#[derive(Debug, Clone)]
pub struct FencedStore<V> {
    strict: bool,
    entries: BTreeMap<String, Entry<V>>,
    /// Keys guarded by something else than the lock named like them.
    guards: BTreeMap<String, Guard>,
}

impl<V> FencedStore<V> {
    /// An empty store; `strict` also checks every write's token with a [`LeaseTable`].
    pub fn new(strict: bool) -> Self {
        FencedStore {
            strict,
            entries: BTreeMap::new(),
            guards: BTreeMap::new(),
        }
    }

    /// Makes `guard` the one whose live token may write `key` in strict mode (by default the
    /// lock named like the key). Fails on a bad key or guard name.
    pub fn guard(&mut self, key: &str, guard: Guard) -> Result<(), LeaseError> {
        check_key(key)?;
        match &guard {
            Guard::Lock(name) => check_name("guards.resource", name)?,
            Guard::Election(name) => check_name("guards.election", name)?,
        }
        self.guards.insert(key.to_owned(), guard);
        Ok(())
    }

    /// What guards `key`.
    pub fn guard_of(&self, key: &str) -> Guard {
        self.guards
            .get(key)
            .cloned()
            .unwrap_or_else(|| Guard::Lock(key.to_owned()))
    }

    /// Whether the store checks tokens with a lease table.
    pub fn is_strict(&self) -> bool {
        self.strict
    }

    /// Writes `value` under fencing `token`. A strict store needs `table` (else
    /// [`LeaseError::StrictStoreNeedsTable`]) and accepts only if `token` is the live lease of
    /// the key's guard at `now_ms` ([`LeaseTable::is_live`] or [`LeaseTable::is_live_leader`],
    /// O(log n); `now_ms` must not be before the table's latest time). A non-strict store
    /// ignores `table` and `now_ms`.
    pub fn write(
        &mut self,
        key: &str,
        value: V,
        token: u64,
        now_ms: u64,
        table: Option<&LeaseTable>,
    ) -> Result<Write, LeaseError> {
        check_key(key)?;
        let live = match (self.strict, table) {
            (false, _) => true,
            (true, None) => return Err(LeaseError::StrictStoreNeedsTable),
            (true, Some(table)) => match self.guards.get(key) {
                None => table.is_live(key, token, now_ms)?,
                Some(Guard::Lock(resource)) => table.is_live(resource, token, now_ms)?,
                Some(Guard::Election(election)) => table.is_live_leader(election, token, now_ms)?,
            },
        };
        let highest = self.entries.get(key).map_or(0, |e| e.token);
        if token < highest {
            return Ok(Write::Rejected {
                reason: WriteRejection::StaleToken { highest },
            });
        }
        if !live {
            return Ok(Write::Rejected {
                reason: WriteRejection::NotLive,
            });
        }
        Ok(Write::Accepted {
            version: self.put(key, value, Some(token)),
        })
    }

    /// The key's value, highest accepted token and version.
    pub fn read(&self, key: &str) -> Option<&Entry<V>> {
        self.entries.get(key)
    }

    /// Stores `value` under `key` with the next version (1 for a new key) and returns it;
    /// `token`, when given, becomes the key's highest accepted token (a new key starts at 0).
    fn put(&mut self, key: &str, value: V, token: Option<u64>) -> u64 {
        match self.entries.get_mut(key) {
            Some(entry) => {
                entry.value = value;
                if let Some(token) = token {
                    entry.token = token;
                }
                entry.version += 1;
                entry.version
            }
            None => {
                let token = token.unwrap_or(0);
                self.entries.insert(
                    key.to_owned(),
                    Entry {
                        value,
                        token,
                        version: 1,
                    },
                );
                1
            }
        }
    }

    /// Sets the value if the key's version is `expected_version` (0: the key must not exist).
    /// Does not look at tokens and keeps the key's highest token.
    pub fn compare_and_set(
        &mut self,
        key: &str,
        expected_version: u64,
        value: V,
    ) -> Result<CompareAndSet, LeaseError> {
        check_key(key)?;
        let current = self.entries.get(key).map_or(0, |e| e.version);
        if current != expected_version {
            return Ok(CompareAndSet::Rejected { version: current });
        }
        let version = self.put(key, value, None);
        Ok(CompareAndSet::Accepted { version })
    }

    /// How many keys the store holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the store holds no key.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

fn check_key(key: &str) -> Result<(), LeaseError> {
    check_name("key", key)
}

fn check_name(param: &'static str, name: &str) -> Result<(), LeaseError> {
    if name.is_empty() {
        Err(LeaseError::EmptyId { param })
    } else if name.len() > MAX_ID_BYTES {
        Err(LeaseError::IdTooLong {
            param,
            bytes: name.len(),
        })
    } else {
        Ok(())
    }
}
