package cmd

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/procsnap/procsnap/snapshot/capture"
	snapformat "github.com/procsnap/procsnap/snapshot/format"

	"github.com/procsnap/procsnap/fixtures/stage"
	"github.com/procsnap/procsnap/snapshot"
)

// reportTake runs take --dir with the binary and fails the test on error.
func reportTake(t *testing.T, bin, dir string) {
	t.Helper()
	if out, err := exec.Command(bin, "take", "--dir", dir).CombinedOutput(); err != nil {
		t.Fatalf("take --dir: %v\n%s", err, out)
	}
}

// procItem returns the tree entry of a process on the page ("" when absent).
func procItem(page string, pid int, start uint64) string {
	return regexp.MustCompile(fmt.Sprintf(`<li id="p-%d-%d"[^\n]*</li>`, pid, start)).FindString(page)
}

// TestReportOnRealProcesses takes three captures of this host with real take runs, staging a
// parent that never reaps its zombies and a double-forked daemon before the second and stopping
// a sleeper before the third, and checks that the page shows each where an investigator looks for it; then, where
// chromium can run, that it renders offline without errors (screenshots in the artifacts).
func TestReportOnRealProcesses(t *testing.T) {
	bin := captureBinary(t)
	dir := filepath.Join(t.TempDir(), "caps")
	reportTake(t, bin, dir)
	zparent, zombies := stage.Zombies(t, 3)
	daemon, creator := stage.DoubleFork(t)
	stopped := stage.Sleeper(t)
	reportTake(t, bin, dir)
	stopped.Stop(t)
	reportTake(t, bin, dir)

	out := filepath.Join(t.TempDir(), "r.html")
	code, stdout, errs := runBinary(t, bin, "report", dir, "-o", out)
	if code != ExitOK {
		t.Fatalf("report: exit %d: %s", code, errs)
	}
	if strings.TrimSpace(stdout) != out {
		t.Errorf("report printed %q, want the path %s", stdout, out)
	}
	assertPerm(t, out, 0o600)
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	page := string(raw)
	if !strings.Contains(page, fmt.Sprintf(`<a href="#p-%d-%d"><b>not_reaping</b> %d sleep</a>`, zparent.PID, zparent.StartTicks, zparent.PID)) &&
		!strings.Contains(page, "more processes named sleep") {
		t.Errorf("findings do not name zombie parent %d as not reaping", zparent.PID)
	}
	if li := procItem(page, zparent.PID, zparent.StartTicks); !strings.Contains(li, fmt.Sprintf("%d zombie children", len(zombies))) {
		t.Errorf("tree entry of the zombie parent lacks its %d zombie children: %q", len(zombies), li)
	}
	if li := procItem(page, daemon.PID, daemon.StartTicks); !strings.Contains(li, `mk-daemonized`) ||
		!strings.Contains(li, fmt.Sprintf("likely created by %d", creator.PID)) {
		t.Errorf("tree entry of daemon %d lacks daemonized and its creator %d: %q", daemon.PID, creator.PID, li)
	}
	if li := procItem(page, stopped.PID, stopped.StartTicks); !strings.Contains(li, `mk-stopped`) {
		t.Errorf("tree entry of stopped %d lacks the stopped mark: %q", stopped.PID, li)
	}
	if !strings.Contains(page, fmt.Sprintf(" of parent %d sleep", zparent.PID)) {
		t.Errorf("timeline does not name %d as the parent of its zombies", zparent.PID)
	}
	// The chart draws the six parents with most zombies and sums the others: on a busy host the
	// staged parent may be among the others.
	if !strings.Contains(page, fmt.Sprintf("<title>parent %d sleep</title>", zparent.PID)) &&
		!regexp.MustCompile(`<title>\d+ other parents?</title>`).MatchString(page) {
		t.Errorf("zombie chart has no line for parent %d, nor one for the other parents", zparent.PID)
	}
	t.Run("browser", func(t *testing.T) {
		b := startBrowser(t, chromiumPath(t))
		checkInBrowser(t, b, out, "host")
	})
}

// pageStats is what the browser test reads back from a loaded page.
type pageStats struct {
	Sessions, Items, Rows, Visible, Lines, Areas, Events, Filtered int
	ZombieEmpty                                                    int
	// Navigation timing of the page, in ms from the start of navigation.
	InteractiveMS, LoadMS float64
}

