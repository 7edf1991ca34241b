package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/procsnap/procsnap/fixtures/stage"
	"github.com/procsnap/procsnap/render"
)

// placement is where a process sits in the session view, reduced to what the test asserts.
type placement struct {
	SID          int
	LeaderExited bool
	TTY          string
	FGPGID       int
	PGID         int
	LeaderGone   bool
	Orphaned     bool
	Foreground   bool
}

// placements finds each pid of want in the session view.
func placements(sessions []*render.Session, pids ...int) map[int]placement {
	out := map[int]placement{}
	for _, s := range sessions {
		for _, g := range s.Groups {
			var walk func(n *render.Node)
			walk = func(n *render.Node) {
				for _, pid := range pids {
					if n.PID == pid {
						out[pid] = placement{s.SID, s.LeaderExited, s.TTY, s.ForegroundPGID,
							g.PGID, g.LeaderGone, g.Orphaned, g.Foreground}
					}
				}
				for _, c := range n.Children {
					walk(c)
				}
			}
			for _, r := range g.Roots {
				walk(r)
			}
		}
	}
	return out
}

func sessionsJSON(tb testing.TB, data []byte) []*render.Session {
	tb.Helper()
	var v struct{ Sessions []*render.Session }
	if err := json.Unmarshal(data, &v); err != nil {
		tb.Fatalf("tree --sessions --format json: %v\n%s", err, data)
	}
	return v.Sessions
}

// TestTreeSessionsLive stages a double-forked daemon (its session leader and group leader have
// exited), a three-process group in the test's session and a session leader on a new pty, and
// checks where `tree --sessions` puts them, as root and as an unprivileged uid.
func TestTreeSessionsLive(t *testing.T) {
	if testing.Short() {
		t.Skip("stages real processes")
	}
	daemon, creator := stage.DoubleFork(t)
	leader, members := stage.ProcessGroup(t, 3)
	tty := stage.SessionLeaderTTY(t)
	self, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		t.Fatal(err)
	}
	ownSID := statField(t, string(self), 6)

	middle, err := strconv.Atoi(creator.Info["middle"])
	if err != nil {
		t.Fatalf("stager info middle=%q", creator.Info["middle"])
	}
	// The test's own session may have a terminal: its tty and foreground group are not asserted.
	want := map[int]placement{
		daemon.PID:     {SID: middle, LeaderExited: true, PGID: middle, LeaderGone: true, Orphaned: true},
		leader.PID:     {SID: ownSID, PGID: leader.PID},
		members[0].PID: {SID: ownSID, PGID: leader.PID},
		members[1].PID: {SID: ownSID, PGID: leader.PID},
		tty.PID:        {SID: tty.PID, TTY: tty.TTY, FGPGID: tty.PID, PGID: tty.PID, Orphaned: true, Foreground: true},
	}
	pids := []int{daemon.PID, leader.PID, members[0].PID, members[1].PID, tty.PID}
	check := func(t *testing.T, sessions []*render.Session) {
		got := placements(sessions, pids...)
		for _, pid := range []int{leader.PID, members[0].PID, members[1].PID} {
			p := got[pid]
			p.TTY, p.FGPGID, p.Foreground = "", 0, false
			got[pid] = p
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("placements (-want +got):\n%s", diff)
		}
	}

	t.Run("in process", func(t *testing.T) {
		var out bytes.Buffer
		o := &treeOptions{sessions: true, format: "json"}
		if err := runTree(context.Background(), &globalOptions{procRoot: "/proc"}, o, nil, &out); err != nil {
			t.Fatal(err)
		}
		check(t, sessionsJSON(t, out.Bytes()))

		out.Reset()
		o.format = "text"
		if err := runTree(context.Background(), &globalOptions{procRoot: "/proc"}, o, nil, &out); err != nil {
			t.Fatal(err)
		}
		for _, line := range []string{
			"session " + strconv.Itoa(middle) + " (leader exited) no tty",
			"  group " + strconv.Itoa(middle) + " (leader gone) orphaned",
			"session " + strconv.Itoa(tty.PID) + " (leader " + strconv.Itoa(tty.PID) + " stager) tty " + tty.TTY + ", foreground group " + strconv.Itoa(tty.PID),
			"  group " + strconv.Itoa(leader.PID) + " (leader " + strconv.Itoa(leader.PID) + " stager)\n",
		} {
			if !strings.Contains(out.String(), line) {
				t.Errorf("tree --sessions lacks %q", line)
			}
		}
	})

	t.Run("unprivileged", func(t *testing.T) {
		if os.Geteuid() != 0 {
			t.Skip("needs root to switch to uid 65534")
		}
		bin := buildForNobody(t)
		cmd := exec.Command("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
			bin, "tree", "--sessions", "--format", "json")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("setpriv procsnap tree: %v\n%s", err, stderr.String())
		}
		check(t, sessionsJSON(t, out))

		// Another user's descriptors cannot be read: ps says so ("?", null), it does not say 0.
		cmd = exec.Command("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
			bin, "ps", "--pid", strconv.Itoa(daemon.PID), "--columns", "pid,fds", "--format", "json")
		out, err = cmd.Output()
		if err != nil {
			t.Fatalf("setpriv procsnap ps: %v", err)
		}
		if got := psFDs(t, out, daemon.PID); got != nil {
			t.Errorf("unprivileged ps: daemon fds = %v, want null (unreadable)", *got)
		}
	})
}

