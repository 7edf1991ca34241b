package cmd

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// The browser tests drive Debian's chromium through the Chrome DevTools Protocol over
// --remote-debugging-pipe (JSON messages ending in NUL on fds 3 and 4): no websocket, no new
// dependency. The network is off three ways: a new network namespace when unshare works, a
// dead proxy and resolver, and DevTools' offline emulation.

// chromiumPath returns the chromium binary, installing the Debian package when it is missing
// and apt-get can run; otherwise the test is skipped saying why.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test: skipped under -short")
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	if os.Geteuid() != 0 {
		t.Skip("browser test: chromium is not installed and installing it needs root (apt-get install chromium)")
	}
	if _, err := exec.LookPath("apt-get"); err != nil {
		t.Skip("browser test: chromium is not installed and there is no apt-get to install it")
	}
	t.Log("installing chromium with apt-get (this can take a few minutes)")
	out, err := exec.Command("apt-get", "install", "-y", "-o", "DPkg::Lock::Timeout=600", "chromium").CombinedOutput()
	if err != nil {
		t.Skipf("browser test: apt-get install chromium failed: %v\n%s", err, lastLines(string(out), 5))
	}
	p, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("browser test: chromium still not found after apt-get install")
	}
	return p
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// browser is one headless chromium with one page attached.
type browser struct {
	t       *testing.T
	cmd     *exec.Cmd
	w       *os.File
	mu      sync.Mutex
	nextID  int
	waiting map[int]chan cdpMsg
	events  chan cdpMsg
	session string
}

type cdpMsg struct {
	ID        int             `json:"id,omitempty"`
	Method    string          `json:"method,omitempty"`
	Params    json.RawMessage `json:"params,omitempty"`
	Result    json.RawMessage `json:"result,omitempty"`
	Error     *struct{ Message string }
	SessionID string `json:"sessionId,omitempty"`
}

// startBrowser starts chromium and attaches to a blank page with Runtime, Page and Log enabled
// and the network emulated offline.
func startBrowser(t *testing.T, bin string) *browser {
	t.Helper()
	args := []string{bin, "--headless=new", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe",
		"--user-data-dir=" + t.TempDir(), "--no-first-run", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--proxy-server=127.0.0.1:9",
		"--host-resolver-rules=MAP * ~NOTFOUND", "--hide-scrollbars", "about:blank"}
	if os.Geteuid() == 0 && exec.Command("unshare", "-n", "true").Run() == nil {
		args = append([]string{"unshare", "-n"}, args...)
	}
	cmd := exec.Command(args[0], args[1:]...)
	toChrome, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	r, fromChrome, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.ExtraFiles = []*os.File{toChrome, fromChrome}
	cmd.Stderr = &lineLog{t: t}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	toChrome.Close()
	fromChrome.Close()
	b := &browser{t: t, cmd: cmd, w: w, waiting: map[int]chan cdpMsg{}, events: make(chan cdpMsg, 4096)}
	t.Cleanup(func() {
		w.Close()
		cmd.Process.Kill()
		cmd.Wait()
	})
	go b.read(r)
	var tgt struct{ TargetID string }
	b.call("Target.createTarget", map[string]any{"url": "about:blank"}, &tgt)
	var att struct{ SessionID string }
	b.call("Target.attachToTarget", map[string]any{"targetId": tgt.TargetID, "flatten": true}, &att)
	b.session = att.SessionID
	for _, m := range []string{"Runtime.enable", "Page.enable", "Log.enable", "Network.enable"} {
		b.call(m, nil, nil)
	}
	b.call("Network.emulateNetworkConditions", map[string]any{"offline": true, "latency": 0,
		"downloadThroughput": 0, "uploadThroughput": 0}, nil)
	b.call("Emulation.setDeviceMetricsOverride", map[string]any{"width": 1280, "height": 900,
		"deviceScaleFactor": 1, "mobile": false}, nil)
	return b
}

// lineLog passes chromium's stderr to the test log (it is noisy about D-Bus: kept for failures).
type lineLog struct {
	t   *testing.T
	buf []byte
}

func (l *lineLog) Write(p []byte) (int, error) {
	l.buf = append(l.buf, p...)
	if len(l.buf) > 64<<10 {
		l.buf = l.buf[len(l.buf)-32<<10:]
	}
	return len(p), nil
}

func (b *browser) read(r *os.File) {
	br := bufio.NewReaderSize(r, 1<<20)
	for {
		raw, err := br.ReadBytes(0)
		if err != nil {
			close(b.events)
			return
		}
		var m cdpMsg
		if json.Unmarshal(raw[:len(raw)-1], &m) != nil {
			continue
		}
		if m.ID != 0 {
			b.mu.Lock()
			ch := b.waiting[m.ID]
			delete(b.waiting, m.ID)
			b.mu.Unlock()
			if ch != nil {
				ch <- m
			}
			continue
		}
		select {
		case b.events <- m:
		default: // a test that stops listening must not block the reader
		}
	}
}

