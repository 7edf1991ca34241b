package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// popComm is the comm of every population process; a PID is killed only while its comm says so,
// so a PID reused by somebody else's process is never touched.
const popComm = "procsnap-pop"

// population is a set of idle processes started by bench/population.c.
type population struct {
	root *exec.Cmd
	pids []int
}

// startPopulation starts n idle processes and waits until each has reported its PID.
func startPopulation(bin string, n int, timeout time.Duration) (*population, error) {
	cmd := exec.Command(bin, strconv.Itoa(n))
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", bin, err)
	}
	p := &population{root: cmd}
	done := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() && len(p.pids) < n {
			pid, err := strconv.Atoi(strings.TrimSpace(sc.Text()))
			if err != nil {
				done <- fmt.Errorf("population printed %q: %w", sc.Text(), err)
				return
			}
			p.pids = append(p.pids, pid)
		}
		if len(p.pids) < n {
			done <- fmt.Errorf("population stopped after %d of %d processes: %v", len(p.pids), n, sc.Err())
			return
		}
		done <- nil
	}()
	select {
	case err = <-done:
	case <-time.After(timeout):
		err = fmt.Errorf("population: only some of %d processes started within %s", n, timeout)
	}
	if err != nil {
		p.stop()
		return nil, err
	}
	return p, nil
}

// stop kills every population process by PID (SIGKILL), reaps the root and waits until the
// others are gone. It is safe to call more than once.
func (p *population) stop() {
	if p == nil || p.root == nil {
		return
	}
	killed := 0
	for _, pid := range p.pids {
		if isPopulation(pid) && syscall.Kill(pid, syscall.SIGKILL) == nil {
			killed++
		}
	}
	if p.root.Process != nil {
		_ = p.root.Process.Kill()
		_ = p.root.Wait()
	}
	deadline := time.Now().Add(60 * time.Second)
	for _, pid := range p.pids {
		for isPopulation(pid) && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
	}
	p.root = nil
}

// isPopulation reports whether pid is alive (not a zombie) and one of ours.
func isPopulation(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	s := string(b)
	l, r := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if l < 0 || r < l || r+2 >= len(s) {
		return false
	}
	return s[l+1:r] == popComm && s[r+2] != 'Z'
}

var errNoCC = errors.New("cc not found: the benchmark compiles bench/*.c with a C compiler")

// compile builds one C program of bench/ into dir.
func compile(src, dir, name string) (string, error) {
	cc, err := exec.LookPath("cc")
	if err != nil {
		return "", errNoCC
	}
	out := dir + "/" + name
	cmd := exec.Command(cc, "-O2", "-Wall", "-Wno-format-truncation", "-o", out, src)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("compiling %s: %w", src, err)
	}
	return out, nil
}
