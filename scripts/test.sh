#!/usr/bin/env bash
# `npm test`: every test layer, cheapest first, stopping at the first failure.
#   1. setup (idempotent)            5. wasm-pack test --node (shared wasm suite)
#   2. rustfmt, clippy (native+wasm) 6. wasm-pack test --headless --chrome, then --firefox
#   3. core purity check             7. release build of pkg/<entry>/ (ring, lease, sim)
#   4. cargo test (native)           8. node --test: JS surface on the release build (in Node, and the
#                                       same suite files in headless Chromium), page test, and the
#                                       consumers of the packed tarball (tests/consumers/: Node,
#                                       TypeScript, esbuild, Vite, webpack), and the lease contract
#                                       suite (tests/contract/: the wasm LeaseTable, and RedisLeases
#                                       with node-redis and ioredis on private redis-servers), and a
#                                       short run of the fault harness (tests/chaos/)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export PATH="$root/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$HOME/.cargo/bin:$PATH"
chromedriver=${CHROMEDRIVER:-/usr/bin/chromedriver}
geckodriver=${GECKODRIVER:-${CARGO_HOME:-$HOME/.cargo}/bin/geckodriver}
export CARGO_TERM_COLOR=never

started=$SECONDS
step() {
  local name=$1
  shift
  local t=$SECONDS
  printf '\n== %s\n' "$name"
  "$@"
  printf '== %s: ok (%d s)\n' "$name" $((SECONDS - t))
}

core_is_pure() {
  if grep -rn -E 'wasm_bindgen|js_sys|JsValue|JsError|serde_wasm_bindgen' src/core; then
    echo "src/core must stay pure Rust (the lines above name the JS boundary)" >&2
    return 1
  fi
}

step "setup" bash scripts/setup.sh
step "rustfmt" cargo fmt --all -- --check
step "JS format and lint (biome)" biome ci --error-on-warnings .
step "clippy (native)" cargo clippy --quiet --all-targets -- -D warnings
step "clippy (wasm32)" cargo clippy --quiet --all-targets --target wasm32-unknown-unknown -- -D warnings
# Each npm entry's wasm is built with its own features (scripts/build.mjs): keep each set clean.
for features in ring lease; do
  step "clippy (wasm32, features $features)" \
    cargo clippy --quiet --lib --target wasm32-unknown-unknown --no-default-features --features "$features" -- -D warnings
done
step "core purity" core_is_pure
step "hashring fixtures match hashring" node scripts/gen-hashring-fixtures.mjs --check
step "cargo test (native)" cargo test --quiet
step "wasm-bindgen-test in Node" wasm-pack test --node -- --test node
# One browser per run: with both drivers in its environment the test runner picks Firefox twice.
step "wasm-bindgen-test in headless Chromium" \
  env -u GECKODRIVER CHROMEDRIVER="$chromedriver" wasm-pack test --headless --chrome -- --test browser
step "wasm-bindgen-test in headless Firefox" \
  env -u CHROMEDRIVER GECKODRIVER="$geckodriver" wasm-pack test --headless --firefox -- --test browser
step "release build (pkg/)" node scripts/build.mjs
# After the build: the type check resolves js/index.js's `./ringlease.js` in pkg/ring/.
step "JS type check (tsc)" tsc -p tsconfig.checkjs.json
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
node --test --test-reporter=spec tests/js/ tests/page/ tests/consumers/ tests/contract/ tests/chaos/
