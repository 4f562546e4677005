//! A client's operations under its lease: begin (checking the lease is still valid), read,
//! work, write with the token (a pause can strike between the check and the write leaving),
//! and the gap before the next one.

use std::rc::Rc;

use super::{Client, Ctx, Step};
use crate::core::history::{Op, RecordType};
use crate::core::sim::config::Workload;
use crate::core::sim::event::EventKind;
use crate::core::sim::faults;
use crate::core::sim::network::{Endpoint, Msg};
use crate::core::sim::storage::Cell;
use crate::core::sim::world::TimerKind;

impl Client {
    /// Starts an operation under the lease (after checking it is still valid).
    #[inline(never)]
    pub(super) fn begin_op(&mut self, cx: &mut Ctx<'_>) {
        if !self.valid(cx) {
            return self.lose(cx, EventKind::BeliefExpired);
        }
        let (now, ttl, batch_max, think) = {
            let cfg = &cx.w.cfg;
            let think = cx.w.client_rng.range(cfg.think_min_ms, cfg.think_max_ms);
            (cx.w.now, cfg.ttl_ms, cfg.batch, think)
        };
        if let Some(orders) = cx.orders.as_deref_mut() {
            let batch = orders.take(self.resource, now, batch_max, now + ttl);
            if batch.is_empty() {
                return self.gap(cx, think);
            }
            if let Some(hold) = self.hold.as_mut() {
                hold.batch = batch;
            }
        }
        let op = self.next_op;
        self.next_op += 1;
        let token = self.hold.as_ref().map(|h| h.token);
        self.record(cx, RecordType::Invoke, Op::Read, token);
        self.set_step(Step::Reading { op });
        self.send_read(cx, op);
    }

    fn send_read(&mut self, cx: &mut Ctx<'_>, op: u32) {
        let Some(token) = self.hold.as_ref().map(|h| h.token) else {
            return;
        };
        cx.w.send(
            Endpoint::Store,
            self.id,
            self.resource,
            Msg::Read { token, op },
        );
        self.arm(cx, TimerKind::Phase, cx.w.cfg.request_timeout_ms);
    }

    fn gap(&mut self, cx: &mut Ctx<'_>, ms: u64) {
        self.set_step(Step::Gap);
        self.arm(cx, TimerKind::Phase, ms);
    }

    fn set_step(&mut self, step: Step) {
        if let Some(hold) = self.hold.as_mut() {
            hold.step = step;
        }
    }

    pub(super) fn step_timer(&mut self, cx: &mut Ctx<'_>) {
        let Some(step) = self.hold.as_ref().map(|h| h.step.clone()) else {
            return;
        };
        match step {
            Step::Gap => self.begin_op(cx),
            Step::Reading { op } => {
                cx.w.metrics.client(self.id).retries += 1;
                if self.valid(cx) {
                    self.send_read(cx, op);
                } else {
                    self.lose(cx, EventKind::BeliefExpired);
                }
            }
            Step::Working { op, read } => self.work_done(cx, op, read),
            Step::Sending { op, parent, cell } => self.send_write(cx, op, parent, cell),
            Step::Writing { .. } => {
                // No answer: the write's fate is unknown; give up this lease.
                cx.w.metrics.client(self.id).retries += 1;
                let token = self.hold.as_ref().map(|h| h.token);
                self.record(cx, RecordType::Info, Op::Write, token);
                self.lose(cx, EventKind::Released);
            }
        }
    }

    pub(super) fn on_read_reply(&mut self, cx: &mut Ctx<'_>, op: u32, cell: Option<Cell>) {
        let Some(hold) = &self.hold else { return };
        if !matches!(hold.step, Step::Reading { op: o } if o == op) {
            return;
        }
        let token = hold.token;
        let Some(read) = cell else {
            self.record(cx, RecordType::Fail, Op::Read, Some(token));
            return self.lose(cx, EventKind::Released); // fenced off: a newer holder was there
        };
        let mut ok = cx.w.rec(RecordType::Ok, Op::Read, self.id, self.resource);
        ok = ok.token(token).value(read.count);
        if cx.w.cfg.workload == Workload::Counter {
            // Orders: the log's lost entries are judged by the simulation's audit instead.
            ok.write_id = Some(read.writer.into());
        }
        cx.w.record(ok);
        self.emit(cx, EventKind::Read, token, read.count);
        if cx.w.cfg.workload == Workload::Counter && read.count <= 0 {
            self.emit(cx, EventKind::SoldOut, token, read.count);
            self.done = true;
            return self.lose(cx, EventKind::Released);
        }
        let cfg = &cx.w.cfg;
        let ms = cx.w.client_rng.range(cfg.work_min_ms, cfg.work_max_ms);
        self.set_step(Step::Working { op, read });
        self.arm(cx, TimerKind::Phase, ms);
    }

