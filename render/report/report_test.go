package report

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/procsnap/procsnap/diff"
	"github.com/procsnap/procsnap/snapshot"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

var (
	styleBlock  = regexp.MustCompile(`(?s)<style>.*?</style>`)
	scriptBlock = regexp.MustCompile(`(?s)<script>.*?</script>`)
	trailing    = regexp.MustCompile(`(?m)[ \t]+$`)
)

// normalise replaces the fixed stylesheet and script (tested in the browser) with markers and
// trims trailing blanks, so that the golden file holds what the data decides.
func normalise(b []byte) string {
	s := styleBlock.ReplaceAllString(string(b), "<style>(page.css)</style>")
	s = scriptBlock.ReplaceAllString(s, "<script>(page.js)</script>")
	return trailing.ReplaceAllString(s, "")
}

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./render/report -update)", err)
	}
	if d := cmp.Diff(string(want), got); d != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, d)
	}
}

func writePage(t *testing.T, in *Input) string {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, in); err != nil {
		t.Fatalf("Write: %v", err)
	}
	return b.String()
}

func TestGolden(t *testing.T) {
	snaps := fixtureSnapshots()
	cases := []struct {
		name  string
		snaps []*snapshot.Snapshot
	}{
		{"three_captures", snaps},
		{"two_snapshots", snaps[1:]},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			checkGolden(t, tc.name, normalise([]byte(writePage(t, fixtureInput(t, tc.snaps)))))
		})
	}
}

