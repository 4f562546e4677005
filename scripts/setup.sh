#!/usr/bin/env bash
# Installs everything `npm start` and `npm test` need on a fresh machine, from package
# registries only (no prebuilt binaries, no browser downloads). Idempotent: each step is skipped
# when already satisfied, so a warm run takes seconds.
#
#   scripts/setup.sh                 # everything the tests need (toolchain, browsers, drivers, npm packages)
#   scripts/setup.sh --no-browsers   # only what building and serving the page needs
#   scripts/setup.sh --no-browsers --size   # that, plus twiggy for `npm run size`
#   scripts/setup.sh --no-browsers --redis  # that, plus redis-server for `npm run bench`
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
browsers=1
size=0
redis=0
for arg in "$@"; do
  case "$arg" in
    --no-browsers) browsers=0 ;;
    --size) size=1 ;;
    --redis) redis=1 ;;
    *) printf '[setup] unknown option %s\n' "$arg" >&2; exit 2 ;;
  esac
done

log() { printf '[setup] %s\n' "$*" >&2; }
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$HOME/.cargo/bin:$PATH"

# The wasm-bindgen version pinned with `=` in Cargo.toml; the CLI must match it exactly.
bindgen_version=$(sed -n 's/^wasm-bindgen *= *"=\([0-9.]*\)".*/\1/p' Cargo.toml | head -n1)
if [ -z "$bindgen_version" ]; then
  log "Cargo.toml must pin wasm-bindgen with = (e.g. wasm-bindgen = \"=0.2.130\")"
  exit 1
fi
wasm_pack_version=0.15.1
geckodriver_version=0.37.1

# 1. Rust target for the browser build.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# 2. Browsers and drivers from Debian (only the test layers need them), and redis-server (the
#    contract suite in tests/contract/ and bench/redis.mjs start private instances of it).
[ "$browsers" = 1 ] && redis=1
missing=()
if [ "$browsers" = 1 ]; then
  command -v chromium >/dev/null || missing+=(chromium)
  command -v chromedriver >/dev/null || missing+=(chromium-driver)
  command -v firefox-esr >/dev/null || missing+=(firefox-esr)
fi
if [ "$redis" = 1 ]; then
  command -v redis-server >/dev/null || missing+=(redis-server)
fi
if [ ${#missing[@]} -gt 0 ]; then
  log "apt-get install ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# 3. Rust tools built from source (cargo install never downloads prebuilt binaries).
installed_version() { # crate -> version installed by cargo, or empty
  cargo install --list | sed -n "s/^$1 v\([0-9.]*\):\$/\1/p"
}
cargo_tool() { # crate version
  if [ "$(installed_version "$1")" != "$2" ]; then
    log "cargo install $1@$2 (from source; a few minutes on a cold machine)"
    # Not --locked: the tools' lockfiles pin versions (e.g. webpki-roots 1.0.11) that the
    # registry mirror here does not serve; a fresh resolution within their semver ranges builds.
    cargo install --quiet "$1" --version "=$2"
  fi
}
cargo_tool wasm-bindgen-cli "$bindgen_version"
cargo_tool wasm-pack "$wasm_pack_version"
[ "$browsers" = 1 ] && cargo_tool geckodriver "$geckodriver_version"
[ "$size" = 1 ] && cargo_tool twiggy 0.8.0

# 4. npm packages (binaryen's wasm-opt, playwright-core, the benchmark peers).
if [ ! -f node_modules/.package-lock.json ] || ! cmp -s package-lock.json node_modules/.setup-lock; then
  log "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.setup-lock
fi
log "ready"
