package proc

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/prometheus/procfs"

	"github.com/procsnap/procsnap/snapshot"
)

// userHZ is USER_HZ, the unit of start_ticks. The kernel ABI fixes it at 100 on every
// architecture Go supports on Linux (sysconf(_SC_CLK_TCK)); procfs assumes the same.
const userHZ = 100

// readHeader fills the host fields of the header from the /proc tree at root. What cannot be
// read is recorded in Notes; none of it is fatal.
func readHeader(fs procfs.FS, root string, h *snapshot.Header) {
	subset := ProcSubset(root)
	note := func(what string, err error) {
		if subset != "" && errors.Is(err, os.ErrNotExist) {
			// not vanished: this mount never shows it
			h.Notes = append(h.Notes, what+": "+snapshot.ReasonAbsent+": "+root+" is mounted with subset="+subset+
				" (process directories only): "+err.Error())
			return
		}
		h.Notes = append(h.Notes, what+": "+reasonOf(err)+": "+err.Error())
	}
	h.UserHZ = userHZ
	if st, err := fs.Stat(); err != nil {
		note("btime", err)
	} else {
		h.BootTime = int64(st.BootTime)
	}
	if v, err := readTrimmed(root + "/sys/kernel/random/boot_id"); err != nil {
		note("boot_id", err)
	} else {
		h.BootID = v
	}
	if v, err := readTrimmed(root + "/sys/kernel/hostname"); err != nil {
		note("hostname", err)
	} else {
		h.Hostname = v
	}
	if v, err := readTrimmed(root + "/sys/kernel/osrelease"); err != nil {
		note("kernel_release", err)
	} else {
		h.KernelRelease = v
	}
	readTaker(root, h, note)
	h.Hidepid = hidepid(root)
}

// readTaker sets TakerPID to the taker's PID in the PID namespace of the proc mount at root, and
// PIDNamespace when the taker lives in that namespace. A proc mount's "self" names the reader as
// that namespace numbers it, and does not resolve when the reader is not visible in it (a
// container's proc mount read from the host); it is believed only when the process it names
// started when the taker did (a fake tree's self names some fixture process).
func readTaker(root string, h *snapshot.Header, note func(string, error)) {
	link, err := os.Readlink(root + "/self")
	if err != nil {
		return // not visible in this namespace: TakerPID stays 0
	}
	pid, err := strconv.Atoi(link)
	if err != nil || pid <= 0 {
		note("taker_pid", fmt.Errorf("%w: %s/self -> %q", errMalformed, root, link))
		return
	}
	me, err := procfs.Self()
	if err != nil {
		note("taker_pid", err)
		return
	}
	mine, err1 := me.Stat()
	there, err2 := readStatPath(root + "/self/stat")
	if err1 != nil || err2 != nil || mine.Starttime != there.Starttime {
		return // "self" is not this process: a fake or copied tree
	}
	h.TakerPID = pid
	// The taker lives in the mount's namespace itself, not only below it, when the mount numbers
	// it in one namespace alone (NSpid has one entry; a kernel before 4.1 has no NSpid).
	data, err := os.ReadFile(root + "/self/status")
	if err != nil {
		note("pid_namespace", err)
		return
	}
	st, err := parseStatus(data)
	if err != nil || len(st.NSpid) > 1 {
		return // found from the processes after the walk (namespaceFromProcs)
	}
	if v, err := os.Readlink(root + "/self/ns/pid"); err != nil {
		note("pid_namespace", err)
	} else {
		h.PIDNamespace, h.PIDNamespaceFrom = v, "self"
	}
}

// readStatPath reads and parses the stat file at path.
func readStatPath(path string) (Stat, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Stat{}, err
	}
	return ParseStat(data)
}

// namespaceFromProcs sets PIDNamespace, when the taker did not live in the namespace read, from
// the lowest PID whose NSpid has one entry (a process of the mount's namespace itself, not of a
// namespace below it) and whose ns/pid link was read. An ordinary user reads only its own
// processes' links: when none qualifies, Notes says the namespace is unknown.
func namespaceFromProcs(s *snapshot.Snapshot) {
	h := &s.Header
	if h.PIDNamespace != "" {
		return
	}
	for i := range s.Processes {
		p := &s.Processes[i]
		if ino := p.Namespaces["pid"]; ino != 0 && len(p.NSpid) == 1 {
			h.PIDNamespace = fmt.Sprintf("pid:[%d]", ino)
			h.PIDNamespaceFrom = "pid " + strconv.Itoa(p.PID)
			return
		}
	}
	h.Notes = append(h.Notes, "pid_namespace: unknown: no process of the namespace read (NSpid of one entry) has a readable ns/pid link")
}

func readTrimmed(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(b)), nil
}

// hidepid returns the hidepid= option of the proc mount at root, from /proc/self/mountinfo, or ""
// when root is not a proc mount or has no such option.
func hidepid(root string) string { return procMountOption(root, "hidepid") }

// ProcSubset returns the subset= option of the proc mount at root ("pid": only the process
// directories, no stat, loadavg or sys), or "" when it has none or root is not a proc mount.
func ProcSubset(root string) string { return procMountOption(root, "subset") }

// procMountOption returns the super option key of the proc mount at root, from
// /proc/self/mountinfo, or "".
func procMountOption(root, key string) string {
	abs, err := filepath.Abs(root)
	if err != nil {
		return ""
	}
	mounts, err := procfs.GetMounts()
	if err != nil {
		return ""
	}
	opt := "" // the last mount on a point hides the ones below it
	for _, m := range mounts {
		if m.MountPoint == abs && m.FSType == "proc" {
			opt = m.SuperOptions[key]
		}
	}
	return opt
}

// ReadHost returns a header with the host fields of the /proc tree at root (hostname, boot id,
// boot time, PID namespace...), for readers that watch rather than snapshot. What cannot be read
// is in Notes; only a root that is not a proc filesystem is an error.
func ReadHost(root string) (snapshot.Header, error) {
	if root == "" {
		root = DefaultRoot
	}
	fs, err := procfs.NewFS(root)
	if err != nil {
		return snapshot.Header{}, err
	}
	var h snapshot.Header
	readHeader(fs, root, &h)
	return h, nil
}