// checkInBrowser loads the page from its file with the network off, fails on any console error
// or exception, checks that the tree, timeline and charts are drawn and that the timeline filter
// works, and saves screenshots of each section under the test's artifact directory.
func checkInBrowser(t *testing.T, b *browser, path, name string) pageStats {
	t.Helper()
	start := time.Now()
	errs := b.open(path)
	wall := time.Since(start)
	for _, e := range errs {
		t.Errorf("page error: %s", e)
	}
	var st pageStats
	b.eval(`(function(){var q=function(s){return document.querySelectorAll(s).length};
var rows=[].slice.call(document.querySelectorAll('#tl-rows .tl-row'));
var nav=performance.getEntriesByType('navigation')[0];
return {Sessions:q('#tree details.sess'),Items:q('#tree li'),Rows:rows.length,
Visible:rows.filter(function(r){return r.offsetParent!==null}).length,
Lines:q('#zombies polyline'),ZombieEmpty:q('#zombies text.empty'),Areas:q('#states polygon'),
Events:q('#ev-table tbody tr'),InteractiveMS:nav.domInteractive,LoadMS:nav.loadEventStart};})()`, &st)
	t.Logf("%s: %d sessions, %d tree entries, %d timeline rows (%d visible), %d zombie lines, %d state layers, %d event rows; DOM interactive at %.0f ms, load event at %.0f ms (%v wall)",
		name, st.Sessions, st.Items, st.Rows, st.Visible, st.Lines, st.Areas, st.Events, st.InteractiveMS, st.LoadMS, wall.Round(time.Millisecond))
	if st.Sessions == 0 || st.Items == 0 {
		t.Errorf("the tree is empty: %+v", st)
	}
	if st.Rows == 0 || st.Visible == 0 || st.Visible > 160 {
		t.Errorf("timeline: %d rows, %d visible (want some, at most 160 before filtering)", st.Rows, st.Visible)
	}
	if st.Lines == 0 && st.ZombieEmpty == 0 || st.Areas == 0 {
		t.Errorf("charts missing: %d zombie lines, %d state layers", st.Lines, st.Areas)
	}
	// The filter box finds a row that was hidden, by its text.
	b.eval(`(function(){var rows=document.querySelectorAll('#tl-rows .tl-row');var k=rows[rows.length-1].firstChild.textContent.split(' ')[1];
var q=document.getElementById('tl-q');q.value=k;q.dispatchEvent(new Event('input'));
return [].slice.call(rows).filter(function(r){return r.offsetParent!==null}).length;})()`, &st.Filtered)
	if st.Filtered == 0 {
		t.Errorf("timeline filter on the last row's comm shows no row")
	}
	b.eval(`(function(){var q=document.getElementById('tl-q');q.value='';q.dispatchEvent(new Event('input'));return 0})()`, new(int))
	dir := t.ArtifactDir()
	for _, s := range []struct {
		sel, file string
		h         float64
	}{{"#summary", "summary", 1200}, {"#tree", "tree", 1400}, {"#timeline", "timeline", 1400}, {"#charts", "charts", 1200}} {
		b.screenshot(s.sel, s.h, filepath.Join(dir, name+"-"+s.file+".png"))
	}
	// The same page for a reader in dark mode.
	b.call("Emulation.setEmulatedMedia", map[string]any{"features": []map[string]string{{"name": "prefers-color-scheme", "value": "dark"}}}, nil)
	var bg string
	b.eval(`getComputedStyle(document.body).backgroundColor`, &bg)
	if bg == "rgb(255, 255, 255)" {
		t.Errorf("dark mode: the page background stays white")
	}
	b.screenshot("#charts", 1200, filepath.Join(dir, name+"-charts-dark.png"))
	return st
}

