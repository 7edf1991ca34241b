#!/usr/bin/env bash
# Smoke test of the built binary: the commands a user runs first, and their exit codes.
set -euo pipefail
bin=${1:?usage: smoke.sh BIN}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$bin" version
"$bin" take -o "$tmp/a.yaml"
test "$(stat -c %a "$tmp/a.yaml")" = 600 || { echo "snapshot file is not mode 0600"; exit 1; }
grep -q '^  schema: procsnap/v1' "$tmp/a.yaml"
"$bin" take --no-fds --format json -o "$tmp/a.json.gz"
gzip -t "$tmp/a.json.gz"

set +e
"$bin" take --format xml >/dev/null 2>&1; rc=$?
set -e
test "$rc" = 2 || { echo "bad --format exited $rc, want 2"; exit 1; }
set +e
"$bin" take --proc "$tmp/nonexistent" >/dev/null 2>&1; rc=$?
set -e
test "$rc" = 3 || { echo "unreadable --proc exited $rc, want 3"; exit 1; }
"$bin" take --no-stack -o "$tmp/b.yaml.gz"
"$bin" diff "$tmp/a.yaml" "$tmp/b.yaml.gz" >/dev/null
"$bin" diff "$tmp/a.yaml" --format jsonl >/dev/null
set +e
"$bin" diff "$tmp/a.yaml" "$tmp/a.yaml" --exit-code >/dev/null 2>&1; rc=$?
set -e
test "$rc" = 0 || { echo "diff of a snapshot with itself --exit-code exited $rc, want 0"; exit 1; }
set +e
"$bin" diff "$tmp/a.yaml" "$tmp/nonexistent.yaml" >/dev/null 2>&1; rc=$?
set -e
test "$rc" = 2 || { echo "diff of a missing file exited $rc, want 2"; exit 1; }
echo "smoke: ok"
