//! The lease servers: each wraps a real [`LeaseTable`]; requests arrive as messages and every
//! answer, grant notification and expiry comes from the table's own outcomes and events.
//!
//! - One server normally. With `leaseNodes > 1` a [`HashRing`] of nodes (`"lease-0"`, …)
//!   places each resource on one node; when a node fails, its resources fail over to the next
//!   live node clockwise, which serves them only after `ttlMs + lockDelayMs` (every lease the
//!   failed node gave has expired by then) and issues tokens above the failed node's.
//! - Crash and restart ([`CrashMode`]): state kept; state lost with the token high-water mark
//!   kept and no service until `ttlMs + lockDelayMs` after the crash; or state and counter lost
//!   with no delay (negative control N3).
//! - The table never reads a clock, so the server arms a tick at every instant something falls
//!   due (an expiry, a lock-delay end, a wait deadline) and sends grant notifications from the
//!   events the tick returns.

use crate::core::lease::{
    Acquire, AcquireOptions, Campaign, Lease, LeaseEvent, LeaseLimits, LeaseOptions, LeaseTable,
    Release, Renew, MAX_LIMIT,
};
use crate::core::ring::HashRing;

use super::config::{CrashMode, Primitive};
use super::event::{EventKind, NO_CLIENT};
use super::network::{Endpoint, Msg, Outcome};
use super::world::{Ev, World};
use crate::core::history::{Op, Record, RecordType};

struct Node {
    table: LeaseTable,
    up: bool,
    /// No request is served before this time (a restart delay).
    serve_from: u64,
}

/// All lease servers, and where each resource lives.
pub(crate) struct Cluster {
    nodes: Vec<Node>,
    ring: Option<HashRing>,
    /// Per resource: the node serving it.
    owner: Vec<u32>,
    /// Per resource: no request for it is served before this time (a fail-over delay).
    serve_from: Vec<u64>,
    options: LeaseOptions,
    /// The highest token issued by any table so far (the persisted high-water mark).
    high_water: u64,
}

impl Cluster {
    pub(crate) fn new(w: &World) -> Self {
        let cfg = &w.cfg;
        let options = LeaseOptions {
            min_ttl_ms: 1,
            max_ttl_ms: cfg.ttl_ms.max(cfg.wait_ms),
            lock_delay_ms: cfg.lock_delay_ms,
            fifo: cfg.fifo,
        };
        let nodes = (0..cfg.lease_nodes)
            .map(|_| Node {
                table: new_table(options),
                up: true,
                serve_from: 0,
            })
            .collect();
        let ring = (cfg.lease_nodes > 1).then(|| {
            let names: Vec<String> = (0..cfg.lease_nodes).map(|n| format!("lease-{n}")).collect();
            super::ring_of(names.iter().map(String::as_str))
        });
        let mut cluster = Cluster {
            nodes,
            ring,
            owner: Vec::new(),
            serve_from: vec![0; cfg.resources as usize],
            options,
            high_water: 0,
        };
        cluster.owner = (0..cfg.resources)
            .map(|r| cluster.place(&w.resource_names[r as usize]))
            .collect();
        cluster
    }

    /// The node the ring gives `name` to (node 0 without a ring).
    fn place(&self, name: &str) -> u32 {
        self.ring
            .as_ref()
            .and_then(|ring| ring.node_for(name.as_bytes()))
            .and_then(|id| id.strip_prefix("lease-"))
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    }

    /// The node serving `resource`: where clients send its requests.
    pub(crate) fn node_of(&self, resource: u32) -> u32 {
        self.owner[resource as usize]
    }

    /// The table a strict store asks about `resource`.
    pub(crate) fn table_for(&self, resource: u32) -> &LeaseTable {
        &self.nodes[self.node_of(resource) as usize].table
    }

    /// Brings the table serving `resource` up to now (so a strict store's liveness question is
    /// answered from settled state), sending whatever fell due.
    pub(crate) fn settle(&mut self, w: &mut World, resource: u32) {
        let node = self.node_of(resource);
        if self.nodes[node as usize].up {
            self.drain(w, node, None);
        }
    }

