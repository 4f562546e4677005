#!/usr/bin/env bash
# `npm test`: every test layer, cheapest first, stopping at the first failure. Each layer is a
# script in scripts/ci/ that also runs alone (e.g. `scripts/ci/clippy wasm32`).
#   1. setup (idempotent)            5. wasm-pack test --node (shared wasm suite)
#   2. rustfmt, JS format and lint,  6. wasm-pack test --headless --chrome, then --firefox
#      clippy (native+wasm)          7. release build of pkg/<entry>/ (ring, lease, sim), then the
#   3. core purity check, structure     JS type check
#      (module cycles, file sizes)
#   4. cargo test (native)           8. node --test: JS surface on the release build (in Node, and the
#                                       same suite files in headless Chromium), page test, and the
#                                       consumers of the packed tarball (tests/consumers/: Node,
#                                       TypeScript, esbuild, Vite, webpack), and the lease contract
#                                       suite (tests/contract/: the wasm LeaseTable, and RedisLeases
#                                       with node-redis and ioredis on private redis-servers), and a
#                                       short run of the fault harness (tests/chaos/)
set -euo pipefail
ci=$(cd "$(dirname "$0")/ci" && pwd)

started=$SECONDS
step() {
  local name=$1
  shift
  local t=$SECONDS
  printf '\n== %s\n' "$name"
  "$@"
  printf '== %s: ok (%d s)\n' "$name" $((SECONDS - t))
}

step "setup" "$ci/setup"
step "rustfmt" "$ci/rustfmt"
step "JS format and lint (biome)" "$ci/js-lint"
step "clippy (native)" "$ci/clippy" native
step "clippy (wasm32)" "$ci/clippy" wasm32
# Each npm entry's wasm is built with its own features (scripts/build.mjs): keep each set clean.
for features in ring lease; do
  step "clippy (wasm32, features $features)" "$ci/clippy" "$features"
done
step "core purity" "$ci/core-purity"
step "structure: module cycles, file sizes" "$ci/structure"
step "hashring fixtures match hashring" "$ci/hashring-fixtures"
step "cargo test (native)" "$ci/cargo-test"
step "wasm-bindgen-test in Node" "$ci/wasm-node"
step "wasm-bindgen-test in headless Chromium" "$ci/wasm-chrome"
step "wasm-bindgen-test in headless Firefox" "$ci/wasm-firefox"
step "release build (pkg/)" "$ci/build"
step "JS type check (tsc)" "$ci/js-types"
printf '\n(all earlier layers passed in %d s; the JS layers follow)\n' $((SECONDS - started))
printf '
== node --test: JS surface on the release build in Node and in Chromium, entries and their size
'
printf '   budgets, README quick starts, page in Chromium, consumers of the packed tarball (Node,
'
printf '   TypeScript, esbuild, Vite, webpack), lease contract suite (wasm LeaseTable; RedisLeases
'
printf '   with node-redis and ioredis), short fault-harness runs (tests/chaos/)
'
"$ci/node-tests"