// TestPSFDsLive checks the fd count of a staged daemon, which holds 0-2 plus a socket, a pipe and
// a file as 3, 4 and 5.
func TestPSFDsLive(t *testing.T) {
	if testing.Short() {
		t.Skip("stages real processes")
	}
	daemon, _ := stage.DoubleFork(t)
	var out bytes.Buffer
	o := &psOptions{columns: "pid,fds", sort: "pid", format: "json", pids: []int{daemon.PID}}
	if err := runPS(context.Background(), &globalOptions{procRoot: "/proc"}, o, nil, &out); err != nil {
		t.Fatal(err)
	}
	if got := psFDs(t, out.Bytes(), daemon.PID); got == nil || *got < 6 {
		t.Errorf("daemon fds = %v, want at least 6", got)
	}
	o.columns = "pid,stat"
	out.Reset()
	if err := runPS(context.Background(), &globalOptions{procRoot: "/proc"}, o, nil, &out); err != nil {
		t.Fatal(err)
	}
	// A live daemon flips between running and sleeping from one read to the next.
	if !regexp.MustCompile(fmt.Sprintf(`"pid": %d, "stat": "[RSD]`, daemon.PID)).MatchString(out.String()) {
		t.Errorf("ps --columns pid,stat lacks the daemon:\n%s", out.String())
	}
}

// psFDs returns the fds value of pid in `ps --format json` output (nil for null).
func psFDs(tb testing.TB, data []byte, pid int) *int {
	tb.Helper()
	var rows []struct {
		PID int  `json:"pid"`
		FDs *int `json:"fds"`
	}
	if err := json.Unmarshal(data, &rows); err != nil {
		tb.Fatalf("ps --format json: %v\n%s", err, data)
	}
	for _, r := range rows {
		if r.PID == pid {
			return r.FDs
		}
	}
	tb.Fatalf("pid %d not in ps output:\n%s", pid, data)
	return nil
}

// TestTreeMarkersLive stages a stopped, a traced and a zombie-making process and checks their
// markers in the live tree.
func TestTreeMarkersLive(t *testing.T) {
	if testing.Short() {
		t.Skip("stages real processes")
	}
	stopped := stage.Stopped(t)
	traced := stage.Traced(t)
	zparent, zombies := stage.Zombies(t, 2)
	var out bytes.Buffer
	if err := runTree(context.Background(), &globalOptions{procRoot: "/proc"}, &treeOptions{format: "json"}, nil, &out); err != nil {
		t.Fatal(err)
	}
	var v struct{ Roots []*render.Node }
	if err := json.Unmarshal(out.Bytes(), &v); err != nil {
		t.Fatal(err)
	}
	nodes := map[int]*render.Node{}
	var walk func(n *render.Node)
	walk = func(n *render.Node) {
		nodes[n.PID] = n
		for _, c := range n.Children {
			walk(c)
		}
	}
	for _, r := range v.Roots {
		walk(r)
	}
	type summary struct {
		Markers        []string
		TracerPID      int
		ZombieChildren int
		Children       int
	}
	sum := func(pid int) summary {
		n := nodes[pid]
		if n == nil {
			t.Fatalf("pid %d not in the live tree", pid)
		}
		return summary{n.Markers, n.TracerPID, n.ZombieChildren, len(n.Children)}
	}
	got := map[string]summary{
		"stopped": sum(stopped.PID), "traced": sum(traced.PID), "zombie parent": sum(zparent.PID),
		"zombie": sum(zombies[0]),
	}
	want := map[string]summary{
		"stopped":       {Markers: []string{render.MarkStopped}},
		"traced":        {Markers: []string{render.MarkTraced}, TracerPID: traced.Parent.PID},
		"zombie parent": {ZombieChildren: 2, Children: 2},
		"zombie":        {Markers: []string{render.MarkZombie}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("markers (-want +got):\n%s", diff)
	}
}

func statField(tb testing.TB, stat string, field int) int {
	tb.Helper()
	rest := stat[strings.LastIndexByte(stat, ')')+2:]
	f := strings.Fields(rest)
	n, err := strconv.Atoi(f[field-3])
	if err != nil {
		tb.Fatalf("stat field %d of %q: %v", field, stat, err)
	}
	return n
}

// buildForNobody builds procsnap into a fresh directory every uid can traverse (t.TempDir is
// 0700) and returns the binary's path.
func buildForNobody(tb testing.TB) string {
	tb.Helper()
	return procsnapBinary(tb)
}
