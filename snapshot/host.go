package snapshot

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/prometheus/procfs"
)

// userHZ is USER_HZ, the unit of start_ticks. The kernel ABI fixes it at 100 on every
// architecture Go supports on Linux (sysconf(_SC_CLK_TCK)); procfs assumes the same.
const userHZ = 100

// readHeader fills the host fields of the header from the /proc tree at root. What cannot be
// read is recorded in Notes; none of it is fatal.
func readHeader(fs procfs.FS, root string, h *Header) {
	note := func(what string, err error) {
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
	if v, err := os.Readlink(root + "/self/ns/pid"); err != nil {
		note("pid_namespace", err)
	} else {
		h.PIDNamespace = v
	}
	h.Hidepid = hidepid(root)
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
func hidepid(root string) string {
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
			opt = m.SuperOptions["hidepid"]
		}
	}
	return opt
}

// ReadHost returns a header with the host fields of the /proc tree at root (hostname, boot id,
// boot time, PID namespace...), for readers that watch rather than snapshot. What cannot be read
// is in Notes; only a root that is not a proc filesystem is an error.
func ReadHost(root string) (Header, error) {
	if root == "" {
		root = DefaultRoot
	}
	fs, err := procfs.NewFS(root)
	if err != nil {
		return Header{}, err
	}
	var h Header
	readHeader(fs, root, &h)
	return h, nil
}
