package explain

import (
	"strconv"
	"strings"

	"github.com/procsnap/procsnap/diff"
	"github.com/procsnap/procsnap/snapshot"
)

// openFlags are the open(2) flags fdinfo shows, in octal, for x86-64 and most architectures.
var openFlags = []struct {
	bit  uint64
	name string
}{
	{0o2000, "O_APPEND"}, {0o4000, "O_NONBLOCK"}, {0o10000, "O_DSYNC"}, {0o20000, "O_ASYNC"},
	{0o40000, "O_DIRECT"}, {0o100000, "O_LARGEFILE"}, {0o200000, "O_DIRECTORY"},
	{0o400000, "O_NOFOLLOW"}, {0o1000000, "O_NOATIME"}, {0o2000000, "O_CLOEXEC"},
	{0o4000000, "O_SYNC"}, {0o10000000, "O_PATH"},
}

// maxOthers bounds the other holders listed per descriptor: /dev/null is held by everyone.
const maxOthers = 8

// DecodeFlags turns fdinfo's octal flags word into O_RDWR|O_APPEND...; "" when unread, the word
// itself when it is not octal.
func DecodeFlags(octal string) string {
	if octal == "" {
		return ""
	}
	f, err := strconv.ParseUint(octal, 8, 64)
	if err != nil {
		return octal
	}
	names := []string{[]string{"O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE"}[f&3]}
	f &^= 3
	if f&0o4010000 == 0o4010000 { // O_SYNC includes O_DSYNC's bit
		f &^= 0o10000
	}
	for _, fl := range openFlags {
		if f&fl.bit != 0 {
			names = append(names, fl.name)
			f &^= fl.bit
		}
	}
	if f != 0 {
		names = append(names, "0"+strconv.FormatUint(f, 8))
	}
	return strings.Join(names, "|")
}

func (x *explainer) descriptors() Descriptors {
	p := x.p
	d := Descriptors{FDs: []FD{}}
	switch {
	case p.Kthread:
		d.Unseen = append(d.Unseen, Gap{What: "fds", Reason: "a kernel thread has no descriptors"})
		return d
	case p.IsZombie():
		d.Unseen = append(d.Unseen, Gap{What: "fds", Reason: "a zombie has closed all its descriptors"})
		return d
	case x.s.Header.Options.NoFDs:
		d.Unseen = append(d.Unseen, Gap{What: "fds", Reason: "the snapshot was taken without descriptors (--no-fds)"})
		return d
	}
	d.Unseen = gaps(p, "fds")
	unreadInfo := 0
	for i := range p.FDs {
		fd := &p.FDs[i]
		e := FD{FD: fd.FD, Kind: fd.Kind, Target: fd.Target, Inode: fd.Inode, Flags: DecodeFlags(fd.Flags),
			CloExec: fd.CloExec, Pos: fd.Pos, Unread: fd.Unread}
		if diff.FDsReadable(p) {
			e.Others = x.holders.Others(p, fd)
			e.OthersTotal = len(e.Others)
			e.Others = e.Others[:min(len(e.Others), maxOthers)]
		}
		if fd.Flags == "" {
			unreadInfo++
		}
		d.FDs = append(d.FDs, e)
	}
	if unreadInfo > 0 {
		d.Unseen = append(d.Unseen, Gap{What: strconv.Itoa(unreadInfo) + " fdinfo (flags, offset, close-on-exec)",
			Reason: firstFDReason(p)})
	}
	if n := x.unreadFDTables(); n > 0 {
		d.Unseen = append(d.Unseen, Gap{What: "other holders", Reason: "the descriptors of " + strconv.Itoa(n) +
			" other process(es) could not be read: they may hold these descriptions too"})
	}
	return d
}

func firstFDReason(p *snapshot.Process) string {
	for i := range p.FDs {
		if p.FDs[i].Unread != "" {
			return p.FDs[i].Unread
		}
	}
	return snapshot.ReasonPermissionDenied
}

// unreadFDTables counts the live, non-kernel processes whose descriptors were not recorded.
func (x *explainer) unreadFDTables() int {
	if x.s.Header.Options.NoFDs {
		return 0
	}
	n := 0
	for i := range x.s.Processes {
		q := &x.s.Processes[i]
		if q.Kthread || q.IsZombie() {
			continue
		}
		if _, unread := q.Unread["fds"]; unread {
			n++
		}
	}
	return n
}
