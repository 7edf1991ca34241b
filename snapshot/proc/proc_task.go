package proc

import (
	"bytes"
	"slices"
	"strconv"
)

// readLiveTIDs lists the threads of a process that stat shows in state Z with several threads,
// and returns those whose task/TID/stat is in another state than Z or X: threads still running
// after their thread-group leader exited (pthread_exit). A thread that exits while being read is
// skipped. procfs's AllThreads reads by path and fails as a whole on a thread that exits.
func readLiveTIDs(d procDir, pid int, buf *[]byte) ([]int, error) {
	tids, err := readDirNums(d, "task", buf)
	if err != nil {
		return nil, err
	}
	var live []int
	for _, tid := range tids {
		if tid == pid {
			continue
		}
		data, err := readWhole(d, "task/"+strconv.Itoa(tid)+"/stat", buf)
		if err != nil {
			if isVanished(err) {
				continue
			}
			return nil, err
		}
		st, err := ParseStat(data)
		if err != nil {
			return nil, err
		}
		if st.State == "Z" || st.State == "X" || st.Flags&pfExiting != 0 {
			continue
		}
		status, err := readWhole(d, "task/"+strconv.Itoa(tid)+"/status", buf)
		if err != nil {
			if isVanished(err) {
				continue
			}
			return nil, err
		}
		if !killPending(status) {
			live = append(live, tid)
		}
	}
	slices.Sort(live)
	return live, nil
}

// pfExiting is PF_EXITING in the flags of stat: the thread is in do_exit.
const pfExiting = 0x4

// killPending reports whether a task/TID/status shows SIGKILL pending for the thread (SigPnd):
// exit_group sends it to every other thread before they start exiting, so a thread that still
// runs with it is dying with its process, not running on after its leader.
func killPending(status []byte) bool {
	const sigkillBit = 1 << (9 - 1)
	_, rest, ok := bytes.Cut(status, []byte("\nSigPnd:"))
	if !ok {
		return false
	}
	line, _, _ := bytes.Cut(rest, []byte("\n"))
	v, err := strconv.ParseUint(string(bytes.TrimSpace(line)), 16, 64)
	return err == nil && v&sigkillBit != 0
}
