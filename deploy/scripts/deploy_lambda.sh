#!/usr/bin/env bash
# Builds and deploys the two Lambda stacks with AWS SAM, then prints their outputs.
#
# Rendered by `pipeline run render` from templates/deploy; edit the template, not this file.
#
# Usage: scripts/deploy_lambda.sh [--dry-run] [http-client|csv-xlsx]...
#   With no stack named, deploys both. --dry-run prints the commands instead of running them.
# Needs the AWS SAM CLI and credentials for the account below (AWS_PROFILE or the usual
# environment variables). Parameters come from the templates' defaults, which the manifest set.
# `sam build` needs Node.js and Python 3.12 locally; without them, set
# SAM_BUILD_ARGS=--use-container to build in SAM's images.
set -euo pipefail

readonly REGION='us-east-1'
readonly ACCOUNT_ID='123456789012'
readonly STACK_PREFIX='veris-migration'
readonly ARTIFACTS_BUCKET='veris-deploy-artifacts-123456789012'

deploy_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# SAM's build output goes to a temporary directory, never into the rendered tree.
build_root="$(mktemp -d)"
trap 'rm -rf "$build_root"' EXIT
dry_run=false
stacks=()

run() {
    if "$dry_run"; then
        printf '%q ' "$@"
        printf '\n'
    else
        "$@"
    fi
}

deploy_stack() {
    local name=$1
    local template="$deploy_root/config/aws/lambda-$name.yaml"
    local build_dir="$build_root/$name"
    local stack="$STACK_PREFIX-$name"

    echo "deploying stack $stack from ${template#"$deploy_root"/}" >&2
    # shellcheck disable=SC2086 # SAM_BUILD_ARGS holds several words on purpose.
    run sam build --template-file "$template" --build-dir "$build_dir" ${SAM_BUILD_ARGS:-}
    run sam deploy \
        --template-file "$build_dir/template.yaml" \
        --stack-name "$stack" \
        --region "$REGION" \
        --s3-bucket "$ARTIFACTS_BUCKET" \
        --s3-prefix "$stack" \
        --capabilities CAPABILITY_IAM \
        --no-fail-on-empty-changeset
    run aws cloudformation describe-stacks \
        --stack-name "$stack" \
        --region "$REGION" \
        --query 'Stacks[0].Outputs' \
        --output table
}

for argument in "$@"; do
    case "$argument" in
        --dry-run) dry_run=true ;;
        http-client | csv-xlsx) stacks+=("$argument") ;;
        -h | --help)
            # The comment block at the top of this file is the help.
            awk 'NR > 1 && /^#/ { print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"
            exit 0
            ;;
        *)
            echo "error: unknown argument '$argument'" >&2
            echo "usage: $0 [--dry-run] [http-client|csv-xlsx]..." >&2
            exit 2
            ;;
    esac
done
if [ "${#stacks[@]}" -eq 0 ]; then
    stacks=(http-client csv-xlsx)
fi

if ! "$dry_run"; then
    for tool in sam aws; do
        if ! command -v "$tool" >/dev/null 2>&1; then
            echo "error: '$tool' not found" >&2
            echo "hint: install the AWS SAM CLI and the AWS CLI (pip install aws-sam-cli awscli)" >&2
            exit 2
        fi
    done
    caller_account="$(aws sts get-caller-identity --query Account --output text)"
    if [ "$caller_account" != "$ACCOUNT_ID" ]; then
        echo "error: credentials are for account $caller_account, the manifest names $ACCOUNT_ID" >&2
        exit 2
    fi
fi

for stack in "${stacks[@]}"; do
    deploy_stack "$stack"
done
