package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
)

// daemon is a real daemon started from a shell, and how to find its PID afterwards.
type daemon struct {
	name   string
	bin    string // installed from the Debian package pkg when absent (as root)
	pkg    string
	script string // run by sh -c; TMP is replaced by a scratch path
	pid    func(tmp string, out []byte) int
}

var daemons = []daemon{
	{name: "ssh-agent", bin: "ssh-agent", pkg: "openssh-client", script: "rm -f TMP.sock; ssh-agent -a TMP.sock", pid: func(_ string, out []byte) int {
		m := regexp.MustCompile(`SSH_AGENT_PID=(\d+)`).FindSubmatch(out)
		if m == nil {
			return 0
		}
		return atoiOr0(string(m[1]))
	}},
	{name: "tmux", bin: "tmux", pkg: "tmux", script: "rm -f TMP.tmux; tmux -S TMP.tmux new-session -d sleep 600", pid: func(tmp string, _ []byte) int {
		b, _ := exec.Command("tmux", "-S", tmp+".tmux", "display", "-p", "#{pid}").Output()
		return atoiOr0(strings.TrimSpace(string(b)))
	}},
	{name: "start-stop-daemon", bin: "start-stop-daemon", pkg: "dpkg", script: "rm -f TMP.pid; start-stop-daemon --start --background --make-pidfile --pidfile TMP.pid --exec /bin/sleep -- 600", pid: func(tmp string, _ []byte) int {
		b, _ := os.ReadFile(tmp + ".pid")
		return atoiOr0(strings.TrimSpace(string(b)))
	}},
	{name: "screen", bin: "screen", pkg: "screen", script: "rm -rf TMP.screen; mkdir -m 700 TMP.screen; SCREENDIR=TMP.screen screen -dmS psm sleep 600", pid: func(tmp string, _ []byte) int {
		c := exec.Command("screen", "-ls")
		c.Env = append(os.Environ(), "SCREENDIR="+tmp+".screen")
		b, _ := c.Output() // screen -ls exits 1 even when it lists sessions
		m := regexp.MustCompile(`(\d+)\.psm`).FindSubmatch(b)
		if m == nil {
			return 0
		}
		return atoiOr0(string(m[1]))
	}},
	{name: "redis-server", bin: "redis-server", pkg: "redis-server", script: "rm -f TMP.pid; redis-server --daemonize yes --port 0 --unixsocket TMP.sock --pidfile TMP.pid --dir /tmp --save '' --appendonly no --logfile TMP.log", pid: pidFile},
	{name: "memcached -d", bin: "memcached", pkg: "memcached", script: "rm -f TMP.pid TMP.sock; memcached -d -u root -s TMP.sock -P TMP.pid", pid: pidFile},
	{name: "setsid -f", bin: "setsid", pkg: "util-linux", script: "rm -f TMP.pid; setsid -f sh -c 'echo $$ > TMP.pid; exec sleep 600'", pid: func(tmp string, _ []byte) int {
		b, _ := os.ReadFile(tmp + ".pid")
		return atoiOr0(strings.TrimSpace(string(b)))
	}},
}

// install installs, once, the Debian packages of the daemons that are absent (root and
// apt-get only; a redis-server or memcached service that the package starts is left alone:
// the benchmark starts its own copies on private sockets).
var install = sync.OnceFunc(func() {
	var pkgs []string
	for _, d := range daemons {
		if _, err := exec.LookPath(d.bin); err != nil {
			pkgs = append(pkgs, d.pkg)
		}
	}
	if len(pkgs) == 0 || os.Geteuid() != 0 {
		return
	}
	fmt.Printf("installing %s from Debian packages\n", strings.Join(pkgs, " "))
	c := exec.Command("apt-get", append([]string{"install", "-y", "-q"}, pkgs...)...)
	c.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	if out, err := c.CombinedOutput(); err != nil {
		fmt.Printf("  apt-get install failed: %v\n%s", err, out)
	}
})

// pidFile reads the PID file TMP.pid a daemon wrote.
func pidFile(tmp string, _ []byte) int {
	b, _ := os.ReadFile(tmp + ".pid")
	return atoiOr0(strings.TrimSpace(string(b)))
}

// daemonRun starts each installed daemon from a shell while procsnap watches, and says for each
// how its launch chain was named: "seen" or "inferred" when the daemonized event's chain names
// the shell, else what it said.
func daemonRun(t tool, dir, label string) {
	out := filepath.Join(dir, "daemons-"+label+".out")
	_, stop := start(t, out)
	type launched struct {
		d        daemon
		sh, pid  int
		tmp, err string
	}
	var ls []launched
	install()
	for i, d := range daemons {
		if _, err := exec.LookPath(d.bin); err != nil {
			ls = append(ls, launched{d: d, err: "not installed"})
			continue
		}
		tmp := filepath.Join(dir, fmt.Sprintf("d%d", i))
		// Output to a file, not a pipe: a daemon that keeps its stdout would hold a pipe open.
		f, err := os.Create(tmp + ".out")
		if err != nil {
			fail(err)
		}
		c := exec.Command("sh", "-c", strings.ReplaceAll(d.script, "TMP", tmp))
		c.Stdout, c.Stderr = f, f
		err = c.Run()
		f.Close()
		l := launched{d: d, sh: c.Process.Pid, tmp: tmp}
		if err != nil {
			l.err = err.Error()
		}
		// The daemon writes its PID file after its launcher returns: wait for it a while.
		for deadline := time.Now().Add(10 * time.Second); l.pid == 0 && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			b, _ := os.ReadFile(tmp + ".out")
			l.pid = d.pid(tmp, b)
		}
		ls = append(ls, l)
	}
	time.Sleep(3 * time.Second)
	stop()
	b, _ := os.ReadFile(out)
	fmt.Printf("\ndaemons (%s): the launch chain of each daemon started from sh -c\n", label)
	named := 0
	for _, l := range ls {
		killPID(l.pid)
		if l.d.name == "tmux" && l.tmp != "" {
			_ = exec.Command("tmux", "-S", l.tmp+".tmux", "kill-server").Run()
		}
		verdict := l.err
		if verdict == "" {
			verdict = chainVerdict(b, l.pid, l.sh)
			if strings.HasPrefix(verdict, "named") {
				named++
			}
		}
		fmt.Printf("  %-18s pid %-7d launcher sh %-7d %s\n", l.d.name, l.pid, l.sh, verdict)
	}
	fmt.Printf("  named %d of %d\n", named, len(ls))
}

// chainVerdict reads the daemonized event of pid and says whether its chain names the shell.
func chainVerdict(out []byte, pid, sh int) string {
	if pid == 0 {
		return "daemon PID not found"
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var e struct {
			Kind     string `json:"kind"`
			PID      int    `json:"pid"`
			ChainHow string `json:"chain_how"`
			Chain    []struct {
				PID int `json:"pid"`
			} `json:"chain"`
		}
		if json.Unmarshal(sc.Bytes(), &e) != nil || e.Kind != "daemonized" || e.PID != pid {
			continue
		}
		var chain []int
		for _, a := range e.Chain {
			chain = append(chain, a.PID)
		}
		how := strings.SplitN(e.ChainHow, ":", 2)[0]
		if slices.Contains(chain, sh) {
			return fmt.Sprintf("named (%s) chain %v", how, chain)
		}
		return fmt.Sprintf("NOT named (%s) chain %v", how, chain)
	}
	return "no daemonized event"
}
