package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/procsnap/procsnap/fixtures/stage"
)

// The integration test needs the Debian packages prometheus (prometheus, promtool) and
// prometheus-node-exporter; .ci/run installs them. Elsewhere the tests skip, saying so.
const promPackages = "apt-get install prometheus prometheus-node-exporter"

// needTool returns the path of the first of names found, skipping the test when none is (and
// failing it in CI, where .ci/run installs them).
func needTool(t *testing.T, names ...string) string {
	t.Helper()
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	msg := fmt.Sprintf("%s not installed (%s)", strings.Join(names, " or "), promPackages)
	if os.Getenv("CI") != "" {
		t.Fatal(msg + ": .ci/run should have installed it")
	}
	t.Skip(msg)
	return ""
}

// TestAlertRules checks contrib/prometheus/procsnap.rules.yml and runs its unit tests.
func TestAlertRules(t *testing.T) {
	promtool := needTool(t, "promtool")
	dir := filepath.Join("..", "contrib", "prometheus")
	for _, args := range [][]string{
		{"check", "rules", "procsnap.rules.yml"},
		{"test", "rules", "procsnap.rules.test.yml"},
	} {
		cmd := exec.Command(promtool, args...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Errorf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		t.Logf("promtool %s:\n%s", strings.Join(args, " "), out)
	}
}

// freePort returns a port on 127.0.0.1 that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// lockedBuffer collects a daemon's output for the failure message.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// daemon starts a long-running program, killed and reaped by PID at the end of the test.
func daemon(t *testing.T, path string, args ...string) *lockedBuffer {
	t.Helper()
	logs := &lockedBuffer{}
	cmd := exec.Command(path, args...)
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("%s (pid %d) output:\n%s", filepath.Base(path), pid, logs.String())
		}
	})
	return logs
}

// waitHTTP polls url until it answers 200 and cond accepts the body, or fails at the deadline.
func waitHTTP(t *testing.T, what, u string, deadline time.Duration, cond func([]byte) bool) []byte {
	t.Helper()
	client := &http.Client{Timeout: 5 * time.Second}
	end := time.Now().Add(deadline)
	var last string
	for time.Now().Before(end) {
		resp, err := client.Get(u)
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK && cond(body) {
				return body
			}
			last = fmt.Sprintf("HTTP %d: %.300s", resp.StatusCode, body)
		} else {
			last = err.Error()
		}
		time.Sleep(250 * time.Millisecond)
	}
	t.Fatalf("%s: not there after %s (last answer: %s)", what, deadline, last)
	return nil
}

// TestPrometheusReadsZombies is the end-to-end check: node_exporter's textfile collector reads
// procsnap's file, Prometheus scrapes node_exporter, and the zombie series of a staged zombie
// farm comes back through Prometheus's HTTP API with the parent's labels.
func TestPrometheusReadsZombies(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Prometheus and node_exporter")
	}
	prom := needTool(t, "prometheus")
	exporter := needTool(t, "prometheus-node-exporter", "node_exporter")
	textDir, dataDir := t.TempDir(), t.TempDir()
	nePort, promPort := freePort(t), freePort(t)
	daemon(t, exporter, "--web.listen-address=127.0.0.1:"+strconv.Itoa(nePort),
		"--collector.disable-defaults", "--collector.textfile", "--collector.textfile.directory="+textDir)
	cfg := filepath.Join(dataDir, "prometheus.yml")
	conf := fmt.Sprintf("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n"+
		"  - job_name: node\n    static_configs:\n      - targets: ['127.0.0.1:%d']\n", nePort)
	if err := os.WriteFile(cfg, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	daemon(t, prom, "--config.file="+cfg, "--storage.tsdb.path="+filepath.Join(dataDir, "tsdb"),
		"--web.listen-address=127.0.0.1:"+strconv.Itoa(promPort))
	base := fmt.Sprintf("http://127.0.0.1:%d", promPort)
	waitHTTP(t, "prometheus ready", base+"/-/ready", 2*time.Minute, func([]byte) bool { return true })

	const farm = 7
	parent, zombies := stage.Zombies(t, farm)
	promFile := filepath.Join(textDir, "procsnap.prom")
	var out bytes.Buffer
	if err := runMetrics(context.Background(), &globalOptions{procRoot: "/proc"},
		&metricsOptions{output: promFile, top: 10, history: 0}, nil, &out); err != nil {
		t.Fatalf("procsnap metrics -o %s: %v", promFile, err)
	}
	waitHTTP(t, "node_exporter serving the textfile", fmt.Sprintf("http://127.0.0.1:%d/metrics", nePort), time.Minute,
		func(b []byte) bool { return bytes.Contains(b, []byte("procsnap_zombies{")) })

	q := fmt.Sprintf(`procsnap_zombies{parent_pid="%d"}`, parent.PID)
	body := waitHTTP(t, "zombie series in Prometheus", base+"/api/v1/query?query="+url.QueryEscape(q), 2*time.Minute,
		func(b []byte) bool { return bytes.Contains(b, []byte(`"result":[{`)) })
	var resp struct {
		Status string
		Data   struct {
			Result []struct {
				Metric map[string]string
				Value  []any
			}
		}
	}
	if err := json.Unmarshal(body, &resp); err != nil {
		t.Fatal(err)
	}
	if resp.Status != "success" || len(resp.Data.Result) != 1 {
		t.Fatalf("query %s: %s", q, body)
	}
	r := resp.Data.Result[0]
	if got := fmt.Sprint(r.Value[1]); got != strconv.Itoa(farm) || r.Metric["parent_sigchld"] != "default" ||
		r.Metric["job"] != "node" || r.Metric["parent_comm"] == "" {
		t.Errorf("query %s: %v = %s, want %d zombies with the parent's labels", q, r.Metric, got, farm)
	}
	t.Logf("staged %d zombies %v under pid %d; Prometheus answered %s = %v", farm, zombies, parent.PID, q, r.Value[1])
	t.Logf("series: %v", r.Metric)
}
