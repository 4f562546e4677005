#!/usr/bin/env bash
# Shows that the named lease regression tests can fail: each mutant below puts one real bug back
# into the core (etcd's expired waiter, a non-owner release, renewal at expiry, no fencing at the
# store, a lost reply that queues twice or is not recognised after the grant), runs the test named after that bug, and expects it to
# FAIL. The source is restored after each mutant (also on Ctrl-C). Not part of `npm test` (each
# mutant is a native rebuild); run it by hand after changing the lease engine:
#
#   bash scripts/mutants.sh
set -euo pipefail
cd "$(dirname "$0")/.."

backup=$(mktemp -d)
cp src/core/lease.rs src/core/store.rs "$backup/"
restore() { cp "$backup/lease.rs" src/core/lease.rs; cp "$backup/store.rs" src/core/store.rs; }
trap 'restore; rm -rf "$backup"' EXIT

survived=0
# mutant <name> <file> <exact text> <replacement> <test binary> <test name>
mutant() {
  local name=$1 file=$2 from=$3 to=$4 bin=$5 test=$6
  restore
  FROM=$from TO=$to python3 - "$file" <<'EOF'
import os, sys
path = sys.argv[1]
text = open(path).read()
count = text.count(os.environ["FROM"])
if count != 1:
    sys.exit(f"mutant text found {count} times in {path} (expected once): update scripts/mutants.sh")
open(path, "w").write(text.replace(os.environ["FROM"], os.environ["TO"]))
EOF
  cargo test -q --no-run --test "$bin" >/dev/null 2>&1 || { echo "mutant $name does not compile"; exit 1; }
  # A mutant may also hang (a due timer that never goes away): a timeout counts as a failure.
  if timeout 60 cargo test -q --test "$bin" -- --exact "$test" >/dev/null 2>&1; then
    echo "SURVIVED  $name: $test still passes"
    survived=$((survived + 1))
  else
    echo "killed    $name: $test fails, as it must"
  fi
}

mutant "etcd: a waiter past its deadline stays queued" src/core/lease.rs \
  'position(|w| w.deadline_ms <= t)' 'position(|w| w.deadline_ms <= t && false)' \
  lease_regressions etcd_waiter_whose_wait_expired_while_queued_is_never_granted
mutant "redis: release does not check the owner" src/core/lease.rs \
  'if h.owner == owner && h.token == token {' 'if h.token == token || h.owner != owner {' \
  lease_regressions redis_release_by_non_owner_is_rejected
mutant "renewal: a lease is still live at expiresAtMs" src/core/lease.rs \
  'if slot.holder.as_ref().is_some_and(|h| h.expires_at_ms <= t) {' \
  'if slot.holder.as_ref().is_some_and(|h| h.expires_at_ms < t) {' \
  lease_regressions renewal_after_expiry_is_rejected
mutant "kleppmann: the store ignores tokens" src/core/store.rs \
  'if token < highest {' 'if token < highest && false {' \
  lease_regressions kleppmann_paused_client_write_with_stale_token_is_rejected
mutant "zookeeper: a retried acquire queues a second entry" src/core/lease.rs \
  '} else if let Some(i) = slot.position(owner) {' \
  '} else if let Some(i) = slot.position(owner).filter(|_| false) {' \
  lease_regressions zookeeper_lost_acquire_reply_retried_with_same_request_id_leaves_one_queue_entry
mutant "zookeeper: a late duplicate of a granted request is not recognised" src/core/lease.rs \
  'if h.owner == owner && h.request_id.as_ref() == Some(id) {' \
  'if h.owner == owner && h.request_id.as_ref() == Some(id) && false {' \
  lease_regressions zookeeper_lost_acquire_reply_retried_with_same_request_id_leaves_one_queue_entry

restore
if [ "$survived" -gt 0 ]; then
  echo "$survived mutant(s) survived: the named test does not catch its bug"
  exit 1
fi
echo "every mutant was killed"
