package proc

import (
	"slices"
	"strconv"
	"strings"
)

// readChildren reads /proc/PID/task/*/children and returns the union, sorted. procfs has no
// reader for it. An exited process's children files read as empty with no error.
//
// A process that stat showed with one thread has one task, itself: its children file is read
// without listing task/ (an open, two getdents and a close saved on nearly every process; a
// thread created in the microseconds since stat has not forked yet).
func readChildren(d procDir, pid, threads int, buf *[]byte) ([]int, error) {
	tasks := []int{pid}
	if threads != 1 {
		var err error
		if tasks, err = readDirNums(d, "task", buf); err != nil {
			return nil, err
		}
	}
	var out []int
	for _, tid := range tasks {
		data, err := readRecords(d, "task/"+strconv.Itoa(tid)+"/children", buf)
		if err != nil {
			if isVanished(err) && threads != 1 {
				continue // the thread exited; its children moved to another thread
			}
			return nil, err
		}
		kids, err := parseChildren(data)
		if err != nil {
			return nil, err
		}
		out = append(out, kids...)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// parseChildren parses one task/TID/children file: space-separated PIDs.
func parseChildren(data []byte) ([]int, error) {
	f := strings.Fields(string(data))
	if len(f) == 0 {
		return nil, nil
	}
	out := make([]int, 0, len(f))
	for _, s := range f {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			return nil, errMalformedf("children entry %q", s)
		}
		out = append(out, n)
	}
	return out, nil
}
