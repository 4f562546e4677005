//! Cost bounds of lookups, counted in points visited (the unit-test-only counter
//! [`super::search::VISITED`]), not in wall time: a heavy node that is down, or nodes that fill
//! up under bounded loads, must never make a lookup walk their points one by one.

use super::hash_ring::HashRing;
use super::limits::NO_NODE;
use super::scheme::Scheme;
use super::search::VISITED;

/// Points visited while `f` runs.
fn visits<R>(f: impl FnOnce() -> R) -> (R, u64) {
    let before = VISITED.with(|count| count.get());
    let result = f();
    (result, VISITED.with(|count| count.get()) - before)
}

fn keys(count: usize) -> Vec<String> {
    (0..count).map(|i| format!("key-{i}")).collect()
}

/// `{ big: 200,704 points, tiny: 1 point }` on a sha1 ring (vnodes 4096).
fn skewed() -> HashRing {
    let mut ring = HashRing::new(4096).unwrap();
    ring.add_nodes(&[("big", 49.0), ("tiny", 1.0 / 4096.0)])
        .unwrap();
    assert_eq!(ring.point_count(), 200_704 + 1);
    ring
}

/// The owner of `position` by walking the points one by one (the contract, without indexes).
fn walked_owner(ring: &HashRing, position: u32) -> Option<u32> {
    let start = ring.point_at_or_after(position)?;
    let len = ring.point_count();
    (0..len)
        .map(|step| ring.owners()[(start + step) % len])
        .find(|&owner| ring.nodes()[owner as usize].up)
}

/// Bounded loads by walking the points one by one (the contract, without the union-find).
fn walked_bounded(ring: &HashRing, keys: &[&[u8]], epsilon: f64) -> Vec<u32> {
    let live = ring.nodes().iter().filter(|n| n.up && n.points > 0).count();
    let cap = super::balance::bounded_capacity(keys.len(), live, epsilon);
    let mut load = vec![0u64; ring.node_count()];
    let len = ring.point_count();
    keys.iter()
        .map(|key| {
            let start = ring.point_at_or_after(ring.position_of(key)).unwrap();
            let owner = (0..len)
                .map(|step| ring.owners()[(start + step) % len])
                .find(|&o| ring.nodes()[o as usize].up && load[o as usize] < cap)
                .unwrap();
            load[owner as usize] += 1;
            owner
        })
        .collect()
}

#[test]
fn lookups_skip_a_heavy_down_node_in_log_points() {
    let mut ring = skewed();
    ring.mark_down("big").unwrap();
    let keys = keys(2_000);
    let keys: Vec<&[u8]> = keys.iter().map(String::as_bytes).collect();
    let log = u64::from(ring.point_count().ilog2()) + 2;

    let (owners, cost) = visits(|| {
        let mut owners = Vec::new();
        ring.owner_indexes_into(keys.iter().copied(), &mut owners);
        owners
    });
    assert!(owners.iter().all(|&o| o == 1), "tiny owns every key");
    assert!(
        cost <= keys.len() as u64 * log,
        "nodeForMany visited {cost} points"
    );

    let (_, cost) = visits(|| {
        for key in &keys {
            assert_eq!(ring.node_for(key), Some("tiny"));
        }
    });
    assert!(
        cost <= keys.len() as u64 * log,
        "nodeFor visited {cost} points"
    );

    let (_, cost) = visits(|| {
        for key in &keys {
            assert_eq!(ring.nodes_for(key, 2), vec!["tiny"]);
        }
    });
    assert!(
        cost <= keys.len() as u64 * (log + 2),
        "nodesFor visited {cost} points"
    );

    let (assigned, cost) = visits(|| ring.assign_bounded(&keys, 0.25).unwrap());
    assert!(assigned.iter().all(|&o| o == 1));
    let bound = ring.point_count() as u64 + keys.len() as u64 * log;
    assert!(
        cost <= bound,
        "assignBounded visited {cost} points (bound {bound})"
    );

    // Up again: the same answers as before it went down, still without walking.
    ring.mark_up("big").unwrap();
    let (_, cost) = visits(|| {
        for key in &keys {
            let position = ring.position_of(key);
            assert_eq!(
                ring.owner_of_position(position).map(|o| o as u32),
                walked_owner(&ring, position)
            );
        }
    });
    assert!(
        cost <= keys.len() as u64 * log,
        "all up: visited {cost} points"
    );
}

