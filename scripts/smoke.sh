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
"$bin" validate "$tmp/a.yaml" "$tmp/a.json.gz"
head -c 100 "$tmp/a.yaml" > "$tmp/cut.yaml"
set +e
"$bin" validate "$tmp/cut.yaml" >/dev/null 2>&1; rc=$?
set -e
test "$rc" = 2 || { echo "validate of a truncated snapshot exited $rc, want 2"; exit 1; }
"$bin" tree --sessions "$tmp/a.yaml" >"$tmp/sessions.txt"
grep -q '^session ' "$tmp/sessions.txt" || { echo "tree --sessions printed no session"; exit 1; }
"$bin" tree --format json "$tmp/a.json.gz" >"$tmp/tree.json"
grep -q '"roots"' "$tmp/tree.json" || { echo "tree --format json printed no roots"; exit 1; }
"$bin" ps --sort -fds "$tmp/a.yaml" >"$tmp/ps.txt"
# No "cmd | grep -q" under pipefail: grep -q exits at its first match, and a writer still
# writing then dies of SIGPIPE (141), which fails the script. Grep files instead.
head -1 "$tmp/ps.txt" >"$tmp/ps-header.txt"
grep -q '^PPID  *PID  *PGID  *SID  *TTY  *TPGID  *STAT' "$tmp/ps-header.txt" || { echo "ps header"; exit 1; }
"$bin" ps --format yaml --columns pid,stat >/dev/null
set +e
"$bin" ps --columns nosuch "$tmp/a.yaml" >/dev/null 2>&1; rc=$?
set -e
test "$rc" = 2 || { echo "bad --columns exited $rc, want 2"; exit 1; }
set +e
"$bin" tree "$tmp/missing.yaml" >/dev/null 2>&1; rc=$?
set -e
test "$rc" = 2 || { echo "tree of a missing file exited $rc, want 2"; exit 1; }
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
# Capture directories: a new file per run, retention, listing, diff of the two latest.
"$bin" take --dir "$tmp/caps" --no-stack --pid 1 --pid $$
"$bin" take -o "$tmp/caps/" --no-stack --pid 1 --pid $$ --keep 2
"$bin" take -o "$tmp/caps/" --no-stack --pid 1 --pid $$ --keep 2
test "$(ls "$tmp/caps" | wc -l)" = 2 || { echo "take --keep 2 left $(ls "$tmp/caps")"; exit 1; }
test "$(stat -c %a "$tmp/caps")" = 700 || { echo "capture directory is not mode 0700"; exit 1; }
"$bin" ls "$tmp/caps" >"$tmp/ls.txt"
grep -q '^TIME' "$tmp/ls.txt" || { echo "ls printed no header"; exit 1; }
"$bin" diff "$tmp/caps" >/dev/null
"$bin" log "$tmp/caps" >/dev/null
# Fleet formats and metrics (README "Across a fleet").
"$bin" take --no-stack --pid 1 --format ecs >"$tmp/take.ecs"
grep -q '"@timestamp":' "$tmp/take.ecs" || { echo "take --format ecs wrote no ECS document"; exit 1; }
"$bin" diff "$tmp/caps" --format ocsf >/dev/null
"$bin" metrics "$tmp/caps" -o "$tmp/procsnap.prom"
test "$(stat -c %a "$tmp/procsnap.prom")" = 644 || { echo "metrics file is not mode 0644"; exit 1; }
grep -q '^procsnap_processes{state="Z"} ' "$tmp/procsnap.prom" || { echo "metrics wrote no process counts"; exit 1; }
if command -v promtool >/dev/null; then promtool check metrics <"$tmp/procsnap.prom"; fi
set +e
"$bin" metrics --top 0 >/dev/null 2>&1; rc=$?
set -e
test "$rc" = 2 || { echo "metrics --top 0 exited $rc, want 2"; exit 1; }
echo "smoke: ok"