    /// A scheduled tick of `node`.
    pub(crate) fn tick(&mut self, w: &mut World, node: u32) {
        if self.nodes[node as usize].up {
            self.drain(w, node, None);
        }
    }

    /// A message for `node` from `client` about `resource`.
    pub(crate) fn handle(
        &mut self,
        w: &mut World,
        node: u32,
        client: u32,
        resource: u32,
        msg: Msg,
    ) {
        let n = &self.nodes[node as usize];
        if !n.up
            || w.now < n.serve_from
            || w.now < self.serve_from[resource as usize]
            || self.node_of(resource) != node
        {
            return; // down, restarting or not this node's resource: no answer
        }
        let now = w.now;
        let cfg = &w.cfg;
        let (ttl, primitive) = (cfg.ttl_ms, cfg.primitive);
        let wait = (cfg.wait_ms > 0).then_some(cfg.wait_ms);
        let name = w.resource_names[resource as usize].as_str();
        let owner = w.client_names[client as usize].as_str();
        let table = &mut self.nodes[node as usize].table;
        let mut direct = None;
        let reply = match (msg, primitive) {
            (Msg::Acquire { req, sent }, Primitive::Lock) => {
                let mut options = AcquireOptions::new(ttl, now).request_id(&req.to_string());
                options.wait = wait;
                let outcome = match table.acquire(name, owner, options) {
                    Ok(Acquire::Granted {
                        token,
                        expires_at_ms,
                    }) => {
                        direct = Some(token);
                        Outcome::Granted {
                            token,
                            remaining_ms: expires_at_ms - now,
                        }
                    }
                    Ok(Acquire::Queued { position }) => {
                        w.queue.push(now + cfg.wait_ms, Ev::ServerTick { node });
                        Outcome::Queued {
                            position: position as u32,
                        }
                    }
                    Ok(Acquire::Busy { .. } | Acquire::Delayed { .. }) => Outcome::Busy,
                    Ok(Acquire::Finished { .. }) => Outcome::Finished,
                    Err(_) => return, // unreachable with a validated config
                };
                Some(Msg::AcquireReply { req, sent, outcome })
            }
            (Msg::Acquire { req, sent }, Primitive::Election) => {
                let outcome = match table.campaign(name, owner, ttl, now) {
                    Ok(Campaign::Leader {
                        token,
                        expires_at_ms,
                    }) => {
                        direct = Some(token);
                        server_renew(w, client, resource, token, expires_at_ms);
                        w.queue.push(expires_at_ms, Ev::ServerTick { node });
                        Outcome::Granted {
                            token,
                            remaining_ms: expires_at_ms - now,
                        }
                    }
                    Ok(Campaign::Candidate { position, .. }) => {
                        w.queue.push(now + ttl, Ev::ServerTick { node });
                        Outcome::Queued {
                            position: position as u32,
                        }
                    }
                    Err(_) => return,
                };
                Some(Msg::AcquireReply { req, sent, outcome })
            }
            (Msg::Renew { token, sent }, Primitive::Lock) => {
                let remaining_ms = match table.renew(name, owner, token, ttl, now) {
                    Ok(Renew::Renewed { expires_at_ms }) => {
                        server_renew(w, client, resource, token, expires_at_ms);
                        w.queue.push(expires_at_ms, Ev::ServerTick { node });
                        Some(expires_at_ms - now)
                    }
                    _ => None,
                };
                Some(Msg::RenewReply {
                    token,
                    sent,
                    remaining_ms,
                })
            }
            (Msg::Renew { token, sent }, Primitive::Election) => {
                let remaining_ms = match table.campaign(name, owner, ttl, now) {
                    Ok(Campaign::Leader {
                        token: held,
                        expires_at_ms,
                    }) => {
                        server_renew(w, client, resource, held, expires_at_ms);
                        w.queue.push(expires_at_ms, Ev::ServerTick { node });
                        (held == token).then_some(expires_at_ms - now)
                    }
                    _ => None,
                };
                Some(Msg::RenewReply {
                    token,
                    sent,
                    remaining_ms,
                })
            }
            (Msg::Release { token }, Primitive::Lock) => {
                let _: Option<Release> = table.release(name, owner, token, now).ok();
                None
            }
            (Msg::Release { token }, Primitive::Election) => {
                let _: Option<Release> = table.resign(name, owner, token, now).ok();
                None
            }
            _ => None,
        };
        if let Some(reply) = reply {
            w.send(Endpoint::Client, client, resource, reply);
        }
        self.drain(w, node, direct.map(|token| (client, token)));
    }

