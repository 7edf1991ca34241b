package proc

import (
	"errors"
	"github.com/procsnap/procsnap/snapshot"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestProcDirNamesOneLife checks on the running kernel what readOnce relies on instead of reading
// stat twice: files read through a /proc/PID descriptor are the files of the process that held
// the PID when it was opened. A zombie's exe is absent (ENOENT) while its stat still reads;
// once it is reaped every read through the descriptor fails (ESRCH), and readProcess never
// returns it again.
func TestProcDirNamesOneLife(t *testing.T) {
	if _, err := os.Stat(DefaultRoot + "/self/stat"); err != nil {
		t.Skip("no /proc")
	}
	cmd := exec.Command("sleep", "60")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	reaped := false
	t.Cleanup(func() {
		if !reaped {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	d, err := openDir(atCWD, DefaultRoot+"/"+strconv.Itoa(pid))
	if err != nil {
		t.Fatal(err)
	}
	defer d.close()
	var buf []byte
	if _, err := readWhole(d, "stat", &buf); err != nil {
		t.Fatalf("stat of a live process: %v", err)
	}
	want, err := filepath.EvalSymlinks(cmd.Path)
	if err != nil {
		t.Fatal(err)
	}
	if exe, _, err := readExe(d); err != nil || exe != want {
		t.Fatalf("exe of a live sleep = %q, %v; want %s", exe, err, want)
	}

	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		data, err := readWhole(d, "stat", &buf)
		if err != nil {
			t.Fatalf("stat of a zombie: %v", err)
		}
		st, err := ParseStat(data)
		if err != nil {
			t.Fatal(err)
		}
		if st.State == "Z" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("pid %d still in state %s after SIGKILL", pid, st.State)
		}
		time.Sleep(time.Millisecond)
	}
	if _, _, err := readExe(d); !errors.Is(err, syscall.ENOENT) {
		t.Errorf("exe of a zombie: %v, want ENOENT", err)
	}

	_ = cmd.Wait()
	reaped = true
	// Linux answers ESRCH; ENOENT would do as well: what matters is that nothing is read.
	if data, err := readWhole(d, "stat", &buf); !isVanished(err) {
		t.Errorf("stat through the descriptor of a reaped process: %q, %v, want ESRCH", data, err)
	}
	if cmd, err := readCmdline(d, &buf); !isVanished(err) {
		t.Errorf("cmdline through the descriptor of a reaped process: %q, %v, want ESRCH", cmd, err)
	}
	r := reader{root: DefaultRoot, opts: &TakeOptions{}}
	// The PID may already hold a new process, which is then read whole; never the reaped one.
	if p, reason := r.readProcess(pid); reason == "" && len(p.Cmdline) == 2 && p.Cmdline[1] == "60" {
		t.Errorf("readProcess(%d) after reaping = %+v, reason %q: the reaped process", pid, p, reason)
	}

	// As root, make a new process take the PID (ns_last_pid), as churn does by chance: the old
	// descriptor must still read nothing, where a read by path reads the new process.
	if os.Geteuid() != 0 {
		return
	}
	next := reuse(t, pid)
	if next == nil {
		t.Logf("pid %d could not be reused (other processes forked first); reuse not checked", pid)
		return
	}
	if data, err := readWhole(d, "stat", &buf); !isVanished(err) {
		t.Errorf("stat through the descriptor of pid %d, now reused: %q, %v; want ESRCH", pid, data, err)
	}
	p, reason := r.readProcess(pid)
	// (Not by start_ticks: a PID reused within one clock tick keeps the same start.)
	if reason != "" || len(p.Cmdline) != 2 || p.Cmdline[1] != "61" {
		t.Errorf("readProcess(%d) after reuse = cmdline %q reason %q, want the new sleep 61",
			pid, p.Cmdline, reason)
	}
}

// reuse starts "sleep 61" as PID pid by writing pid-1 to ns_last_pid (root only), retrying
// when another fork takes the PID first, and returns it, or nil if it never got the PID.
func reuse(t *testing.T, pid int) *exec.Cmd {
	t.Helper()
	for range 50 {
		if err := os.WriteFile("/proc/sys/kernel/ns_last_pid", []byte(strconv.Itoa(pid-1)), 0); err != nil {
			t.Logf("ns_last_pid: %v", err)
			return nil
		}
		cmd := exec.Command("sleep", "61")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
		if cmd.Process.Pid == pid {
			// Wait for the exec, so that the cmdline read is the new program's.
			deadline := time.Now().Add(10 * time.Second)
			for time.Now().Before(deadline) {
				if b, err := os.ReadFile(DefaultRoot + "/" + strconv.Itoa(pid) + "/cmdline"); err == nil && strings.Contains(string(b), "61") {
					return cmd
				}
				time.Sleep(time.Millisecond)
			}
			t.Fatalf("pid %d never exec'd sleep 61", pid)
		}
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}
	return nil
}

// TestReadFDsWithoutFdinfoDir: a tree whose fdinfo/ is missing keeps each descriptor's link
// and records its fdinfo as absent, as when one fdinfo file is missing.
func TestReadFDsWithoutFdinfoDir(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "fd"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(os.DevNull, filepath.Join(root, "fd", "3")); err != nil {
		t.Fatal(err)
	}
	d, err := openDir(atCWD, root)
	if err != nil {
		t.Fatal(err)
	}
	defer d.close()
	var buf []byte
	fds, err := readFDs(d, &buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(fds) != 1 || fds[0].FD != 3 || fds[0].Target != os.DevNull || fds[0].Unread != snapshot.ReasonAbsent {
		t.Errorf("readFDs = %+v, want fd 3 -> %s with fdinfo absent", fds, os.DevNull)
	}
}
