package diff

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/procsnap/procsnap/snapshot"
)

// oCloexec is O_CLOEXEC in fdinfo's octal flags word. It belongs to the descriptor, not to the
// open file description, so it is masked out when two descriptions are compared.
const oCloexec = 0o2000000

// objKey identifies the object behind a descriptor: a socket or pipe by its inode, a file by its
// path and inode. Descriptors without a usable identity (unreadable, anon_inode, which all share
// one inode) have the zero objKey.
type objKey struct {
	kind   string
	inode  uint64
	target string
}

func keyOf(fd *snapshot.FD) objKey {
	if fd.Unread != "" && fd.Target == "" {
		return objKey{}
	}
	switch fd.Kind {
	case snapshot.KindSocket, snapshot.KindPipe:
		if fd.Inode != 0 {
			return objKey{kind: fd.Kind, inode: fd.Inode}
		}
	case snapshot.KindFile:
		return objKey{kind: fd.Kind, inode: fd.Inode, target: strings.TrimSuffix(fd.Target, deletedSuffix)}
	case snapshot.KindOther:
		if fd.Target != "" {
			return objKey{kind: fd.Kind, inode: fd.Inode, target: fd.Target}
		}
	}
	return objKey{}
}

// ubiquitous reports targets that nearly every process holds by inheritance from a shell or
// service manager: they prove nothing about who created whom.
func ubiquitous(target string) bool {
	switch target {
	case "/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/console", "/dev/tty", "/dev/ptmx":
		return true
	}
	return strings.HasPrefix(target, "/dev/pts/") || strings.HasPrefix(target, "/dev/tty")
}

// descFlags returns the flags word without O_CLOEXEC, and whether fdinfo was read.
func descFlags(fd *snapshot.FD) (uint64, bool) {
	if fd.Flags == "" {
		return 0, false
	}
	f, err := strconv.ParseUint(fd.Flags, 8, 64)
	if err != nil {
		return 0, false
	}
	return f &^ oCloexec, true
}

// sameDescription reports whether x and y look like one open file description: same object,
// same status flags where both fdinfos were read, and, when comparePos (both seen in the same
// snapshot), the same offset for regular files.
func sameDescription(x, y *snapshot.FD, comparePos bool) bool {
	kx := keyOf(x)
	if kx == (objKey{}) || kx != keyOf(y) {
		return false
	}
	fx, okx := descFlags(x)
	fy, oky := descFlags(y)
	if okx && oky {
		if fx != fy {
			return false
		}
		if comparePos && x.Kind == snapshot.KindFile && x.Pos != y.Pos {
			return false
		}
	}
	return true
}

// fdsReadable reports whether p's descriptor table was recorded.
func fdsReadable(p *snapshot.Process) bool {
	if p.Kthread || p.IsZombie() {
		return false
	}
	_, unread := p.Unread["fds"]
	return !unread
}

// fdsSame reports fd_opened and fd_closed for a process in both snapshots (an offset that moved
// is no event), and fd_leaked for descriptors without close-on-exec that survived an exec.
func (c *comparer) fdsSame(pa, pb *snapshot.Process) {
	if !c.fdsA || !c.fdsB || !fdsReadable(pa) || !fdsReadable(pb) {
		return
	}
	if c.byNum == nil {
		c.byNum = make(map[int]*snapshot.FD, len(pa.FDs))
	}
	byNum := c.byNum // reused: what remains of it after this process is cleared below
	defer clear(byNum)
	for i := range pa.FDs {
		byNum[pa.FDs[i].FD] = &pa.FDs[i]
	}
	exec := execed(pa, pb)
	for i := range pb.FDs {
		fb := &pb.FDs[i]
		fa, ok := byNum[fb.FD]
		delete(byNum, fb.FD)
		switch {
		case !ok:
			c.emitFD(pb, KindFDOpened, fb, "opened")
		case !sameObject(fa, fb):
			c.emitFD(pb, KindFDClosed, fa, "closed")
			c.emitFD(pb, KindFDOpened, fb, "opened")
		case exec && fb.FD > 2 && fb.Flags != "" && !fb.CloExec:
			e := fdEvent(KindFDLeaked, fb)
			e.Reason = "survived exec without close-on-exec"
			e.Summary = fmt.Sprintf("fd %d → %s survived exec (%s → %s) without close-on-exec",
				fb.FD, fb.Target, pa.Comm, pb.Comm)
			c.emit(pb, e)
		}
	}
	for _, fa := range byNum {
		c.emitFD(pb, KindFDClosed, fa, "closed")
	}
}

// deletedSuffix is what the kernel appends to an fd link whose file was unlinked.
const deletedSuffix = " (deleted)"