// call sends one command (to the page once attached) and decodes its result into out.
func (b *browser) call(method string, params any, out any) {
	b.t.Helper()
	b.mu.Lock()
	b.nextID++
	id := b.nextID
	ch := make(chan cdpMsg, 1)
	b.waiting[id] = ch
	b.mu.Unlock()
	msg := map[string]any{"id": id, "method": method}
	if params != nil {
		msg["params"] = params
	}
	if b.session != "" {
		msg["sessionId"] = b.session
	}
	raw, _ := json.Marshal(msg)
	if _, err := b.w.Write(append(raw, 0)); err != nil {
		b.t.Fatalf("CDP %s: %v", method, err)
	}
	select {
	case m := <-ch:
		if m.Error != nil {
			b.t.Fatalf("CDP %s: %s", method, m.Error.Message)
		}
		if out != nil {
			if err := json.Unmarshal(m.Result, out); err != nil {
				b.t.Fatalf("CDP %s result: %v", method, err)
			}
		}
	case <-time.After(90 * time.Second):
		b.t.Fatalf("CDP %s: no answer in 90s", method)
	}
}

// pageErrors collects console errors, uncaught exceptions and log errors until the load event.
type pageErrors []string

// open navigates to a file and waits for its load event, returning the errors the page raised.
func (b *browser) open(path string) pageErrors {
	b.t.Helper()
	abs, err := filepath.Abs(path)
	if err != nil {
		b.t.Fatal(err)
	}
	b.call("Page.navigate", map[string]any{"url": "file://" + abs}, nil)
	var errs pageErrors
	deadline := time.After(90 * time.Second)
	for {
		select {
		case m, ok := <-b.events:
			if !ok {
				b.t.Fatalf("chromium exited while loading %s", path)
			}
			if e := eventError(m); e != "" {
				errs = append(errs, e)
			}
			if m.Method == "Page.loadEventFired" {
				return errs
			}
		case <-deadline:
			b.t.Fatalf("%s: no load event in 90s", path)
		}
	}
}

// eventError describes m when it reports an error on the page, else "".
func eventError(m cdpMsg) string {
	var p struct {
		Type             string
		Args             []struct{ Value any }
		ExceptionDetails struct{ Text string }
		Entry            struct{ Level, Text string }
	}
	_ = json.Unmarshal(m.Params, &p)
	switch {
	case m.Method == "Runtime.consoleAPICalled" && (p.Type == "error" || p.Type == "assert"):
		return fmt.Sprintf("console.%s %v", p.Type, p.Args)
	case m.Method == "Runtime.exceptionThrown":
		return "exception: " + p.ExceptionDetails.Text
	case m.Method == "Log.entryAdded" && p.Entry.Level == "error":
		return "log: " + p.Entry.Text
	}
	return ""
}

// eval runs a JavaScript expression and decodes its JSON-serialisable value into out.
func (b *browser) eval(expr string, out any) {
	b.t.Helper()
	var r struct {
		Result struct {
			Value json.RawMessage
		}
		ExceptionDetails *struct{ Text string }
	}
	b.call("Runtime.evaluate", map[string]any{"expression": expr, "returnByValue": true}, &r)
	if r.ExceptionDetails != nil {
		b.t.Fatalf("eval %q: %s", expr, r.ExceptionDetails.Text)
	}
	if err := json.Unmarshal(r.Result.Value, out); err != nil {
		b.t.Fatalf("eval %q: %v (%s)", expr, err, r.Result.Value)
	}
}

// screenshot saves a PNG of the element matching selector (at most maxHeight pixels of it).
func (b *browser) screenshot(selector string, maxHeight float64, path string) {
	b.t.Helper()
	var rect struct{ X, Y, W, H float64 }
	// Sections render lazily (content-visibility: auto): draw this one before measuring it.
	b.eval(fmt.Sprintf(`(function(){var e=document.querySelector(%q);e.style.contentVisibility='visible';e.scrollIntoView();return 0})()`, selector), new(int))
	b.eval(fmt.Sprintf(`(function(){var r=document.querySelector(%q).getBoundingClientRect();`+
		`return {X:r.left+scrollX,Y:r.top+scrollY,W:r.width,H:r.height};})()`, selector), &rect)
	clip := map[string]any{"x": rect.X, "y": rect.Y, "width": rect.W, "height": min(rect.H, maxHeight), "scale": 1}
	var shot struct{ Data string }
	b.call("Page.captureScreenshot", map[string]any{"format": "png", "clip": clip, "captureBeyondViewport": true}, &shot)
	png, err := base64.StdEncoding.DecodeString(shot.Data)
	if err != nil {
		b.t.Fatal(err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("screenshot of %s: %s (%d bytes)", selector, path, len(png))
}