#[test]
fn bounded_loads_pass_a_full_heavy_node_once() {
    // Both up: "big" takes about every key until it is full, then every later key would walk
    // its 200k points to reach "tiny" if full points were not skipped.
    let ring = skewed();
    let keys = keys(20_000);
    let keys: Vec<&[u8]> = keys.iter().map(String::as_bytes).collect();
    let (assigned, cost) = visits(|| ring.assign_bounded(&keys, 0.1).unwrap());
    let cap = super::balance::bounded_capacity(keys.len(), 2, 0.1);
    assert_eq!(assigned.iter().filter(|&&o| o == 0).count() as u64, cap);
    let log = u64::from(ring.point_count().ilog2()) + 2;
    let bound = 2 * ring.point_count() as u64 + keys.len() as u64 * log;
    assert!(cost <= bound, "visited {cost} points (bound {bound})");
    // Once "big" is full, every later key goes to "tiny", however far clockwise it is.
    let full = assigned
        .iter()
        .scan(0u64, |load, &o| {
            *load += u64::from(o == 0);
            Some(*load)
        })
        .position(|load| load == cap)
        .unwrap();
    assert!(assigned[full + 1..].iter().all(|&o| o == 1));
}

#[test]
fn indexed_lookups_match_a_walk_of_the_points() {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut random = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let keys = keys(300);
    let keys: Vec<&[u8]> = keys.iter().map(String::as_bytes).collect();
    for scheme in [Scheme::Sha1, Scheme::Ketama] {
        for round in 0..12 {
            let mut ring = HashRing::with_scheme(scheme, 1 + (random() % 40) as u32).unwrap();
            let ids: Vec<String> = (0..1 + random() % 9).map(|i| format!("n{i}")).collect();
            let specs: Vec<(&str, f64)> = ids
                .iter()
                .map(|id| (id.as_str(), 0.1 + (random() % 30) as f64 / 10.0))
                .collect();
            ring.add_nodes(&specs).unwrap();
            for id in &ids {
                if random() % 3 == 0 {
                    ring.mark_down(id).unwrap();
                }
            }
            // Changes after the health marks must keep the live index in step.
            if round % 3 == 0 {
                ring.add_node("late", 0.5).unwrap();
            }
            if round % 4 == 1 {
                ring.remove_node(&ids[0]).unwrap();
            }
            if round % 5 == 2 && ring.has_node("n1") {
                ring.set_weight("n1", 2.5).unwrap();
            }
            let what = format!("{scheme:?} round {round}");
            for key in &keys {
                let position = ring.position_of(key);
                let owner = ring.owner_of_position(position).map(|o| o as u32);
                assert_eq!(owner, walked_owner(&ring, position), "{what}");
                let replicas = ring.replica_indexes(position, 3);
                assert_eq!(replicas.first().copied(), owner, "{what}");
            }
            let again = ring.rebuilt(
                &ring
                    .nodes_in_insertion_order()
                    .iter()
                    .map(|n| (n.id.as_str(), n.weight, n.up))
                    .collect::<Vec<_>>(),
            );
            let again = again.unwrap();
            for key in &keys {
                assert_eq!(again.node_for(key), ring.node_for(key), "{what} rebuilt");
            }
            for epsilon in [0.01, 0.25, 2.0] {
                match ring.assign_bounded(&keys, epsilon) {
                    Ok(assigned) => {
                        assert_eq!(assigned, walked_bounded(&ring, &keys, epsilon), "{what}");
                        assert!(!assigned.contains(&NO_NODE));
                    }
                    Err(_) => assert_eq!(ring.live_count(), 0, "{what}"),
                }
            }
        }
    }
}
