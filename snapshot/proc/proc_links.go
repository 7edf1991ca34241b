package proc

import "strings"

const deletedSuffix = " (deleted)"

// readExe reads the /proc/PID/exe link. procfs's Executable maps ENOENT to "", which hides
// whether the process vanished, so procsnap reads the link itself.
func readExe(d procDir) (exe string, deleted bool, err error) {
	t, err := readLinkString(d, "exe")
	if err != nil {
		return "", false, err
	}
	if s, ok := strings.CutSuffix(t, deletedSuffix); ok {
		return s, true, nil
	}
	return t, false, nil
}

// readCwd reads the /proc/PID/cwd link (procfs's Cwd maps ENOENT to "" too).
func readCwd(d procDir) (string, error) {
	return readLinkString(d, "cwd")
}
