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
"$bin" tree --sessions "$tmp/a.yaml" >"$tmp/sessions.txt"
grep -q '^session ' "$tmp/sessions.txt" || { echo "tree --sessions printed no session"; exit 1; }
"$bin" tree --format json "$tmp/a.json.gz" >"$tmp/tree.json"
grep -q '"roots"' "$tmp/tree.json" || { echo "tree --format json printed no roots"; exit 1; }
"$bin" ps --sort -fds "$tmp/a.yaml" >"$tmp/ps.txt"
head -1 "$tmp/ps.txt" | grep -q '^PPID  *PID  *PGID  *SID  *TTY  *TPGID  *STAT' || { echo "ps header"; exit 1; }
"$bin" ps --format yaml --columns pid,stat >/dev/null
set +e
"$bin" ps --columns nosuch "$tmp/a.yaml" >/dev/null 2>&1; rc=$?
set -e
test "$rc" = 2 || { echo "bad --columns exited $rc, want 2"; exit 1; }
set +e
"$bin" tree "$tmp/missing.yaml" >/dev/null 2>&1; rc=$?
set -e
test "$rc" = 2 || { echo "tree of a missing file exited $rc, want 2"; exit 1; }
echo "smoke: ok"