    /// Ticks `node`'s table to now and acts on its events: trace and checker updates, grant
    /// notifications (except for `direct`, the grant just answered), and ticks for what falls
    /// due next.
    #[inline(never)]
    fn drain(&mut self, w: &mut World, node: u32, direct: Option<(u32, u64)>) {
        let events = match self.nodes[node as usize].table.tick(w.now) {
            Ok(events) => events,
            Err(_) => return,
        };
        let last = self.nodes[node as usize].table.last_token();
        self.high_water = self.high_water.max(last);
        for event in events {
            match event {
                LeaseEvent::Granted { resource, lease }
                | LeaseEvent::LeaderElected {
                    election: resource,
                    lease,
                } => self.granted(w, node, &resource, &lease, direct),
                LeaseEvent::Expired {
                    resource,
                    owner,
                    token,
                    at_ms,
                } => {
                    if w.cfg.lock_delay_ms > 0 {
                        w.queue
                            .push(at_ms + w.cfg.lock_delay_ms, Ev::ServerTick { node });
                    }
                    ended(w, &resource, &owner, token, at_ms, EventKind::LeaseExpired);
                }
                LeaseEvent::Released {
                    resource,
                    owner,
                    token,
                    at_ms,
                } => ended(w, &resource, &owner, token, at_ms, EventKind::LeaseReleased),
                LeaseEvent::LeaderLost {
                    election,
                    leader,
                    token,
                    cause,
                    at_ms,
                } => {
                    let kind = match cause {
                        crate::core::lease::LossCause::Expired => EventKind::LeaseExpired,
                        crate::core::lease::LossCause::Resigned => EventKind::LeaseReleased,
                    };
                    ended(w, &election, &leader, token, at_ms, kind);
                }
                LeaseEvent::LockDelayEnded { .. }
                | LeaseEvent::Dequeued { .. }
                | LeaseEvent::CandidateDropped { .. } => {}
            }
        }
    }

    #[inline(never)]
    fn granted(
        &mut self,
        w: &mut World,
        node: u32,
        resource: &str,
        lease: &Lease,
        direct: Option<(u32, u64)>,
    ) {
        let (Some(r), Some(c)) = (index(resource, 'r'), index(&lease.owner, 'c')) else {
            return; // not a simulated resource and client
        };
        let mut grant = Record::new(RecordType::Info, Op::Acquire, c, r, lease.granted_at_ms);
        grant.token = Some(lease.token);
        grant.expires_at_ms = Some(lease.expires_at_ms);
        w.record(grant.server());
        w.emit_at(
            lease.granted_at_ms,
            c,
            EventKind::LeaseGranted,
            r,
            lease.token,
            (lease.expires_at_ms - lease.granted_at_ms) as i64,
        );
        w.queue.push(lease.expires_at_ms, Ev::ServerTick { node });
        if direct != Some((c, lease.token)) {
            let req = lease
                .request_id
                .as_deref()
                .and_then(|id| id.parse().ok())
                .unwrap_or(0);
            let msg = Msg::Granted {
                req,
                token: lease.token,
            };
            w.send(Endpoint::Client, c, r, msg);
        }
    }

    /// Lease server `node` crashes.
    pub(crate) fn crash(&mut self, w: &mut World, node: u32) {
        let n = &mut self.nodes[node as usize];
        if !n.up {
            return;
        }
        n.up = false;
        let mode = w.cfg.crash_mode;
        w.emit(NO_CLIENT, EventKind::ServerCrash, node, 0, mode.code());
        let mut down = w.rec(RecordType::Info, Op::Crash, NO_CLIENT, 0).server();
        down.duration_ms = Some(w.cfg.crash_down_ms);
        w.record(down);
        let crashed_at = w.now;
        w.queue.push(
            w.now + w.cfg.crash_down_ms,
            Ev::Fault(super::faults::Fault::Restart { node, crashed_at }),
        );
    }

