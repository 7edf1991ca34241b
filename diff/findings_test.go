package diff

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// findingList names each finding as "kind pid".
func findingList(s Summary) []string {
	out := []string{}
	for _, f := range s.Findings {
		out = append(out, fmt.Sprintf("%s %d", f.Kind, f.PID))
	}
	return out
}

func TestSummarize(t *testing.T) {
	want := map[string]struct {
		findings []string
		detail   map[int]string // a substring the finding of this PID must carry
		related  map[int]int    // the related PID of the finding of this PID
		folds    []string
	}{
		"daemonized_creator": {findings: []string{"daemonized 620"},
			detail:  map[int]string{620: "created by 600 (pgbouncer)"},
			related: map[int]int{620: 600},
			folds:   []string{"620: inherited 3 descriptors from 600 (pgbouncer)"}},
		"double_fork_midway": {findings: []string{"daemonized 920"}, // not also reparented
			detail: map[int]string{920: "was child of 915 (d1) (exited)"}, related: map[int]int{920: 915}},
		"reparented_init": {findings: []string{"reparented 301"}, related: map[int]int{301: 300},
			detail: map[int]string{301: "parent 300 (nohup) exited, adopted by 1"}},
		"became_zombie_and_report": {findings: []string{"not_reaping 500"},
			detail: map[int]string{500: "2 zombies, 1 since A: not reaping; state S, wchan do_select"}},
		"fd_leaked_exec": {findings: []string{"fd_leaked 300"},
			detail: map[int]string{300: "1 descriptor crossed exec without close-on-exec: 3→/var/secret"},
			folds:  []string{"300: closed 1; leaked across exec 1"}},
		"fd_inherited_leaked_new": {findings: []string{"fd_leaked 310"}, related: map[int]int{310: 300},
			folds: []string{"310: inherited 1 descriptor from 300 (make); leaked across exec 1"}},
		"pid_reused":        {findings: []string{"pid_reused 300"}, detail: map[int]string{300: "make (start 3000) held it in A"}},
		"stopped_continued": {findings: []string{"stopped 300"}},
		"traced_untraced": {findings: []string{"daemonized 304", "stopped 301", "traced 301", "traced 303", "traced 304"},
			related: map[int]int{303: 300}},
		"adopted_no_creator": {findings: []string{}},
		"noise":              {findings: []string{}},
	}
	for _, tc := range goldenCases(t) {
		w, ok := want[tc.name]
		if !ok {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			res, err := Compare(tc.a, tc.b, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			s := Summarize(res)
			if d := cmp.Diff(w.findings, findingList(s)); d != "" {
				t.Errorf("findings (-want +got):\n%s", d)
			}
			for _, f := range s.Findings {
				if sub, ok := w.detail[f.PID]; ok && !strings.Contains(f.Detail, sub) {
					t.Errorf("%s %d detail %q lacks %q", f.Kind, f.PID, f.Detail, sub)
				}
				if pid, ok := w.related[f.PID]; ok && (f.Related == nil || f.Related.PID != pid) {
					t.Errorf("%s %d related = %+v, want pid %d", f.Kind, f.PID, f.Related, pid)
				}
				if len(f.Cmdline) == 0 {
					t.Errorf("%s %d has no command line", f.Kind, f.PID)
				}
			}
			if w.folds != nil {
				var got []string
				for _, f := range s.FDs {
					got = append(got, fmt.Sprintf("%d: %s", f.PID, f.Summary))
				}
				if d := cmp.Diff(w.folds, got); d != "" {
					t.Errorf("folds (-want +got):\n%s", d)
				}
			}
			total := 0
			for _, c := range s.Counts {
				total += c.Count
			}
			if total != len(res.Events) || s.Events != len(res.Events) {
				t.Errorf("counts sum to %d, events %d, want %d", total, s.Events, len(res.Events))
			}
		})
	}
}

func TestSummaryMerge(t *testing.T) {
	first := Summary{Events: 3, Counts: []KindCount{{KindStarted, 1}, {KindFDInherited, 2}},
		Findings: []Finding{{Kind: FindingZombies, PID: 500, StartTicks: 5000, Count: 1},
			{Kind: FindingDaemonized, PID: 620, StartTicks: 6200}},
		FDs: []FDFold{{PID: 620, StartTicks: 6200, Inherited: 2, From: &Ref{PID: 600, Comm: "pgbouncer"}}}}
	second := Summary{Events: 2, Counts: []KindCount{{KindFDInherited, 1}, {KindExited, 1}},
		Findings: []Finding{{Kind: FindingNotReaping, PID: 500, StartTicks: 5000, Count: 2}},
		FDs:      []FDFold{{PID: 620, StartTicks: 6200, Opened: 1}}}
	first.Merge(second)
	if first.Events != 5 {
		t.Errorf("events = %d, want 5", first.Events)
	}
	wantCounts := []KindCount{{KindStarted, 1}, {KindFDInherited, 3}, {KindExited, 1}}
	if d := cmp.Diff(wantCounts, first.Counts); d != "" {
		t.Errorf("counts (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"daemonized 620", "not_reaping 500"}, findingList(first)); d != "" {
		t.Errorf("findings (-want +got):\n%s", d)
	}
	if len(first.FDs) != 1 || first.FDs[0].Summary != "inherited 2 descriptors from 600 (pgbouncer); opened 1" {
		t.Errorf("folds = %+v, want one summed fold", first.FDs)
	}
}

// checkFindings asserts that the triage summary of the staged scene names every daemon with its
// creator, every reparented process, the parent not reaping, the stopped, traced and leaking
// processes.
func checkFindings(t *testing.T, res *Result, sc *scene) {
	t.Helper()
	s := Summarize(res)
	byKey := map[string]Finding{}
	for _, f := range s.Findings {
		byKey[fmt.Sprintf("%s %d", f.Kind, f.PID)] = f
	}
	want := []struct {
		kind    string
		pid     int
		related int // 0: not checked
	}{
		{FindingDaemonized, sc.daemon.PID, sc.creator.PID},
		{FindingReparented, sc.initOrphan, sc.mid.pid},
		{FindingReparented, sc.subOrphan, sc.subMid},
		{FindingNotReaping, sc.zparent.PID, 0},
		{FindingFDLeaked, sc.leaker.PID, 0},
		{FindingStopped, sc.stopper.PID, 0},
		{FindingTraced, sc.attachee.PID, sc.tracer.pid},
	}
	for _, w := range want {
		f, ok := byKey[fmt.Sprintf("%s %d", w.kind, w.pid)]
		if !ok {
			t.Errorf("summary lacks %s %d; findings: %v", w.kind, w.pid, findingList(s))
			continue
		}
		if w.related != 0 && (f.Related == nil || f.Related.PID != w.related) {
			t.Errorf("%s %d: related %+v, want pid %d", w.kind, w.pid, f.Related, w.related)
		}
		if len(f.Cmdline) == 0 {
			t.Errorf("%s %d: no command line", w.kind, w.pid)
		}
	}
	if f := byKey[fmt.Sprintf("%s %d", FindingNotReaping, sc.zparent.PID)]; f.Count != len(sc.zombies) {
		t.Errorf("not reaping %d: count %d, want %d", sc.zparent.PID, f.Count, len(sc.zombies))
	}
}
