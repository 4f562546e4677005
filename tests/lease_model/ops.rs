//! The model test's operations and their generators.

use super::*;

#[derive(Debug, Clone, Copy)]
pub(crate) enum Tok {
    /// The k-th most recent token this owner was given for this resource (stale when k > 0).
    Known(usize),
    /// Any number.
    Raw(u64),
}

#[derive(Debug, Clone)]
pub(crate) enum Op {
    Acquire {
        res: u8,
        owner: u8,
        ttl: u64,
        wait: Option<u64>,
        rid: Option<u8>,
    },
    Renew {
        res: u8,
        owner: u8,
        tok: Tok,
        ttl: u64,
    },
    Release {
        res: u8,
        owner: u8,
        tok: Tok,
    },
    Cancel {
        res: u8,
        owner: u8,
    },
    Campaign {
        el: u8,
        cand: u8,
        ttl: u64,
    },
    Resign {
        el: u8,
        cand: u8,
        tok: Tok,
    },
    Withdraw {
        el: u8,
        cand: u8,
    },
    Write {
        res: u8,
        owner: u8,
        tok: Tok,
    },
    Tick,
}

#[derive(Debug, Clone)]
pub(crate) struct Case {
    pub(crate) options: LeaseOptions,
    pub(crate) steps: Vec<(i64, Op)>,
}

pub(crate) fn tok() -> impl Strategy<Value = Tok> {
    prop_oneof![
        6 => (0usize..3).prop_map(Tok::Known),
        1 => (0u64..40).prop_map(Tok::Raw),
    ]
}

pub(crate) fn op() -> impl Strategy<Value = Op> {
    let res = 0u8..3;
    let owner = 0u8..4;
    let ttl = 0u64..28;
    prop_oneof![
        8 => (res.clone(), owner.clone(), ttl.clone(),
              prop::option::weighted(0.7, 0u64..45), prop::option::weighted(0.6, 0u8..3))
            .prop_map(|(res, owner, ttl, wait, rid)| Op::Acquire { res, owner, ttl, wait, rid }),
        3 => (res.clone(), owner.clone(), tok(), ttl.clone())
            .prop_map(|(res, owner, tok, ttl)| Op::Renew { res, owner, tok, ttl }),
        4 => (res.clone(), owner.clone(), tok())
            .prop_map(|(res, owner, tok)| Op::Release { res, owner, tok }),
        1 => (res.clone(), owner.clone()).prop_map(|(res, owner)| Op::Cancel { res, owner }),
        3 => (0u8..2, owner.clone(), ttl.clone())
            .prop_map(|(el, cand, ttl)| Op::Campaign { el, cand, ttl }),
        1 => (0u8..2, owner.clone(), tok()).prop_map(|(el, cand, tok)| Op::Resign { el, cand, tok }),
        1 => (0u8..2, owner.clone()).prop_map(|(el, cand)| Op::Withdraw { el, cand }),
        3 => (res, owner, tok()).prop_map(|(res, owner, tok)| Op::Write { res, owner, tok }),
        3 => Just(Op::Tick),
    ]
}

pub(crate) fn dt() -> impl Strategy<Value = i64> {
    prop_oneof![
        6 => Just(0i64),
        10 => 1i64..6,
        3 => 6i64..40,
        1 => -3i64..0,
    ]
}

pub(crate) fn case() -> impl Strategy<Value = Case> {
    let options = (
        1u64..3,
        prop_oneof![Just(25u64), Just(1_000_000u64)],
        prop_oneof![3 => Just(0u64), 1 => 1u64..12],
        prop::bool::weighted(0.75),
    )
        .prop_map(
            |(min_ttl_ms, max_ttl_ms, lock_delay_ms, fifo)| LeaseOptions {
                min_ttl_ms,
                max_ttl_ms,
                lock_delay_ms,
                fifo,
            },
        );
    (options, prop::collection::vec((dt(), op()), 1..100))
        .prop_map(|(options, steps)| Case { options, steps })
}

pub(crate) fn res_name(i: u8) -> String {
    format!("r{i}")
}
pub(crate) fn owner_name(i: u8) -> String {
    format!("o{i}")
}
pub(crate) fn el_name(i: u8) -> String {
    format!("e{i}")
}
pub(crate) fn rid_name(i: u8) -> String {
    format!("q{i}")
}