// sameObject reports whether two descriptors with the same number point at the same object.
// An unreadable side counts as unchanged: there is no evidence of a change. A file with the same
// inode is the same file even if it was renamed or deleted meanwhile (its link text changed).
func sameObject(fa, fb *snapshot.FD) bool {
	if fa.Target == "" || fb.Target == "" {
		return true
	}
	if fa.Kind == fb.Kind && fa.Inode != 0 && fb.Inode != 0 {
		return fa.Inode == fb.Inode
	}
	return strings.TrimSuffix(fa.Target, deletedSuffix) == strings.TrimSuffix(fb.Target, deletedSuffix)
}

func fdEvent(kind string, fd *snapshot.FD) Event {
	e := Event{Kind: kind, FD: ptr(fd.FD), Target: fd.Target, FDKind: fd.Kind, Inode: fd.Inode, Flags: fd.Flags}
	if fd.Flags != "" {
		e.CloExec = ptr(fd.CloExec)
	}
	return e
}

func (c *comparer) emitFD(p *snapshot.Process, kind string, fd *snapshot.FD, verb string) {
	e := fdEvent(kind, fd)
	target := fd.Target
	if target == "" {
		target = "(target unread: " + orUnknown(fd.Unread) + ")"
	}
	e.Summary = fmt.Sprintf("%s fd %d → %s", verb, fd.FD, target)
	c.emit(p, e)
}

// fdsNew reports fd_inherited for every descriptor a new process shares with its parent (or, when
// adopted, its inferred creator), ignoring ubiquitous targets, and fd_leaked for those above 2
// without close-on-exec when the new process runs another program than its source.
func (c *comparer) fdsNew(pb *snapshot.Process) {
	if !c.fdsB || !fdsReadable(pb) {
		return
	}
	src, role, inB := c.fdSource(pb)
	if src == nil || !fdsReadable(src) {
		return
	}
	exec := runsOther(src, pb)
	for i := range pb.FDs {
		fb := &pb.FDs[i]
		if ubiquitous(fb.Target) || (exec && fb.CloExec) {
			continue // a close-on-exec fd of a process that exec'd was opened after the exec
		}
		fs := matchFD(src, fb, inB)
		if fs == nil {
			continue
		}
		e := fdEvent(KindFDInherited, fb)
		e.From, e.FromFD = ref(src, role), ptr(fs.FD)
		e.Summary = fmt.Sprintf("fd %d → %s shares %s's fd %d (%d %s)", fb.FD, fb.Target, role, fs.FD, src.PID, src.Comm)
		moved := fs.FD != fb.FD
		if moved {
			e.Reason = "another fd number than the source's: renumbered by the launcher (dup2 before exec), or passed over a unix socket"
			e.Summary += " (under another number: renumbered, or passed rather than inherited)"
		}
		c.emit(pb, e)
		if exec && fb.FD > 2 && fb.Flags != "" && !fb.CloExec {
			l := fdEvent(KindFDLeaked, fb)
			l.From, l.FromFD = e.From, e.FromFD
			l.Reason = "inherited across exec without close-on-exec"
			l.Summary = fmt.Sprintf("fd %d → %s leaked from %s %d (%s) across exec without close-on-exec",
				fb.FD, fb.Target, role, src.PID, src.Comm)
			c.emit(pb, l)
		}
	}
}

// runsOther reports whether a new process p runs another program than src: another exe, or
// another command line. A child forked without exec has both of its parent's.
func runsOther(src, p *snapshot.Process) bool {
	if src.Exe != "" && p.Exe != "" && src.Exe != p.Exe {
		return true
	}
	return len(src.Cmdline) > 0 && len(p.Cmdline) > 0 && !slices.Equal(src.Cmdline, p.Cmdline)
}

// fdSource returns the process a new process inherited its descriptors from: its parent, or
// its inferred creator when it was adopted; inB says which snapshot the source was read from.
func (c *comparer) fdSource(pb *snapshot.Process) (src *snapshot.Process, role string, inB bool) {
	if c.adoptedRole(pb) == "" {
		if parent := c.b.Find(pb.PPID); parent != nil {
			return parent, RoleParent, true
		}
		return nil, "", false
	}
	cr := c.inferCreator(pb)
	if cr.Candidate == nil {
		return nil, "", false
	}
	k := snapshot.Key{PID: cr.Candidate.PID, StartTicks: cr.Candidate.StartTicks}
	if p := c.findB(k); p != nil {
		return p, RoleCreator, true
	}
	if p := c.findA(k); p != nil {
		return p, RoleCreator, false
	}
	return nil, "", false
}

// matchFD returns src's lowest-numbered descriptor sharing fb's open file description.
func matchFD(src *snapshot.Process, fb *snapshot.FD, comparePos bool) *snapshot.FD {
	for i := range src.FDs {
		if sameDescription(&src.FDs[i], fb, comparePos) {
			return &src.FDs[i]
		}
	}
	return nil
}