    fn work_done(&mut self, cx: &mut Ctx<'_>, op: u32, read: Cell) {
        if !self.valid(cx) {
            return self.lose(cx, EventKind::BeliefExpired);
        }
        let parent = read.writer;
        let cell = match cx.w.cfg.workload {
            Workload::Counter => Cell {
                count: read.count - 1,
                ..Cell::default()
            },
            Workload::Orders => {
                let mut log = Vec::clone(&read.log);
                let batch = self.hold.as_ref().map_or(&[][..], |h| &h.batch[..]);
                for taken in batch {
                    // Only an order offered before can already be in the log.
                    if !(taken.retry && log.contains(&taken.id)) {
                        log.push(taken.id);
                    }
                }
                Cell {
                    count: log.len() as i64,
                    writer: 0,
                    log: Rc::new(log),
                }
            }
        };
        let now = cx.w.now;
        if let Some(ms) = faults::pause(&cx.w.cfg, now, &mut cx.w.fault_rng) {
            // Stopped between the check and the send: the write leaves when it resumes.
            let group = cx.w.group_of(self.id);
            cx.w.pause_group(group, ms);
            self.set_step(Step::Sending { op, parent, cell });
            self.arm(cx, TimerKind::Phase, 0);
        } else {
            self.send_write(cx, op, parent, cell);
        }
    }

    #[inline(never)]
    fn send_write(&mut self, cx: &mut Ctx<'_>, op: u32, parent: u32, cell: Cell) {
        let Some(token) = self.hold.as_ref().map(|h| h.token) else {
            return;
        };
        let value = cell.count;
        self.emit(cx, EventKind::WriteSent, token, value);
        let mut invoke =
            cx.w.rec(RecordType::Invoke, Op::Write, self.id, self.resource);
        invoke = invoke.token(token).value(value);
        invoke.based_on = Some(parent.into());
        cx.w.record(invoke);
        let msg = Msg::Write {
            token,
            op,
            parent,
            cell,
        };
        cx.w.send(Endpoint::Store, self.id, self.resource, msg);
        self.set_step(Step::Writing { op });
        self.arm(cx, TimerKind::Phase, cx.w.cfg.request_timeout_ms);
    }

    pub(super) fn on_write_reply(&mut self, cx: &mut Ctx<'_>, op: u32, write: Option<u32>) {
        let Some(hold) = &self.hold else { return };
        if !matches!(hold.step, Step::Writing { op: o } if o == op) {
            return;
        }
        let token = hold.token;
        let Some(id) = write else {
            self.record(cx, RecordType::Fail, Op::Write, Some(token));
            return self.lose(cx, EventKind::Released); // fenced off
        };
        let Some(hold) = &mut self.hold else { return };
        hold.ops += 1;
        let more = hold.ops < cx.w.cfg.ops_per_hold;
        let batch = std::mem::take(&mut hold.batch);
        let mut ok = cx.w.rec(RecordType::Ok, Op::Write, self.id, self.resource);
        ok.token = Some(token);
        ok.write_id = Some(id.into());
        cx.w.record(ok);
        cx.w.metrics.client(self.id).ops += 1;
        if let Some(orders) = cx.orders.as_deref_mut() {
            orders.ack(self.resource, &batch, cx.w.now);
        }
        if more {
            let cfg = &cx.w.cfg;
            let ms = cx.w.client_rng.range(cfg.think_min_ms, cfg.think_max_ms);
            self.gap(cx, ms);
        } else {
            self.lose(cx, EventKind::Released);
        }
    }
}
