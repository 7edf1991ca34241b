package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"
)

// exactScript runs in a new PID namespace (its shell is pid 1 there): the watch, then the
// spawner once the watch says it is watching, then the end of the watch. Nothing else forks
// in the namespace meanwhile but the sleeps, which live long enough to be seen, so the
// watch's missed count is the spawner's processes that it never saw, exactly.
const exactScript = `out=$1 spawned=$2 spawner=$3 count=$4 gap=$5; shift 5
"$@" > "$out" 2>&1 &
w=$!
until grep -q '"kind":"watching"' "$out" 2>/dev/null; do sleep 0.1; done
"$spawner" run "$count" "$gap" > "$spawned"
sleep 2
kill -INT $w
wait $w
exit 0`

// exactRun runs the spawner and the watch alone in a PID namespace of their own (root only)
// and returns what the watch reported missed and created beside the truth: the spawner's
// processes no event names.
func exactRun(t tool, spawner string, count int, gap time.Duration, dir, label string) (rates []float64, rep, created, truth, total int64, err error) {
	out := filepath.Join(dir, "exact-"+label+".out")
	spawned := filepath.Join(dir, "exact-"+label+".spawned")
	args := append([]string{"--pid", "--fork", "--mount-proc", "sh", "-c", exactScript, "sh",
		out, spawned, spawner, strconv.Itoa(count), strconv.Itoa(int(gap.Microseconds()))}, t.argv...)
	if b, err := exec.Command("unshare", args...).CombinedOutput(); err != nil {
		return nil, 0, 0, 0, 0, fmt.Errorf("unshare: %w: %s", err, b)
	}
	o, err := os.ReadFile(out)
	if err != nil {
		return nil, 0, 0, 0, 0, err
	}
	s, err := os.ReadFile(spawned)
	if err != nil {
		return nil, 0, 0, 0, 0, err
	}
	rep, created, truth, total = missedReport(o, s)
	return caughtRates(t, o, s), rep, created, truth, total, nil
}

// exactRuns reports the missed count against the truth, quiet and loaded (busy loops outside
// the namespace: they take the CPUs without being counted), with each spawner.
func exactRuns(t tool, spawner, static string, count int, gap time.Duration, runs int, dir string) {
	type variant struct {
		label, spawner string
		load           bool
	}
	vs := []variant{{"quiet dynamic", spawner, false}, {"loaded dynamic", spawner, true}}
	if static != "" {
		p, rm := staticSpawner(static)
		defer rm()
		vs = append(vs, variant{"quiet static /tmp", p, false}, variant{"loaded static /tmp", p, true})
	}
	fmt.Printf("\nin a PID namespace of the watch and the spawner alone (%d per bucket): caught %% per bucket %v µs, missed reported vs truth\n", count, buckets)
	for i, v := range vs {
		for r := range runs {
			var end func()
			if v.load {
				end = busyLoops()
			}
			la := loadavg()
			rates, rep, created, truth, total, err := exactRun(t, v.spawner, count, gap, dir, fmt.Sprintf("%d-%d", i, r))
			if end != nil {
				end()
			}
			if err != nil {
				fmt.Printf("  %-19s run %d: %v\n", v.label, r, err)
				continue
			}
			fmt.Printf("  %-19s run %d (load %s): caught %% %s | missed reported %d of %d created; spawner's not seen %d of %d; off by %d (%.2f%% of created)\n",
				v.label, r, la, list(rates), rep, created, truth, total, rep-truth, 100*float64(rep-truth)/float64(max(created, 1)))
		}
	}
}
