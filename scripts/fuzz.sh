#!/usr/bin/env bash
# Runs every fuzz target of every package for a bounded time each, one after the other, with one
# worker (the test machine is shared). usage: fuzz.sh [FUZZTIME] (default 10s; e.g. 10m).
# A finding fails the run; Go writes the failing input under the package's testdata/fuzz/ so that
# `go test` replays it from then on.
set -euo pipefail
fuzztime=${1:-10s}
go=${GO:-go}
status=0
for pkg in $($go list ./...); do
	for target in $($go test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true); do
		echo "fuzz: $pkg $target ($fuzztime)"
		if ! $go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" -parallel 1 "$pkg"; then
			status=1
		fi
	done
done
exit $status
