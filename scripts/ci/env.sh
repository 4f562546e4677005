# Sourced by every step in scripts/ci/: strict mode, the repository as the working directory, and
# the tools from node_modules/.bin and cargo on PATH. Each step also runs alone, e.g.
# `scripts/ci/clippy` or `scripts/ci/node-tests tests/js/`.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
export PATH="$root/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$HOME/.cargo/bin:$PATH"
export CARGO_TERM_COLOR=never
