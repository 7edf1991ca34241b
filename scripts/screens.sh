#!/usr/bin/env bash
# screens.sh BIN: check procsnap's first screens in a real terminal (tmux) at 80x24 and 200x50.
#
# It starts POPULATION idle processes (default 5000, bench/population.c: sessions, groups,
# pipes and sockets, as a busy host), photographs the host (A), stages what an investigator
# looks for (DAEMONS double-fork daemons, REPARENTED processes whose parent exits, NOT_REAPING
# parents holding a zombie since before A), and churn: a hundredth of the population killed
# (zombies of parents that never reap), processes started that live on, short-lived ones spawned
# all along; it photographs the host again 5 s later (B), then runs `procsnap diff A B` and
# `procsnap ps` in tmux panes of each size and checks the screens: no line is wider than the
# pane (nothing wraps), the first screen holds the counts and every finding up to the detail
# section, and names every staged daemon, reparented process and parent not reaping; so must
# `log` of the two captures; `tree -a` and `tree --sessions -a` must not wrap. The
# screens are kept in $SCREENS (default bin/screens) for reading.
# Installs tmux with apt-get when missing (root), else skips with exit 0 and says so.
set -euo pipefail
bin=$(realpath "${1:?usage: screens.sh BIN}")
out=${SCREENS:-bin/screens}
if ! command -v tmux >/dev/null; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		apt-get install -y -o DPkg::Lock::Timeout=600 tmux >/dev/null
	else
		echo "screens: SKIPPED: tmux is not installed (apt-get install tmux)"; exit 0
	fi
fi
mkdir -p "$out"
tmp=$(mktemp -d)
sock="procsnap-screens-$$"
pids=()
cleanup() {
	for s in "$tmp"/sock.*; do [ -e "$s" ] && { tmux -L "${s##*/sock.}" kill-server 2>/dev/null || true; }; done
	for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; { wait "$p"; } 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "screens: FAIL: $*" >&2; exit 1; }

population=${POPULATION:-5000} ndaemons=${DAEMONS:-4} nreparented=${REPARENTED:-3} nzombies=${NOT_REAPING:-3}

# The population: each process prints its PID on its line once it holds its fds; its root's
# death kills them all (PR_SET_PDEATHSIG).
if [ "$population" -gt 0 ]; then
	${CC:-cc} -O2 -o "$tmp/population" "$(dirname "$0")/../bench/population.c"
	"$tmp/population" "$population" > "$tmp/population.pids" &
	pids+=($!)
	for _ in $(seq 1 600); do [ "$(wc -l < "$tmp/population.pids")" -ge "$population" ] && break; sleep 0.1; done
	[ "$(wc -l < "$tmp/population.pids")" -ge "$population" ] || fail "population: $(wc -l < "$tmp/population.pids") of $population started"
fi

# Parents that never reap: each shell execs sleep, which never waits for its child. Their
# zombies are there in A and still in B: "not reaping".
zparents=()
for i in $(seq 1 "$nzombies"); do
	sh -c "sleep 0.1 & exec sleep 50$i" &
	zparents+=($!); pids+=($!)
done
for p in "${zparents[@]}"; do
	for _ in $(seq 1 100); do grep -q '^State:.*Z' /proc/"$(pgrep -P "$p" | head -1)"/status 2>/dev/null && break; sleep 0.1; done
done
# Processes to be reparented: their parent (sh exec'd into sleep) is killed after A.
rparents=() reparented=()
for i in $(seq 1 "$nreparented"); do
	sh -c "sleep 60$i & echo \$! > $tmp/reparented.$i; exec sleep 700" &
	rparents+=($!); pids+=($!)
done
for i in $(seq 1 "$nreparented"); do
	for _ in $(seq 1 100); do [ -s "$tmp/reparented.$i" ] && break; sleep 0.1; done
	reparented+=("$(cat "$tmp/reparented.$i")"); pids+=("${reparented[-1]}")
