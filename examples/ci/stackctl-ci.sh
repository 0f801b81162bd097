#!/usr/bin/env bash
# stackctl for any CI system: `stackctl-ci.sh plan | deploy | drift`, run from the directory holding
# compose.yaml. Credentials come the usual AWS way (a role of the CI runner, OIDC web identity, a
# profile); never put keys in the repository.
#
#   STACK=prod stackctl-ci.sh plan              # writes plan.md; exit 0 with or without changes, 1 on error
#   STACK=prod IMAGES="web=repo/web:abc" stackctl-ci.sh deploy   # reconcile --once, then check the wiring
#   stackctl-ci.sh drift                        # drift --all into drift.md; exit 2 when any stack drifted
#
# Exit codes: 0 fine, 1 error, 2 drift (drift only). STACKCTL may name the command (default: stackctl).
set -uo pipefail

stackctl="${STACKCTL:-stackctl}"
mode="${1:-}"

case "$mode" in
  plan)
    : "${STACK:?set STACK to the stack to plan}"
    "$stackctl" validate || exit 1
    code=0
    "$stackctl" plan --stack "$STACK" --output markdown > plan.md || code=$?
    if [ "$code" -eq 1 ]; then exit 1; fi
    echo "plan for $STACK written to plan.md ($([ "$code" -eq 2 ] && echo changes || echo no changes))"
    ;;
  deploy)
    : "${STACK:?set STACK to the stack to deploy}"
    args=()
    for image in ${IMAGES:-}; do args+=(--image "$image"); done
    "$stackctl" reconcile --once --stack "$STACK" "${args[@]}" --output json > reconcile.json || exit 1
    "$stackctl" check --stack "$STACK" || exit 1
    ;;
  drift)
    code=0
    "$stackctl" drift --all --output markdown --out drift.md || code=$?
    exit "$code"
    ;;
  *)
    echo "usage: stackctl-ci.sh plan|deploy|drift (see the comments at the top)" >&2
    exit 1
    ;;
esac
