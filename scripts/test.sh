#!/usr/bin/env bash
# Runs every test of the repository: formatting, lints, the Rust tests, and
# the deploy-artifact suites (which install what they need on first use).
# Ends with one line, `N passed, N failed`, counting every suite.
#
# The cargo target folder lives outside the clone, at a fixed path, so that
# repeated runs (and CI on the same machine) reuse the build.
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/pipeline-target}"
# Snapshots must be committed and accepted; a test never rewrites them.
export INSTA_UPDATE=no
# The deploy suites keep their Python environment beside the build, so it
# too survives between runs of a fresh clone.
export DEPLOY_TEST_CACHE="${DEPLOY_TEST_CACHE:-$CARGO_TARGET_DIR/deploy-tests}"

log=$(mktemp)
trap 'rm -f "$log"' EXIT
step() { printf '\n==> %s\n' "$*" >&2; }

step "cargo fmt --check"
cargo fmt --all --check

step "cargo clippy (warnings denied)"
cargo clippy --all-targets --locked -- -D warnings

step "cargo test"
cargo test --locked 2>&1 | tee -a "$log"

if [[ -x tests/deploy/run.sh ]]; then
  step "deploy artifacts"
  tests/deploy/run.sh 2>&1 | tee -a "$log"
fi

# cargo prints `test result: ok. N passed; M failed; ...` per test binary;
# the deploy suites print `N passed, M failed`.
awk '
  /^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
  /^[0-9]+ passed, [0-9]+ failed/ { p += $1; f += $3 }
  END { printf "%d passed, %d failed\n", p, f }
' "$log"
