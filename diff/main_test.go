package diff

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"testing"

	"golang.org/x/sys/unix"
)

// helperEnv makes the test binary play a helper role instead of running tests: the end-to-end
// tests need a child subreaper and a ptrace attacher that fixtures/stage does not provide.
const helperEnv = "PROCSNAP_DIFF_HELPER"

func TestMain(m *testing.M) {
	if role := os.Getenv(helperEnv); role != "" {
		if err := helper(role, os.Args[1:]); err != nil {
			fmt.Fprintf(os.Stderr, "helper %s: %v\n", role, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// helper runs one role; each answers "ready ..." on stdout and ends when stdin closes.
//
//	subreaper STAGER: become a child subreaper, start "STAGER hold" (mid) and make it fork
//	  "hold -noctl" (orphan); print "ready mid=M orphan=O"; on the line "kill-mid" kill and reap
//	  mid, so the orphan is adopted by this process, and print "ok"; at EOF kill and reap orphan.
//	attach PID: PTRACE_ATTACH to PID and wait for its stop; print "ready"; at EOF detach.
func helper(role string, args []string) error {
	in := bufio.NewScanner(os.Stdin)
	switch role {
	case "subreaper":
		return subreaperHelper(args[0], in)
	case "attach":
		runtime.LockOSThread()
		pid, err := strconv.Atoi(args[0])
		if err != nil {
			return err
		}
		if err := unix.PtraceAttach(pid); err != nil {
			return fmt.Errorf("PTRACE_ATTACH %d: %w", pid, err)
		}
		var ws unix.WaitStatus
		if _, err := unix.Wait4(pid, &ws, unix.WALL, nil); err != nil {
			return err
		}
		fmt.Println("ready")
		for in.Scan() {
		}
		return unix.PtraceDetach(pid)
	}
	return forensicHelper(role, args, in)
}

func subreaperHelper(stager string, in *bufio.Scanner) error {
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		return err
	}
	mid := exec.Command(stager, "hold")
	ctl, err := mid.StdinPipe()
	if err != nil {
		return err
	}
	out, err := mid.StdoutPipe()
	if err != nil {
		return err
	}
	if err := mid.Start(); err != nil {
		return err
	}
	r := bufio.NewScanner(out)
	var midPID, orphan int
	if !r.Scan() {
		return fmt.Errorf("mid said nothing")
	}
	if _, err := fmt.Sscanf(r.Text(), "ready pid=%d", &midPID); err != nil {
		return fmt.Errorf("mid: %q: %w", r.Text(), err)
	}
	fmt.Fprintln(ctl, "fork hold -noctl")
	if !r.Scan() {
		return fmt.Errorf("mid did not fork")
	}
	if _, err := fmt.Sscanf(r.Text(), "child pid=%d", &orphan); err != nil {
		return fmt.Errorf("mid: %q: %w", r.Text(), err)
	}
	fmt.Printf("ready mid=%d orphan=%d\n", midPID, orphan)
	defer func() {
		_ = unix.Kill(orphan, unix.SIGKILL)
		var ws unix.WaitStatus
		_, _ = unix.Wait4(orphan, &ws, 0, nil)
	}()
	for in.Scan() {
		if in.Text() == "kill-mid" {
			_ = mid.Process.Kill()
			_ = mid.Wait()
			fmt.Println("ok")
		}
	}
	return nil
}
