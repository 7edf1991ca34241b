package snapshot

import (
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
		if st.State != "Z" && st.State != "X" {
			live = append(live, tid)
		}
	}
	slices.Sort(live)
	return live, nil
}
