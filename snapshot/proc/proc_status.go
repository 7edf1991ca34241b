package proc

import (
	"bytes"
	"fmt"
	"github.com/procsnap/procsnap/snapshot"
	"strconv"
	"strings"
)

// sigchld is signal 17 on every Linux architecture procsnap builds for; masks number bits from
// signal 1.
const sigchld = 17

// status holds the fields of /proc/PID/status that procsnap records. procfs's ProcStatus lacks
// TracerPid, the signal masks and NSpgid/NSsid, and reading the file twice would cost a second
// read and could mix two moments, so this reader parses the whole file once.
type status struct {
	PPID      int
	TracerPID int
	UID, EUID int
	GID, EGID int
	SigBlk    string
	SigIgn    string
	SigCgt    string
	NSpid     []int
	NSpgid    []int
	NSsid     []int
}

// readStatus reads /proc/PID/status.
func readStatus(d procDir, buf *[]byte) (status, error) {
	data, err := readWhole(d, "status", buf)
	if err != nil {
		return status{}, err
	}
	return parseStatus(data)
}

// parseStatus parses the content of /proc/PID/status.
func parseStatus(data []byte) (status, error) {
	var s status
	var seen int
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		colon := bytes.IndexByte(line, ':')
		if colon < 0 {
			continue
		}
		key := string(line[:colon])
		val := strings.TrimSpace(string(line[colon+1:]))
		var err error
		switch key {
		case "PPid":
			s.PPID, err = strconv.Atoi(val)
		case "TracerPid":
			s.TracerPID, err = strconv.Atoi(val)
		case "Uid":
			s.UID, s.EUID, err = firstTwo(val)
		case "Gid":
			s.GID, s.EGID, err = firstTwo(val)
		case "SigBlk":
			s.SigBlk, err = hexMask(val)
		case "SigIgn":
			s.SigIgn, err = hexMask(val)
		case "SigCgt":
			s.SigCgt, err = hexMask(val)
		case "NSpid":
			s.NSpid, err = intList(val)
		case "NSpgid":
			s.NSpgid, err = intList(val)
		case "NSsid":
			s.NSsid, err = intList(val)
		default:
			continue
		}
		if err != nil {
			return status{}, fmt.Errorf("%w: status %s: %v", errMalformed, key, err)
		}
		seen++
	}
	if seen == 0 {
		return status{}, fmt.Errorf("%w: status has none of the expected fields", errMalformed)
	}
	return s, nil
}

// SigChldAction says what a process does with SIGCHLD given its ignored and caught masks (hex,
// as in /proc/PID/status): SigChldIgnore, SigChldHandler or SigChldDefault. It returns "" when
// both masks are unknown.
func SigChldAction(ignored, caught string) string {
	if ignored == "" && caught == "" {
		return ""
	}
	switch {
	case maskHas(ignored, sigchld):
		return snapshot.SigChldIgnore
	case maskHas(caught, sigchld):
		return snapshot.SigChldHandler
	}
	return snapshot.SigChldDefault
}

func maskHas(mask string, sig int) bool {
	v, err := strconv.ParseUint(mask, 16, 64)
	return err == nil && v&(1<<(sig-1)) != 0
}

func hexMask(v string) (string, error) {
	if _, err := strconv.ParseUint(v, 16, 64); err != nil {
		return "", err
	}
	return v, nil
}

func firstTwo(v string) (int, int, error) {
	f := strings.Fields(v)
	if len(f) < 2 {
		return 0, 0, fmt.Errorf("want at least 2 ids, got %q", v)
	}
	a, err := strconv.Atoi(f[0])
	if err != nil {
		return 0, 0, err
	}
	b, err := strconv.Atoi(f[1])
	return a, b, err
}

func intList(v string) ([]int, error) {
	f := strings.Fields(v)
	out := make([]int, 0, len(f))
	for _, x := range f {
		n, err := strconv.Atoi(x)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}
