#!/usr/bin/env bash
# Fails when generated files (crds/ and its copies in deploy/crds/ and helm/pyfleet/crds/) differ from what the
# build just produced: they are committed so that `kubectl apply -f crds/`, kustomize, the chart and Argo CD install
# exactly what the code defines.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if ! git rev-parse --git-dir >/dev/null 2>&1; then
  if [[ "${CI:-}" == "true" ]]; then
    echo "check-generated: not a git checkout, so drift cannot be checked (CI=true: failing)" >&2
    exit 1
  fi
  echo "check-generated: not a git checkout; skipped" >&2
  exit 0
fi
drift="$(git status --porcelain -- crds/ deploy/crds/ helm/pyfleet/crds/)"
if [[ -n "$drift" ]]; then
  echo "check-generated: generated CRDs are stale; the build regenerated these files:" >&2
  echo "$drift" >&2
  git --no-pager diff --stat -- crds/ deploy/crds/ helm/pyfleet/crds/ >&2
  echo "check-generated: run 'make build' and commit crds/, deploy/crds/ and helm/pyfleet/crds/" >&2
  exit 1
fi
echo "check-generated: crds/, deploy/crds/ and helm/pyfleet/crds/ match the code"
