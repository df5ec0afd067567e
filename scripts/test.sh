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
# Everything builds with the release profile, as the README's main-job
# command does: DuckDB is C++ compiled from source (about 40 minutes on two
# cores), and one profile means it is compiled once for both.
# Snapshots must be committed and accepted; a test never rewrites them.
export INSTA_UPDATE=no
# The deploy suites keep their Python environment beside the build, so it
# too survives between runs of a fresh clone.
export DEPLOY_TEST_CACHE="${DEPLOY_TEST_CACHE:-$CARGO_TARGET_DIR/deploy-tests}"

log=$(mktemp)
postgres_dir=$(mktemp -d)
trap 'rm -rf "$log" "$postgres_dir"' EXIT
step() { printf '\n==> %s\n' "$*" >&2; }

# Every step runs even after one fails, so the closing line counts them all;
# the exit status says whether anything failed.
failed_steps=()
run_step() {
  local name=$1
  shift
  step "$name"
  if ! "$@" 2>&1 | tee -a "$log"; then
    failed_steps+=("$name")
  fi
}

# The knowledge-base tests start their own PostgreSQL 18 with pgvector, from
# binaries the deploy suite installs (as root it also creates the
# unprivileged user the servers run as). The validation tests start Debian's
# PostgreSQL 15, whose plpgsql_check package the same step installs.
step "PostgreSQL with pgvector for the tests"
if bin=$(chmod 0755 "$postgres_dir" && tests/deploy/run.sh --prepare-postgres "$postgres_dir"); then
  export PIPELINE_TEST_PG_BIN="$bin"
  export PIPELINE_TEST_PG_USER="${DEPLOY_TEST_USER:-pipeline-test}"
else
  failed_steps+=("PostgreSQL for the tests")
fi

run_step "cargo fmt --check" cargo fmt --all --check
run_step "cargo clippy (warnings denied)" cargo clippy --release --all-targets --locked -- -D warnings
run_step "cargo test" cargo test --release --locked --no-fail-fast
run_step "deploy artifacts" tests/deploy/run.sh

# cargo prints `test result: ok. N passed; M failed; ...` per test binary;
# the deploy suites print `N passed, M failed`. A failed step that ran no
# test (fmt, clippy) counts as one failure.
awk -v extra="${#failed_steps[@]}" '
  /^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
  /^[0-9]+ passed, [0-9]+ failed/ { p += $1; f += $3 }
  END { if (f == 0) f = extra; printf "%d passed, %d failed\n", p, f }
' "$log"
if [[ ${#failed_steps[@]} -gt 0 ]]; then
  printf 'failed: %s\n' "${failed_steps[*]}" >&2
  exit 1
fi
