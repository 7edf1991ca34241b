package render

import (
	"bufio"
	"fmt"
	"io"
	"strconv"

	"github.com/procsnap/procsnap/snapshot/capture"
)

// WrittenPath prints the path of a file procsnap wrote, alone on a line, so that scripts can
// capture it.
func WrittenPath(w io.Writer, path string) error {
	_, err := fmt.Fprintln(w, path)
	return err
}

// Retention prints what retention removed from a capture directory, one "removed PATH (why)"
// line each, and a note when captures of the host are named after the one just written.
func Retention(w io.Writer, pruned []capture.Pruned, future int) error {
	bw := bufio.NewWriter(w)
	for _, p := range pruned {
		fmt.Fprintf(bw, "removed %s\n", p)
	}
	if future > 0 {
		fmt.Fprintf(bw, "note: %d capture(s) of this host are named after the one just written "+
			"(clock stepped back, or restored files); retention ranked them by name, after it\n", future)
	}
	return bw.Flush()
}

// CaptureTable prints captures as a table, oldest first: capture time (UTC, from the name),
// host, boot id (first 8 characters), process and zombie counts, file size and name, cut to
// o.Width. A capture whose header cannot be read shows "?" counts and the reason.
func CaptureTable(w io.Writer, infos []capture.CaptureInfo, o TableOptions) error {
	rows := make([][]string, 0, len(infos))
	for _, c := range infos {
		procs, zombies, boot := "?", "?", "?"
		name := c.Name
		if c.Err == nil {
			procs = strconv.Itoa(c.Header.Counts.Processes)
			zombies = strconv.Itoa(c.Header.Counts.Zombies)
			boot = shortID(c.Header.BootID)
		} else {
			name += "  (unreadable: " + c.Err.Error() + ")"
		}
		rows = append(rows, []string{c.Time.UTC().Format("2006-01-02 15:04:05.000"),
			c.Host, boot, procs, zombies, Size(c.Size), name})
	}
	return plainTable(w, []string{"TIME (UTC)", "HOST", "BOOT", "PROCS", "ZOMBIES", "SIZE", "FILE"}, rows, o)
}

func shortID(id string) string {
	if id == "" {
		return "-"
	}
	return id[:min(8, len(id))]
}

// Size formats a byte count with a binary unit: 512 B, 1.5 KiB, 12.0 MiB.
func Size(n int64) string {
	const unit = 1024
	if n < unit {
		return strconv.FormatInt(n, 10) + " B"
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 4; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTP"[exp])
}
