#!/usr/bin/env bash
# Runs every fuzz target of every package for a bounded budget each, one after the other, with one
# worker (the test machine is shared), minimizing each new input for at most FUZZMINIMIZETIME
# (1s). Go's default of 60s spent whole 30s budgets minimizing; with 5s, FuzzDecodeLean still ran
# no input in 34 of the 61 3-second reports of a 3m run, with 1s in 1 of 61 (284 new inputs
# instead of 61). usage: fuzz.sh [FUZZTIME] (default 10s; e.g. 10m, or an execution count such
# as 20000x).
# A finding fails the run; Go writes the failing input under the package's testdata/fuzz/ so that
# `go test` replays it from then on.
#
# Go 1.26's fuzz coordinator can report a bare "context deadline exceeded" when a duration
# -fuzztime expires while a worker is mid-call (golang/go#75804, fixed in Go 1.27). That is not a
# finding: no input is written. Such a run is reported and tolerated; any other failure fails.
# make test uses an execution count, which has no deadline to race.
set -euo pipefail
fuzztime=${1:-10s}
go=${GO:-go}
status=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for pkg in $($go list ./...); do
	for target in $($go test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true); do
		echo "fuzz: $pkg $target ($fuzztime)"
		if $go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" -fuzzminimizetime "${FUZZMINIMIZETIME:-1s}" -parallel 1 "$pkg" 2>&1 | tee "$log"; then
			continue
		fi
		if grep -q 'context deadline exceeded' "$log" && ! grep -q -e 'Failing input written' -e 'panic:' "$log"; then
			echo "fuzz: $target: the fuzztime deadline race of Go 1.26 (golang/go#75804), not a finding"
			continue
		fi
		status=1
	done
done
exit $status
