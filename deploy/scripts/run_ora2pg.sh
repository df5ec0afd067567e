#!/usr/bin/env bash
# Converts extracted PL/SQL files with ora2pg in input-file mode: no Oracle connection.
#
# Rendered by `pipeline run render` from templates/deploy; edit the template, not this file.
#
# Usage: scripts/run_ora2pg.sh TYPE INPUT_DIR OUTPUT_DIR
#   TYPE is an ora2pg export type allowed with -i: FUNCTION, PROCEDURE, PACKAGE, TRIGGER, TYPE,
#   VIEW, TABLE, SEQUENCE, ... Every INPUT_DIR/*.sql file is converted on its own into
#   OUTPUT_DIR/<same name>; one file per run keeps ora2pg fast (it slows down sharply on large
#   files) and one bad object from hiding the others.
# Prints one line per file (converted or failed, with ora2pg's log under OUTPUT_DIR/logs/) and a
# summary; exits 1 when any file failed, 2 on bad usage.
set -euo pipefail

deploy_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
config="$deploy_root/config/ora2pg.conf"

usage() {
    echo "usage: $0 TYPE INPUT_DIR OUTPUT_DIR" >&2
    exit 2
}

[ "$#" -eq 3 ] || usage
type=$1
input_dir=$2
output_dir=$3

case "$type" in
    TABLE | SEQUENCE | GRANT | TABLESPACE | VIEW | TRIGGER | QUERY | FUNCTION | PROCEDURE | \
        PACKAGE | TYPE | SYNONYM | DIRECTORY | DBLINK | LOAD | SCRIPT | JOB) ;;
    *)
        echo "error: ora2pg cannot convert type '$type' from a file" >&2
        usage
        ;;
esac
if [ ! -d "$input_dir" ]; then
    echo "error: input directory '$input_dir' does not exist" >&2
    exit 2
fi
if ! command -v ora2pg >/dev/null 2>&1; then
    echo "error: ora2pg not found" >&2
    echo "hint: apt-get install ora2pg (or see https://ora2pg.darold.net)" >&2
    exit 2
fi

mkdir -p "$output_dir/logs"
converted=0
failed=0
shopt -s nullglob
for input in "$input_dir"/*.sql; do
    name="$(basename "$input")"
    log="$output_dir/logs/${name%.sql}.log"
    # ora2pg writes -o relative to -b; a work directory per file keeps the side files it
    # may write (global_variables.conf for packages) apart.
    work="$output_dir/logs/${name%.sql}.d"
    mkdir -p "$work"
    # ora2pg writes its header even for input it could not read; an output without a CREATE
    # statement converted nothing.
    if ora2pg -q -c "$config" -t "$type" -i "$input" -b "$work" -o "$name" >"$log" 2>&1 \
        && grep -qiE '^[[:space:]]*CREATE ' "$work/$name"; then
        mv "$work/$name" "$output_dir/$name"
        echo "converted $name"
        converted=$((converted + 1))
    else
        if [ -f "$work/$name" ]; then
            cat "$work/$name" >>"$log"
        fi
        echo "failed    $name (see ${log#"$output_dir"/})"
        failed=$((failed + 1))
    fi
done
echo "$type: $converted converted, $failed failed"
[ "$failed" -eq 0 ]
