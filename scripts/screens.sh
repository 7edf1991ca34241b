#!/usr/bin/env bash
# screens.sh BIN: check procsnap's first screens in a real terminal (tmux) at 80x24 and 200x50.
#
# It photographs this host (A), stages what an investigator looks for (a double-fork daemon,
# a parent that does not reap its zombie, churn of short-lived processes), photographs it again
# 5 s later (B), then runs `procsnap diff A B` and `procsnap ps` in tmux panes of each size and
# checks the screens: no line is wider than the pane (nothing wraps), the first screen holds
# the counts and every finding up to the detail section, and names the staged daemon and the
# parent not reaping. The screens are kept in $SCREENS (default bin/screens) for reading.
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

# A parent that never reaps: the shell execs sleep, which never waits for its child. Its
# zombie is there in A and still in B: "not reaping".
sh -c 'sleep 0.1 & exec sleep 401' &
zparent=$!
pids+=("$zparent")
for _ in $(seq 1 100); do grep -q '^State:.*Z' /proc/"$(pgrep -P "$zparent" | head -1)"/status 2>/dev/null && break; sleep 0.1; done
"$bin" take --no-stack -o "$tmp/a.yaml"
# A daemon: setsid's shell backgrounds sleep and exits, so init adopts it without a terminal.
setsid sh -c 'sleep 400 </dev/null >/dev/null 2>&1 & echo $! > '"$tmp/daemon.pid" &
for _ in $(seq 1 50); do (sleep 0.05 &) ; done   # churn
for _ in $(seq 1 100); do [ -s "$tmp/daemon.pid" ] && break; sleep 0.1; done
daemon=$(cat "$tmp/daemon.pid")
pids+=("$daemon")
sleep 5
"$bin" take --no-stack -o "$tmp/b.yaml"
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
	# awk counts bytes: count the cut marker (3 bytes) as the one column it takes.
	sed 's/…/./g' "$out/$name.all" | awk -v w="$w" -v f="$name" 'length($0) > w && bad < 5 {
		printf "screens: %s: line %d is %d columns wide\n", f, NR, length($0); bad++ } END { exit bad > 0 }' ||
		fail "$name wraps"
}

check_first_screen() {
	local name=$1 h=$2
	local s="$out/$name.screen"
	grep -q 'events: ' "$s" || fail "$name: no counts on the first screen"
	grep -q '^findings' "$s" || fail "$name: no findings on the first screen"
	# Everything before the detail section fits on the screen.
	local detail
	detail=$(grep -n '^events by process' "$out/$name.all" | head -1 | cut -d: -f1)
	[ -n "$detail" ] && [ "$detail" -le "$h" ] || fail "$name: the findings run past the first screen (detail at line ${detail:-none})"
	head -n "$((detail - 1))" "$s" > "$out/$name.summary"
	grep -Eq "^daemonized +$daemon |^daemonized \(.*[ :]$daemon " "$out/$name.summary" || fail "$name: daemon $daemon not on the first screen"
	grep -Eq "^not_reaping +$zparent |^not_reaping \(|^  .*" "$out/$name.summary" &&
		grep -Eqw "$zparent" "$out/$name.summary" || fail "$name: parent $zparent not reaping is not on the first screen"
}

for size in 80x24 200x50; do
	w=${size%x*}; h=${size#*x}
	screen "$w" "$h" "diff-$size" "$bin" diff "$tmp/a.yaml" "$tmp/b.yaml"
	check_first_screen "diff-$size" "$h"
	screen "$w" "$h" "ps-$size" "$bin" ps
	grep -q 'COMMAND' "$out/ps-$size.screen" || fail "ps-$size: no header"
done
"$bin" diff "$tmp/a.yaml" "$tmp/b.yaml" > "$out/diff-pipe.txt"
grep -q '…' "$out/diff-pipe.txt" && fail "diff on a pipe cut something"
echo "screens: ok ($(grep -c . "$out/diff-80x24.all") lines of diff; screens in $out)"
