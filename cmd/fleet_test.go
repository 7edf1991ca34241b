package cmd

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/procsnap/procsnap/snapshot/capture"

	"github.com/procsnap/procsnap/fixtures/stage"
	"github.com/procsnap/procsnap/render/fleet"
	"github.com/procsnap/procsnap/snapshot"
)

// ndjson parses one JSON document per line; it fails on anything else.
func ndjson(tb testing.TB, out string) []map[string]any {
	tb.Helper()
	var docs []map[string]any
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			tb.Fatalf("not NDJSON: %v: %q", err, l)
		}
		docs = append(docs, m)
	}
	return docs
}

// field returns the value at a dotted path of doc, nil when absent.
func field(doc map[string]any, path string) any {
	var v any = doc
	for _, k := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func TestFleetDiffGolden(t *testing.T) {
	a, b := diffPair(t, nil)
	for _, format := range fleet.Formats {
		code, out, errOut := runMain(t, "diff", a, b, "--format", format)
		if code != ExitOK {
			t.Fatalf("%s: exit %d: %s", format, code, errOut)
		}
		ndjson(t, out)
		checkGolden(t, "diff_"+format, out)
	}
	// The events are the same as jsonl's, in the same order.
	_, jl, _ := runMain(t, "diff", a, b, "--format", "jsonl")
	_, ecs, _ := runMain(t, "diff", a, b, "--format", "ecs")
	var kinds, actions []string
	for _, d := range ndjson(t, jl) {
		kinds = append(kinds, d["kind"].(string))
	}
	for _, d := range ndjson(t, ecs) {
		actions = append(actions, field(d, "procsnap.kind").(string))
	}
	if !slices.Equal(kinds, actions) {
		t.Errorf("ecs kinds %v, jsonl kinds %v", actions, kinds)
	}
}

// TestFleetLog writes a capture directory's timeline as ECS: each event carries the interval
// it happened in.
func TestFleetLog(t *testing.T) {
	dir := t.TempDir()
	at := time.Date(2026, 11, 24, 1, 0, 0, 0, time.UTC)
	for i := range 3 {
		s := &snapshot.Snapshot{Header: snapshot.Header{Schema: snapshot.Schema, TakenAt: at.Add(time.Duration(i) * time.Minute),
			Hostname: "fixture", BootID: fixtureBoot, PIDNamespace: "pid:[4026531836]", UserHZ: 100},
			Processes: []snapshot.Process{{PID: 1, StartTicks: 1, Comm: "systemd", State: "S", PGID: 1, SID: 1}}}
		for j := 1; j <= i; j++ { // one new process per capture
			s.Processes = append(s.Processes, snapshot.Process{PID: 100 + j, StartTicks: uint64(1000 + j), PPID: 1,
				PGID: 100 + j, SID: 100 + j, Comm: "job", State: "S"})
		}
		s.Header.Counts = s.Count()
		if _, err := capture.WriteCapture(dir, s, capture.CaptureOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	code, out, errOut := runMain(t, "log", dir, "--format", "ecs", "--kind", "started")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	checkGolden(t, "log_ecs", out)
	_, ocsf, _ := runMain(t, "log", dir, "--format", "ocsf", "--kind", "started")
	checkGolden(t, "log_ocsf", ocsf)
	docs := ndjson(t, out)
	if len(docs) != 2 {
		t.Fatalf("want 2 started events, got %d:\n%s", len(docs), out)
	}
	for i, d := range docs {
		pid := fmt.Sprint(field(d, "process.pid"))
		after, before := field(d, "procsnap.between.after"), field(d, "procsnap.between.before")
		wantAfter := at.Add(time.Duration(i) * time.Minute).Format(time.RFC3339Nano)
		if pid != strconv.Itoa(101+i) || field(d, "event.action") != "fork" || after != wantAfter || before != field(d, "@timestamp") {
			t.Errorf("doc %d: pid %s action %v between %v and %v, want %d fork after %s", i, pid,
				field(d, "event.action"), after, before, 101+i, wantAfter)
		}
	}
}

func TestFleetUsage(t *testing.T) {
	for _, args := range [][]string{
		{"take", "--format", "ecs", "-o", filepath.Join(t.TempDir(), "x.json")},
		{"take", "--format", "ocsf", "--dir", t.TempDir()},
		{"diff", "a", "b", "--format", "elastic"},
		{"watch", "--format", "ecsv"},
	} {
		if code, _, errOut := runMain(t, args...); code != ExitUsage {
			t.Errorf("%v: exit %d (%s), want %d", args, code, errOut, ExitUsage)
		}
	}
}

// TestFleetTakeLive stages a zombie, writes its parent and it as ECS and OCSF with take, and
// checks the documented entity id against what /proc says of the process.
func TestFleetTakeLive(t *testing.T) {
	if testing.Short() {
		t.Skip("stages real processes")
	}
	parent, zombies := stage.Zombies(t, 1)
	boot, err := os.ReadFile("/proc/sys/kernel/random/boot_id")
	if err != nil {
		t.Fatal(err)
	}
	ns, err := os.Readlink("/proc/self/ns/pid")
	if err != nil {
		t.Fatal(err)
	}
	ino := strings.TrimSuffix(strings.TrimPrefix(ns, "pid:["), "]")
	z := zombies[0]
	want := fleet.EntityID(strings.TrimSpace(string(boot)), ino, z, stage.MustStat(t, z).StartTicks)
	wantParent := fleet.EntityID(strings.TrimSpace(string(boot)), ino, parent.PID, parent.StartTicks)
	for _, format := range fleet.Formats {
		code, out, errOut := runMain(t, "take", "--no-stack", "--pid", strconv.Itoa(parent.PID), "--pid", strconv.Itoa(z), "--format", format)
		if code != ExitOK {
			t.Fatalf("%s: exit %d: %s", format, code, errOut)
		}
		var found bool
		for _, d := range ndjson(t, out) {
			if fmt.Sprint(field(d, "process.pid")) != strconv.Itoa(z) {
				continue
			}
			found = true
			id, pid, sigchld := field(d, "process.entity_id"), field(d, "process.parent.entity_id"), field(d, "procsnap.zombie.parent_sigchld")
			if format == fleet.FormatOCSF {
				id, pid = field(d, "process.uid"), field(d, "process.parent_process.uid")
				sigchld = field(d, "unmapped.procsnap.zombie.parent_sigchld")
			}
			if id != want || pid != wantParent || sigchld != "default" {
				t.Errorf("%s: zombie %d id %v parent %v sigchld %v, want %s %s default", format, z, id, pid, sigchld, want, wantParent)
			}
		}
		if !found {
			t.Errorf("%s: no document for zombie %d:\n%s", format, z, out)
		}
	}
}

// TestFleetWatch watches as ECS while children start: a started child is a fork document with
// the host's boot id.
func TestFleetWatch(t *testing.T) {
	if testing.Short() {
		t.Skip("real /proc")
	}
	o := watchOpts(t)
	o.format, o.duration = "ecs", 2*time.Second
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- runWatch(context.Background(), &globalOptions{procRoot: "/proc"}, o, out) }()
	pids := spawnUntil(t, done, "sh", "-c", "sleep 0.2")
	boot, _ := os.ReadFile("/proc/sys/kernel/random/boot_id")
	seen := false
	for _, d := range ndjson(t, out.String()) {
		if field(d, "host.boot.id") != strings.TrimSpace(string(boot)) {
			t.Errorf("document without the host's boot id: %v", d)
		}
		pid, _ := strconv.Atoi(fmt.Sprint(field(d, "process.pid")))
		if slices.Contains(pids, pid) && field(d, "event.action") == "fork" {
			seen = true
		}
	}
	if !seen {
		t.Errorf("no fork document for any of the children %v:\n%s", pids, out.String())
	}
}