    /// Lease server `node` restarts after crashing at `crashed_at`.
    pub(crate) fn restart(&mut self, w: &mut World, node: u32, crashed_at: u64) {
        let now = w.now;
        let delay = w.cfg.ttl_ms + w.cfg.lock_delay_ms;
        let options = self.options;
        let high_water = self.high_water;
        let n = &mut self.nodes[node as usize];
        match w.cfg.crash_mode {
            CrashMode::KeepState => {}
            CrashMode::LoseState => {
                n.table = new_table(options);
                n.table.raise_token_floor(high_water);
                n.serve_from = now.max(crashed_at + delay);
            }
            CrashMode::LoseStateNoDelay => n.table = new_table(options),
        }
        n.up = true;
        let serve_from = n.serve_from.max(now);
        w.emit(
            NO_CLIENT,
            EventKind::ServerRestart,
            node,
            0,
            serve_from as i64,
        );
        self.drain(w, node, None);
    }

    /// Lease node `node` fails for good: the ring marks it down, its resources move to the
    /// next live node, which serves them after `ttlMs + lockDelayMs` with tokens above every
    /// token issued so far.
    pub(crate) fn node_down(&mut self, w: &mut World, node: u32) {
        let Some(ring) = self.ring.as_mut() else {
            return;
        };
        if !self.nodes[node as usize].up || ring.mark_down(&format!("lease-{node}")).is_err() {
            return;
        }
        self.nodes[node as usize].up = false;
        let until = w.now + w.cfg.ttl_ms + w.cfg.lock_delay_ms;
        let mut moved = 0;
        for r in 0..self.owner.len() {
            let to = self.place(&w.resource_names[r]);
            if to != self.owner[r] {
                self.owner[r] = to;
                self.serve_from[r] = until;
                let table = &mut self.nodes[to as usize].table;
                table.raise_token_floor(self.high_water);
                moved += 1;
            }
        }
        w.emit(NO_CLIENT, EventKind::NodeDown, node, 0, moved);
    }
}

fn new_table(options: LeaseOptions) -> LeaseTable {
    // The options come from a validated config (no Debug formatting of the error in wasm).
    // The table is drained after every call, so its event buffer never fills; request ids are
    // remembered as long as the protocol says (the cap is the largest allowed).
    let limits = LeaseLimits {
        max_request_ids: MAX_LIMIT,
        ..LeaseLimits::default()
    };
    LeaseTable::with_limits(options, limits).unwrap_or_else(|_| unreachable!())
}

/// A server event ended `owner`'s lease `token` on `resource` at `at_ms`.
fn ended(w: &mut World, resource: &str, owner: &str, token: u64, at_ms: u64, kind: EventKind) {
    let (Some(r), Some(c)) = (index(resource, 'r'), index(owner, 'c')) else {
        return;
    };
    let op = if kind == EventKind::LeaseExpired {
        Op::Expire
    } else {
        Op::Release
    };
    w.record(
        Record::new(RecordType::Info, op, c, r, at_ms)
            .token(token)
            .server(),
    );
    w.emit_at(at_ms, c, kind, r, token, 0);
}

/// Server truth: the lease `token` on `resource` now expires at `expires_at_ms`.
fn server_renew(w: &mut World, client: u32, resource: u32, token: u64, expires_at_ms: u64) {
    let mut renew = w
        .rec(RecordType::Info, Op::Renew, client, resource)
        .token(token);
    renew.expires_at_ms = Some(expires_at_ms);
    w.record(renew.server());
}

/// The number in a name such as `"r3"` or `"c12"`.
fn index(name: &str, prefix: char) -> Option<u32> {
    name.strip_prefix(prefix)?.parse().ok()
}