// TestReportAt5000Processes writes a capture directory of four synthetic captures of 5,000
// processes each (churn, a zombie pile, reparenting), renders it, and loads it in chromium:
// the timeline must aggregate per process group and the page must load without errors. Page
// size and load time are logged (measured, never asserted).
func TestReportAt5000Processes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "caps")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 11, 24, 1, 0, 0, 0, time.UTC)
	for i := range 4 {
		s := bigSnapshot(t0.Add(time.Duration(i)*time.Hour), i)
		name := filepath.Join(dir, capture.CaptureName("bighost", s.Header.TakenAt, 0, "json", true))
		if err := snapformat.WriteFile(name, s, ""); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(t.TempDir(), "big.html")
	bin := captureBinary(t) // not race-instrumented: loading 20,000 records under -race takes long
	start := time.Now()
	code, _, errs := runBinary(t, bin, "report", dir, "-o", out)
	if code != ExitOK {
		t.Fatalf("report: exit %d: %s", code, errs)
	}
	info, err := os.Stat(out)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("5,000 processes × 4 captures: page %d KiB, written in %v", info.Size()>>10, time.Since(start).Round(time.Millisecond))
	raw, _ := os.ReadFile(out)
	if !strings.Contains(string(raw), "One bar per process group") {
		t.Errorf("timeline of 5,000 processes is not aggregated per process group")
	}
	b := startBrowser(t, chromiumPath(t))
	// Baseline in the same browser: a page of one paragraph.
	tiny := filepath.Join(t.TempDir(), "tiny.html")
	if err := os.WriteFile(tiny, []byte("<!DOCTYPE html><title>t</title><p>tiny</p>"), 0o600); err != nil {
		t.Fatal(err)
	}
	b.open(tiny)
	var base float64
	b.eval(`performance.getEntriesByType('navigation')[0].loadEventStart`, &base)
	st := checkInBrowser(t, b, out, "5000")
	t.Logf("load event: %.0f ms for the 5,000-process page, %.0f ms for a one-paragraph page in the same browser", st.LoadMS, base)
	if st.Rows >= 5000 {
		t.Errorf("timeline has %d rows for 5,000 processes: want one per group", st.Rows)
	}
}

// bigSnapshot is a host of 5,000 processes: init, 999 sessions of a leader and four children,
// one parent piling up zombies (10 more per capture) and, from capture 2 on, children of
// session 7 adopted by init. Capture i replaces the workers of sessions (i-1)*100 to (i-1)*100+99.
func bigSnapshot(at time.Time, i int) *snapshot.Snapshot {
	s := &snapshot.Snapshot{Header: snapshot.Header{Schema: snapshot.Schema, TakenAt: at, Hostname: "bighost",
		BootID: "5c1e4a34-9f0e-4d8e-8a55-0a1b2c3d4e5f", PIDNamespace: "pid:[4026531836]", UserHZ: 100}}
	add := func(pid, ppid, sid int, start uint64, comm, state string) {
		s.Processes = append(s.Processes, snapshot.Process{PID: pid, StartTicks: start, PPID: ppid, PGID: sid, SID: sid,
			State: state, Comm: comm, Threads: 1, SigChld: snapshot.SigChldDefault})
	}
	add(1, 0, 1, 1, "init", "S")
	for sess := 1; sess < 1000; sess++ {
		lead := sess * 10
		add(lead, 1, lead, 100, fmt.Sprintf("svc%d", sess%37), "S")
		for c := 1; c <= 4; c++ {
			start := uint64(200)
			if sess/100 < i {
				start = uint64(1000 * (sess/100 + 1)) // replaced at capture sess/100+1: the PID was reused
			}
			ppid := lead
			if sess == 7 && i >= 2 {
				ppid = 1
			}
			state := "S"
			if c == 4 && sess%50 == 0 {
				state = "R"
			}
			add(lead+c, ppid, lead, start, "worker", state)
		}
	}
	for z := range 10 * (i + 1) {
		add(20000+z, 9990, 9990, uint64(500+z), "job", "Z")
	}
	s.Header.Counts = s.Count() // as take writes them: every count must agree with the records
	return s
}

// TestReportPageInBrowser checks a page written elsewhere, named by PROCSNAP_REPORT_PAGE (for
// instance a report of this host's captures), as the other browser tests do, and saves its
// screenshots: go test ./cmd -run TestReportPageInBrowser -artifacts -outputdir DIR.
func TestReportPageInBrowser(t *testing.T) {
	path := os.Getenv("PROCSNAP_REPORT_PAGE")
	if path == "" {
		t.Skip("set PROCSNAP_REPORT_PAGE to the page to check")
	}
	b := startBrowser(t, chromiumPath(t))
	checkInBrowser(t, b, path, strings.TrimSuffix(filepath.Base(path), ".html"))
}
