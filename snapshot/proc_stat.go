package snapshot

import (
	"errors"
	"fmt"
	"io/fs"
	"syscall"
	"time"

	"github.com/prometheus/procfs"
)

// pfKthread is PF_KTHREAD in the flags field of /proc/PID/stat.
const pfKthread = 0x00200000

// readStat reads /proc/PID/stat through procfs and fills the identity, tree and life fields.
func readStat(p procfs.Proc, btime uint64, userHZ int64, out *Process) error {
	st, err := p.Stat()
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) || errors.Is(err, syscall.ESRCH) {
			return err
		}
		// procfs returns its parse errors unwrapped (fmt.Fscan's among them).
		return fmt.Errorf("%w: stat: %w", errMalformed, err)
	}
	fillStat(&st, btime, userHZ, out)
	return nil
}

func fillStat(st *procfs.ProcStat, btime uint64, userHZ int64, out *Process) {
	out.PID = st.PID
	out.Comm = validText(st.Comm)
	out.State = st.State
	out.PPID = st.PPID
	out.PGID = st.PGRP
	out.SID = st.Session
	out.TTYNr = st.TTY
	out.TTY = TTYName(st.TTY)
	out.TPGID = st.TPGID
	out.Threads = st.NumThreads
	out.StartTicks = st.Starttime
	out.Kthread = st.Flags&pfKthread != 0
	if userHZ > 0 && btime > 0 { // without btime the start time is unknown, not 1970
		ns := int64(st.Starttime) * int64(time.Second) / userHZ
		out.StartTime = time.Unix(int64(btime), ns).UTC()
	}
}

// TTYName decodes the tty_nr field of /proc/PID/stat into a device name below /dev
// ("pts/3", "tty1", "ttyS0"), "" for no terminal, or "MAJ:MIN" for an unknown driver.
func TTYName(nr int) string {
	if nr == 0 {
		return ""
	}
	major := (nr >> 8) & 0xfff
	minor := (nr & 0xff) | ((nr >> 12) & 0xfff00)
	switch {
	case major >= 136 && major <= 143:
		return fmt.Sprintf("pts/%d", (major-136)*256+minor)
	case major == 4 && minor < 64:
		return fmt.Sprintf("tty%d", minor)
	case major == 4:
		return fmt.Sprintf("ttyS%d", minor-64)
	case major == 5 && minor == 0:
		return "tty"
	case major == 5 && minor == 1:
		return "console"
	case major == 5 && minor == 2:
		return "ptmx"
	}
	return fmt.Sprintf("%d:%d", major, minor)
}