// TestContent checks what an investigator must find on the page, whatever the layout.
func TestContent(t *testing.T) {
	pg := writePage(t, fixtureInput(t, fixtureSnapshots()))
	for _, want := range []string{
		`<section id="tree">`, `<section id="timeline">`, `<figure id="zombies">`, `<figure id="states">`,
		`<table id="ev-table">`, `<section id="leaks">`,
		// Ranked as procsnap log ranks them: the daemon, then the worker pool not reaping, each
		// linking to its place in the tree.
		`<ol id="findings"><li><a href="#p-301-120"><b>daemonized</b> 301 mydaemon</a>: created by 101 (bash) (score 2.46); adopted by 1 (systemd)`,
		`<li><a href="#p-200-70"><b>not_reaping</b> 200 worker-pool</a>: 3 zombies, 2 since A: not reaping`,
		// The zombies' bars name their parent.
		`zombie of parent 200 worker-pool`,
		// The zombie chart has a line for the worker pool.
		`<title>parent 200 worker-pool</title>`,
		// The leak table has the inherited pipe.
		`pipe:[999]`,
		// The foreground group of the login shell.
		`<b class="flag fg">foreground</b>`,
	} {
		if !strings.Contains(pg, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if li := regexp.MustCompile(`<li id="p-500-95"[^\n]*</li>`).FindString(pg); !strings.Contains(li, `class="mk mk-stopped"`) {
		t.Errorf("stopped batch 500 is not marked stopped in the tree: %q", li)
	}
	// The escaped daemon is marked in the tree with its creator's evidence.
	if li := regexp.MustCompile(`<li id="p-301-120"[^\n]*</li>`).FindString(pg); !strings.Contains(li, `class="mk mk-daemonized"`) ||
		!strings.Contains(li, "likely created by 101 (bash)") {
		t.Errorf("daemon 301 is not marked daemonized with its creator in the tree: %q", li)
	}
	if li := regexp.MustCompile(`<li id="p-300-80"[^\n]*</li>`).FindString(pg); !strings.Contains(li, `class="gone"`) {
		t.Errorf("the shell's child 300, gone by the end, is not struck through: %q", li)
	}
	// Nothing is fetched: no URL anywhere, and the page forbids fetching by policy.
	if m := regexp.MustCompile(`(?i)(src|href)="(https?:|//)`).FindString(pg); m != "" {
		t.Errorf("page references the network: %s", m)
	}
	if !strings.Contains(pg, `default-src 'none'`) {
		t.Errorf("page has no content security policy forbidding fetches")
	}
}

// TestHostileNames checks that comms and fd targets are escaped, not interpreted.
func TestHostileNames(t *testing.T) {
	snaps := fixtureSnapshots()
	for _, s := range snaps {
		for i := range s.Processes {
			if s.Processes[i].PID == 500 {
				s.Processes[i].Comm = `<script>alert(1)</script>`
			}
		}
	}
	pg := writePage(t, fixtureInput(t, snaps))
	if strings.Contains(pg, "<script>alert(1)") {
		t.Fatalf("a comm reached the page unescaped")
	}
	if !strings.Contains(pg, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("the hostile comm is not shown escaped")
	}
}

func TestTooFew(t *testing.T) {
	snaps := fixtureSnapshots()
	err := Write(&bytes.Buffer{}, &Input{Snapshots: snaps[:1]})
	if !errors.Is(err, ErrTooFew) {
		t.Fatalf("Write with one snapshot: %v, want ErrTooFew", err)
	}
}

// TestFindingsFold checks that many findings of one category for one program fold into a line
// after the first few, in place, and that a process missing from the tree links to the events.
func TestFindingsFold(t *testing.T) {
	var fs []diff.Finding
	var by []time.Time
	for i := range 5 {
		fs = append(fs, diff.Finding{Kind: diff.FindingNotReaping, PID: 100 + i, Comm: "pop", Detail: "not reaping"})
		by = append(by, t0)
	}
	fs = append(fs, diff.Finding{Kind: diff.FindingStopped, PID: 7, StartTicks: 9, Comm: "vi", Detail: "stopped"})
	by = append(by, t0)
	got := buildFindings(fs, by, map[string]bool{"p-100-0": true})
	var lines []string
	for _, f := range got {
		lines = append(lines, f.Kind+" "+f.Who+" "+f.Href)
	}
	want := []string{"not_reaping 100 pop #p-100-0", "not_reaping 101 pop #events", "not_reaping 102 pop #events",
		"not_reaping pop #events", "stopped 7 vi #events"}
	if d := cmp.Diff(want, lines); d != "" {
		t.Errorf("findings (-want +got):\n%s", d)
	}
	if !strings.Contains(got[3].Detail, "2 more processes named pop") {
		t.Errorf("fold line %q does not count the 2 left out", got[3].Detail)
	}
	// Fifteen stopped processes of different programs: ten lines, then one counting five.
	fs, by = nil, nil
	for i := range 15 {
		fs = append(fs, diff.Finding{Kind: diff.FindingStopped, PID: 10 + i, Comm: fmt.Sprintf("p%d", i)})
		by = append(by, t0)
	}
	got = buildFindings(fs, by, nil)
	if len(got) != 11 || got[10].Detail != "and 5 more (the events table lists them)" {
		t.Errorf("15 stopped findings gave %d lines, last %+v; want 10 and one counting 5", len(got), got[len(got)-1])
	}
}

// TestGroupZombieNote checks that a group's zombies name the parent of most of them, and count
// the others.
func TestGroupZombieNote(t *testing.T) {
	snaps := fixtureSnapshots()
	z := func(pid, ppid int) diff.Span {
		return diff.Span{PID: pid, PPID: ppid, PGID: 200, SID: 200, Comm: "job", First: 1, Last: 2, ZombieFrom: 1}
	}
	for _, tc := range []struct {
		spans []diff.Span
		want  string
	}{
		{[]diff.Span{z(201, 200), z(202, 200)}, "2 zombies of parent 200 worker-pool"},
		{[]diff.Span{z(201, 1), z(202, 200), z(203, 200)}, "3 zombies, 2 of parent 200 worker-pool, 1 of 1 other parent"},
	} {
		lines := groupLines(tc.spans, 2)
		if len(lines) != 1 {
			t.Fatalf("%d lines for one group", len(lines))
		}
		if got := zombieNote(lines[0], snaps); got != tc.want {
			t.Errorf("zombieNote = %q, want %q", got, tc.want)
		}
	}
}
