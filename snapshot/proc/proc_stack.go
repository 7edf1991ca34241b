package proc

import (
	"errors"
	"fmt"
	"strings"
	"syscall"
)

// readStack reads /proc/PID/stack, the kernel stack. Since Linux 4.19 it needs CAP_SYS_ADMIN even
// for one's own processes: the kernel answers EACCES without it, reported as
// ReasonNeedsCapSysAdmin. With it, a failed ptrace access check answers EPERM (root reading a
// process that forbids it), which stays ReasonPermissionDenied.
func readStack(d procDir, buf *[]byte) ([]string, error) {
	data, err := readWhole(d, "stack", buf)
	if err != nil {
		if errors.Is(err, syscall.EACCES) {
			return nil, fmt.Errorf("%w: %s", errNeedsCapSysAdmin, d.join("stack"))
		}
		return nil, err
	}
	return parseStack(data), nil
}

var errNeedsCapSysAdmin = errors.New("reading a kernel stack needs CAP_SYS_ADMIN")

// parseStack parses lines such as "[<0>] do_wait+0x5b/0x90" into "do_wait+0x5b/0x90".
func parseStack(data []byte) []string {
	var out []string
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if i := strings.Index(line, "] "); i >= 0 && strings.HasPrefix(line, "[") {
			line = strings.TrimSpace(line[i+2:]) // fuzzing found "[]  0": a frame " 0"
		}
		if line != "" {
			out = append(out, line)
		}
	}
	return out
}

// readWchan reads /proc/PID/wchan as procfs's Proc.Wchan does: "" for "0" or empty.
func readWchan(d procDir, buf *[]byte) (string, error) {
	data, err := readWhole(d, "wchan", buf)
	if err != nil {
		return "", err
	}
	if len(data) == 0 || (len(data) == 1 && data[0] == '0') {
		return "", nil
	}
	return string(data), nil
}
