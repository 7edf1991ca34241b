package proc

import (
	"bytes"
	"fmt"
	"github.com/procsnap/procsnap/snapshot"
	"strconv"
	"syscall"
	"time"
)

// pfKthread is PF_KTHREAD in the flags field of /proc/PID/stat.
const pfKthread = 0x00200000

// Stat holds the fields of /proc/PID/stat that procsnap records (the watcher reads them too).
type Stat struct {
	PID        int
	Comm       string
	State      string
	PPID       int
	PGRP       int
	Session    int
	TTY        int
	TPGID      int
	Flags      uint64
	NumThreads int
	Starttime  uint64
}

// Kthread reports whether the process is a kernel thread (PF_KTHREAD in flags).
func (st *Stat) Kthread() bool { return st.Flags&pfKthread != 0 }

// Dead reports whether the process has exited and its parent is reaping it (state X,
// EXIT_DEAD). Once the kernel has released its signal struct, stat prints pgid and sid as -1
// and ppid as 0 (seen under churn), which would read as a setpgid, a setsid and a reparenting.
// Readers treat it as gone.
func (st *Stat) Dead() bool { return st.State == "X" || st.PGRP < 0 || st.Session < 0 }

// readStat reads /proc/PID/stat in one call and fills the identity, tree and life fields.
// procfs's Proc.Stat panics on a line cut right after the comm ("1 (x)") and on a "(" after the
// last ")", so procsnap parses the line itself.
func readStat(d procDir, pid int, buf *[]byte, btime uint64, userHZ int64, out *snapshot.Process) error {
	data, err := readWhole(d, "stat", buf)
	if err != nil {
		return err
	}
	st, err := ParseStat(data)
	if err != nil {
		return err
	}
	if st.PID != pid {
		return errMalformedf("stat of pid %d says pid %d", pid, st.PID)
	}
	if st.Dead() {
		return fmt.Errorf("pid %d: state X: %w", pid, syscall.ESRCH) // recorded as vanished
	}
	fillStat(&st, btime, userHZ, out)
	return nil
}

// statMinFields is how many fields must follow the comm: state (the 3rd field of the line)
// through starttime (the 22nd).
const statMinFields = 20

// ParseStat parses the content of /proc/PID/stat: "pid (comm) state ppid pgrp session tty_nr
// tpgid flags ... num_threads itrealvalue starttime ...". The comm is printed raw and may hold
// spaces, parentheses and newlines, so it runs from the first "(" to the last ")".
func ParseStat(data []byte) (Stat, error) {
	var st Stat
	l := bytes.IndexByte(data, '(')
	r := bytes.LastIndexByte(data, ')')
	if l < 0 || r < l {
		return st, errMalformedf("stat has no (comm)")
	}
	pid, err := strconv.Atoi(string(bytes.TrimSpace(data[:l])))
	if err != nil || pid <= 0 {
		return st, errMalformedf("stat pid %q", bytes.TrimSpace(data[:l]))
	}
	f := bytes.Fields(data[r+1:])
	if len(f) < statMinFields {
		return st, errMalformedf("stat has %d fields after the comm, want at least %d (truncated?)", len(f), statMinFields)
	}
	st.PID, st.Comm, st.State = pid, string(data[l+1:r]), string(f[0])
	ints := []struct {
		dst *int
		i   int
	}{{&st.PPID, 1}, {&st.PGRP, 2}, {&st.Session, 3}, {&st.TTY, 4}, {&st.TPGID, 5}, {&st.NumThreads, 17}}
	for _, x := range ints {
		n, err := strconv.ParseInt(string(f[x.i]), 10, 32)
		if err != nil {
			return Stat{}, errMalformedf("stat field %d %q", x.i+3, f[x.i])
		}
		*x.dst = int(n)
	}
	if st.Flags, err = strconv.ParseUint(string(f[6]), 10, 64); err != nil {
		return Stat{}, errMalformedf("stat flags %q", f[6])
	}
	if st.Starttime, err = strconv.ParseUint(string(f[19]), 10, 64); err != nil {
		return Stat{}, errMalformedf("stat starttime %q", f[19])
	}
	return st, nil
}

func fillStat(st *Stat, btime uint64, userHZ int64, out *snapshot.Process) {
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
	out.Kthread = st.Kthread()
	if userHZ > 0 && btime > 0 { // without btime the start time is unknown, not 1970
		out.StartTime = startTime(btime, st.Starttime, uint64(userHZ))
	}
}

// startTime converts start ticks since boot to wall time without overflowing: multiplying the
// ticks by 1e9 first overflows int64 past ~92 million seconds of uptime (or any hostile value).
func startTime(btime, ticks, hz uint64) time.Time {
	const maxSec = 1 << 40 // far beyond any real clock; keeps the sum inside int64
	sec := min(ticks/hz, maxSec) + min(btime, maxSec)
	nsec := (ticks % hz) * uint64(time.Second) / hz
	return time.Unix(int64(sec), int64(nsec)).UTC()
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
