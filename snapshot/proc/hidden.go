package proc

import (
	"bytes"
	"fmt"
	"github.com/procsnap/procsnap/snapshot"
	"os"
	"strconv"
)

// noteHidden records in the header what a restricted proc mount kept out of sight. With
// hidepid=2 (invisible) or 4 (ptraceable), other users' processes are not even listed, so no
// per-process reason can be recorded; /proc/loadavg still counts every thread of the kernel, and
// the gap is the measure of what this snapshot could not see. With hidepid=1 (noaccess) processes
// are listed and their unreadable files are recorded per process as usual.
func noteHidden(root string, s *snapshot.Snapshot) {
	switch s.Header.Hidepid {
	case "2", "invisible", "4", "ptraceable":
	default:
		return
	}
	msg := fmt.Sprintf("hidepid=%s: processes this uid (%d) may not see are not listed in %s and are not in this snapshot",
		s.Header.Hidepid, s.Header.TakerEUID, root)
	if total, err := loadavgThreads(root); err == nil && len(s.Header.Options.PIDs) == 0 {
		msg += fmt.Sprintf("; the kernel runs %d threads (loadavg, all namespaces), %d are recorded here",
			total, s.Header.Counts.Threads)
	}
	s.Header.Notes = append(s.Header.Notes, msg)
}

// HidepidNote says what the proc mount at root hides from this process: with hidepid=2
// (invisible) or 4 (ptraceable) the processes this euid may not see are not listed. It is ""
// under any other mount.
func HidepidNote(root string) string {
	switch h := hidepid(root); h {
	case "2", "invisible", "4", "ptraceable":
		return fmt.Sprintf("hidepid=%s: processes this uid (%d) may not see are not listed in %s", h, os.Geteuid(), root)
	}
	return ""
}

// loadavgThreads returns the number of threads in the system from /proc/loadavg
// ("0.00 0.01 0.05 1/234 5678": the part after the slash).
func loadavgThreads(root string) (int, error) {
	b, err := os.ReadFile(root + "/loadavg")
	if err != nil {
		return 0, err
	}
	f := bytes.Fields(b)
	if len(f) < 4 {
		return 0, errMalformedf("loadavg %q", b)
	}
	_, total, ok := bytes.Cut(f[3], []byte("/"))
	if !ok {
		return 0, errMalformedf("loadavg %q", b)
	}
	return strconv.Atoi(string(total))
}
