#!/usr/bin/env bash
# Runs every test of the repository: formatting, lints, the Rust tests, and
# the deploy-artifact suites (which install what they need on first use).
#
# The cargo target folder lives outside the clone, at a fixed path, so that
# repeated runs (and CI on the same machine) reuse the build.
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/pipeline-target}"
# Snapshots must be committed and accepted; a test never rewrites them.
export INSTA_UPDATE=no

step() { printf '\n==> %s\n' "$*" >&2; }

step "cargo fmt --check"
cargo fmt --all --check

step "cargo clippy (warnings denied)"
cargo clippy --all-targets --locked -- -D warnings

step "cargo test"
cargo test --locked

if [[ -x tests/deploy/run.sh ]]; then
  step "deploy artifacts"
  tests/deploy/run.sh
fi
