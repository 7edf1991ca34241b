package explain

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/procsnap/procsnap/diff"
	"github.com/procsnap/procsnap/fixtures/stage"
	"github.com/procsnap/procsnap/snapshot"
)

// live skips off Linux and under -short: these tests stage real processes.
func live(t *testing.T) {
	t.Helper()
	if testing.Short() || runtime.GOOS != "linux" {
		t.Skip("stages real processes: Linux only, not -short")
	}
}

// takeLive photographs the staged processes, the test process and init, with descriptors. A
// whole-host snapshot would do as well but costs seconds on a crowded machine; the candidates
// the tests expect are all among these.
func takeLive(t *testing.T, procs ...*stage.Proc) *snapshot.Snapshot {
	t.Helper()
	pids := []int{1, os.Getpid()}
	for _, p := range procs {
		pids = append(pids, p.PID)
	}
	s, err := snapshot.Take(context.Background(), snapshot.TakeOptions{NoStack: true, PIDs: pids})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustExplain(t *testing.T, in Input) *Report {
	t.Helper()
	r, err := Explain(in)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// requireAdopted skips when the daemon was adopted by a subreaper that leads no other session:
// one snapshot cannot tell such a subreaper from a creator (the captures and a recording can).
func requireAdopted(t *testing.T, r *Report, daemon *stage.Proc) {
	t.Helper()
	if r.Lineage.Adopted == "" {
		if daemon.PPID != 1 {
			t.Skipf("daemon %d adopted by subreaper %d, which one snapshot cannot tell from its creator", daemon.PID, daemon.PPID)
		}
		t.Fatalf("daemon %d, parent init, not seen as adopted: %+v", daemon.PID, r.Lineage)
	}
}

// checkNamed requires the verdict to name want by shared descriptions, each listed with the fd
// numbers on both sides, and none of gone (other inherited descriptors may be shared too:
// the test binary's own, such as a pipe its runner left open).
func checkNamed(t *testing.T, r *Report, want *stage.Proc, fds, gone map[string][2]int) {
	t.Helper()
	l := r.Lineage
	if l.Creator == nil || l.Creator.PID != want.PID || l.Creator.StartTicks != want.StartTicks {
		t.Fatalf("creator = %+v, want %d; verdict %q; candidates %+v", l.Creator, want.PID, l.Verdict, l.Candidates)
	}
	c := l.Candidates[0]
	if c.Rank != 3 || (c.Confidence != High && c.Confidence != Medium) {
		t.Errorf("candidate %+v: want rank 3 (shared descriptions), high or medium", c)
	}
	got := map[[2]int]bool{}
	for _, s := range c.Shared {
		got[[2]int{s.FD, s.CandidateFD}] = true
	}
	for name, pair := range fds {
		if !got[pair] {
			t.Errorf("%s: shared (our fd %d, its fd %d) missing from %+v", name, pair[0], pair[1], c.Shared)
		}
	}
	for name, pair := range gone {
		if got[pair] {
			t.Errorf("%s: (our fd %d, its fd %d) closed by the candidate but still shared: %+v", name, pair[0], pair[1], c.Shared)
		}
	}
	if !strings.Contains(l.Verdict, "created by") {
		t.Errorf("verdict %q", l.Verdict)
	}
}

func TestListenerLive(t *testing.T) {
	live(t)
	daemon, listener := stage.Listener(t)
	s := takeLive(t, daemon, listener)
	r := mustExplain(t, Input{Snapshot: s, PID: daemon.PID, Live: true})
	requireAdopted(t, r, daemon)
	all := map[string][2]int{}
	for name, fd := range daemon.FDs {
		all[name] = [2]int{fd, listener.FDs[name]}
	}
	checkNamed(t, r, listener, all, nil)
	checkFDs(t, r, daemon, listener)
	if r.Standing.SID != daemon.PID || r.Standing.SessionLeader == nil || r.Standing.SessionLeader.PID != daemon.PID {
		t.Errorf("standing %+v: want its own session", r.Standing)
	}

	t.Run("from a snapshot file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "s.yaml")
		if err := snapshot.WriteFile(path, s, snapshot.FormatYAML); err != nil {
			t.Fatal(err)
		}
		loaded, err := snapshot.Load(path)
		if err != nil {
			t.Fatal(err)
		}
		r := mustExplain(t, Input{Snapshot: loaded, PID: daemon.PID, File: path})
		checkNamed(t, r, listener, all, nil)
	})

	t.Run("after the listener closed two copies", func(t *testing.T) {
		listener.CloseTwo(t)
		r := mustExplain(t, Input{Snapshot: takeLive(t, daemon, listener), PID: daemon.PID, Live: true})
		checkNamed(t, r, listener, map[string][2]int{"listen": all["listen"]},
			map[string][2]int{"conn": all["conn"], "file": all["file"]})
	})
}

// checkFDs requires the descriptors section to show fds 3-5 without close-on-exec, the file's
// O_APPEND, and the listener as the other holder of each.
func checkFDs(t *testing.T, r *Report, daemon, listener *stage.Proc) {
	t.Helper()
	for name, n := range daemon.FDs {
		i := slices.IndexFunc(r.Descriptors.FDs, func(f FD) bool { return f.FD == n })
		if i < 0 {
			t.Errorf("fd %d (%s) missing", n, name)
			continue
		}
		fd := r.Descriptors.FDs[i]
		if fd.CloExec {
			t.Errorf("fd %d: close-on-exec set, want cleared", n)
		}
		if name == "file" && !strings.Contains(fd.Flags, "O_APPEND") {
			t.Errorf("fd %d flags %q: want O_APPEND", n, fd.Flags)
		}
		if !slices.ContainsFunc(fd.Others, func(h diff.FDHolder) bool { return h.PID == listener.PID && h.FD == listener.FDs[name] }) {
			t.Errorf("fd %d: others %+v, want listener %d fd %d", n, fd.Others, listener.PID, listener.FDs[name])
		}
	}
}