done
# A and B are captures of a capture directory, for log too.
"$bin" take --no-stack --dir "$tmp/caps"
cp "$tmp"/caps/*.yaml "$tmp/a.yaml"
for p in "${rparents[@]}"; do kill -9 "$p"; { wait "$p"; } 2>/dev/null || true; done
# Daemons: setsid's shell backgrounds sleep and exits, so init adopts it without a terminal.
daemons=()
for i in $(seq 1 "$ndaemons"); do
	setsid sh -c "sleep 40$i </dev/null >/dev/null 2>&1 & echo \$! > $tmp/daemon.$i" &
done
for i in $(seq 1 "$ndaemons"); do
	for _ in $(seq 1 100); do [ -s "$tmp/daemon.$i" ] && break; sleep 0.1; done
	daemons+=("$(cat "$tmp/daemon.$i")"); pids+=("${daemons[-1]}")
done
# Churn: a hundredth of the population exits (zombies its session leaders never reap), as
# many processes start and live on, and short-lived ones come and go all along.
if [ "$population" -gt 0 ]; then
	awk -v n="$((population / 100))" 'NR % 100 == 50 && n-- > 0' "$tmp/population.pids" | xargs -r kill -9
fi
for _ in $(seq 1 "$((population / 100 + 1))"); do sleep 300 & pids+=($!); done
( for _ in $(seq 1 100); do (sleep 0.01 &); sleep 0.04; done ) &
pids+=($!)
sleep 5
"$bin" take --no-stack --dir "$tmp/caps"
cp "$(ls "$tmp"/caps/*.yaml | tail -1)" "$tmp/b.yaml"
cp "$tmp/a.yaml" "$tmp/b.yaml" "$out/"   # kept to read the screens against

# screen W H NAME CMD...: run CMD in a WxH tmux pane; save the first screen and every line.
screen() {
	local w=$1 h=$2 name=$3; shift 3
	local sk="$sock-$name"   # a server per screen: no race with the previous one exiting
	touch "$tmp/sock.$sk"
	echo 'set -g history-limit 200000' > "$tmp/tmux.conf"
	tmux -L "$sk" -f "$tmp/tmux.conf" new-session -d -x "$w" -y "$h" \
		"$* ; echo __done__; sleep 600"
	for _ in $(seq 1 1200); do
		tmux -L "$sk" capture-pane -p -J -S - -E - | grep -q __done__ && break
		sleep 0.1
	done
	tmux -L "$sk" capture-pane -p -J -S - -E - | sed '/__done__/,$d' > "$out/$name.all"
	tmux -L "$sk" kill-server 2>/dev/null || true
	head -n "$h" "$out/$name.all" > "$out/$name.screen"
	# Characters, not bytes: "…", "→", "×" and the tree's lines each take one column.
	perl -CSD -ne 'chomp; if (length($_) > '"$w"' && $bad < 5) {
		printf "screens: %s: line %d is %d columns wide\n", "'"$name"'", $., length($_); $bad++ } END { exit($bad > 0) }' "$out/$name.all" ||
		fail "$name wraps"
}

check_first_screen() {
	local name=$1 h=$2
	local s="$out/$name.screen"
	grep -q 'events: ' "$s" || fail "$name: no counts on the first screen"
	grep -q '^findings' "$s" || fail "$name: no findings on the first screen"
	# Everything before the detail section fits on the screen.
	local detail
	detail=$(grep -n '^events by process\|^events, oldest first' "$out/$name.all" | head -1 | cut -d: -f1)
	[ -n "$detail" ] && [ "$detail" -le "$h" ] || fail "$name: the findings run past the first screen (detail at line ${detail:-none})"
	# The summary, a packed list's wrapped lines joined to its first.
	head -n "$((detail - 1))" "$s" |
		awk '/^  / { sub(/^ +/, " "); last = last $0; next } NR > 1 { print last } { last = $0 } END { print last }' > "$out/$name.summary"
	# Every staged daemon, reparented process and parent not reaping is named, in a row
	# ("daemonized  747  sleep 401 …") or packed ("daemonized (40): … 747 …").
	local p
	for p in "${daemons[@]}"; do named daemonized "$p"; done
	for p in "${reparented[@]}"; do named reparented "$p"; done
	for p in "${zparents[@]}"; do named not_reaping "$p"; done
}

# named KIND PID: PID is named as KIND in the summary of the screen being checked.
named() {
	# log's rows start with the capture's time ("16:00:49.880 daemonized 2271 …").
	grep -Eq "^([0-9:.-]+ +)?$1 +$2 |^$1 \(.*[ :]$2( |,|$)" "$out/$name.summary" ||
		fail "$name: $1 $2 is not on the first screen"
}

for size in 80x24 200x50; do
	w=${size%x*}; h=${size#*x}
	screen "$w" "$h" "diff-$size" "$bin" diff "$tmp/a.yaml" "$tmp/b.yaml"
	check_first_screen "diff-$size" "$h"
	screen "$w" "$h" "ps-$size" "$bin" ps
	grep -q 'COMMAND' "$out/ps-$size.screen" || fail "ps-$size: no header"
	# log opens as diff does; tree and tree --sessions with arguments must not wrap either.
	screen "$w" "$h" "log-$size" "$bin" log "$tmp/caps"
	check_first_screen "log-$size" "$h"
	screen "$w" "$h" "tree-$size" "$bin" tree -a
	screen "$w" "$h" "sessions-$size" "$bin" tree --sessions -a
done
"$bin" diff "$tmp/a.yaml" "$tmp/b.yaml" > "$out/diff-pipe.txt"
grep -q '…' "$out/diff-pipe.txt" && fail "diff on a pipe cut something"
echo "screens: ok ($(grep -c . "$out/diff-80x24.all") lines of diff; screens in $out)"
