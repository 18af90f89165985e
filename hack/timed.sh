#!/usr/bin/env bash
# Runs a command and says how long it took, so that `make test` shows where its minutes go.
#
# Usage: hack/timed.sh LABEL COMMAND [ARG...]
set -uo pipefail
label="$1"
shift
start=$SECONDS
"$@"
rc=$?
echo "timed: $label took $((SECONDS - start))s (exit $rc)" >&2
exit "$rc"
