package proc

import (
	"context"
	"fmt"
	"github.com/procsnap/procsnap/snapshot"
	"os"
	"slices"
	"strconv"
	"time"

	"github.com/prometheus/procfs"
)

// DefaultRoot is where the proc filesystem is normally mounted.
const DefaultRoot = "/proc"

// TakeOptions shapes a snapshot.
type TakeOptions struct {
	// Root is the proc filesystem to read (DefaultRoot when empty): a container's /proc, or a
	// fixture tree.
	Root    string
	NoFDs   bool
	NoStack bool
	// PIDs restricts the snapshot to these processes when not empty.
	PIDs []int
	// Version is written to Header.Version.
	Version string
	// Now returns the current time (time.Now when nil); tests pin it.
	Now func() time.Time
	// Redact, when set, removes secrets from every record before Take returns.
	Redact *snapshot.Redactor
	// Progress, when set, is called from the reading goroutines as processes are read, with
	// the number read so far and the number listed. It must be safe for concurrent use.
	Progress func(done, total int)
}

// Take photographs every process visible under opts.Root. Per-process and per-field read
// failures are recorded in the snapshot, never returned; Take fails only when the proc
// filesystem cannot be listed at all or ctx is cancelled.
func Take(ctx context.Context, opts TakeOptions) (*snapshot.Snapshot, error) {
	root := opts.Root
	if root == "" {
		root = DefaultRoot
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	fs, err := procfs.NewFS(root)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", snapshot.ErrProcUnreadable, root, err)
	}
	start := time.Now()
	s := &snapshot.Snapshot{Header: snapshot.Header{
		Schema:    snapshot.Schema,
		Version:   opts.Version,
		TakenAt:   now().UTC(),
		ProcRoot:  root,
		TakerUID:  os.Getuid(),
		TakerEUID: os.Geteuid(),
		Options:   snapshot.Options{NoFDs: opts.NoFDs, NoStack: opts.NoStack, PIDs: slices.Clone(opts.PIDs)},
	}}
	readHeader(fs, root, &s.Header)

	pids, err := listPIDs(fs, opts.PIDs)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", snapshot.ErrProcUnreadable, root, err)
	}
	procs, reasons, err := readAll(ctx, root, uint64(s.Header.BootTime), &opts, pids)
	if err != nil {
		return nil, err
	}
	s.Processes = make([]snapshot.Process, 0, len(pids))
	for i, pid := range pids {
		if reasons[i] != "" {
			s.Header.Skipped = append(s.Header.Skipped, snapshot.Skipped{PID: pid, Reason: reasons[i]})
			continue
		}
		s.Processes = append(s.Processes, procs[i])
	}
	if opts.Redact != nil {
		opts.Redact.Apply(s)
	}
	s.Sort()
	namespaceFromProcs(s)
	s.Header.ScanDurationNS = time.Since(start).Nanoseconds()
	s.Header.Counts = s.Count()
	noteHidden(root, s)
	return s, nil
}

// listPIDs returns the PIDs to read, sorted: every numeric entry of the proc root, or the
// requested ones.
func listPIDs(fs procfs.FS, want []int) ([]int, error) {
	if len(want) > 0 {
		out := slices.Clone(want)
		slices.Sort(out)
		return slices.Compact(out), nil
	}
	procs, err := fs.AllProcs()
	if err != nil {
		return nil, err
	}
	out := make([]int, len(procs))
	for i, p := range procs {
		out[i] = p.PID
	}
	slices.Sort(out)
	return out, nil
}

// reader reads one process at a time, reusing one buffer.
type reader struct {
	root  string
	btime uint64
	opts  *TakeOptions
	buf   []byte
}

// readProcess reads one process; a process that cannot be recorded returns a skip reason.
func (r *reader) readProcess(pid int) (snapshot.Process, string) {
	p, err := r.readOnce(pid)
	if err != nil {
		return snapshot.Process{}, reasonOf(err)
	}
	return p, ""
}

// readOnce opens /proc/PID once and reads every file through that descriptor, which names one
// life of the process (openDir): no record can mix two processes that held the PID in turn, and a
// process reaped meanwhile answers ESRCH rather than another process's files. That replaced a
// second read of stat after the others, which compared start_ticks to detect a reused PID and
// cost an open, a read and a close per process (see the commit for the measurement).
func (r *reader) readOnce(pid int) (snapshot.Process, error) {
	p := snapshot.Process{PID: pid}
	d, err := openDir(atCWD, r.root+"/"+strconv.Itoa(pid))
	if err != nil {
		return p, err
	}
	defer d.close()
	if err := readStat(d, pid, &r.buf, r.btime, userHZ, &p); err != nil {
		return p, err
	}
	absent := r.readRest(d, &p)
	if p.State == "Z" && p.Threads > 1 {
		absent = r.readLeaderless(d, &p, absent)
	}
	if len(absent) == 0 {
		return p, nil
	}
	// A file was missing: released by a zombie, or gone with a process that exited while it was
	// read. stat again tells which: ESRCH once the process is reaped, state Z while a zombie.
	var again snapshot.Process
	err = readStat(d, pid, &r.buf, r.btime, userHZ, &again)
	if (err != nil && isVanished(err)) || (err == nil && again.State == "Z" && p.State != "Z") {
		// The process exited while being read: what was read is its own, what was missing
		// is missing because it exited.
		for _, f := range absent {
			p.MarkUnread(f, snapshot.ReasonVanished)
		}
		return p, nil
	}
	// Still the same process: a missing file is expected only for what a zombie has released
	// (its exe, cwd and namespace links).
	for _, f := range absent {
		if !p.IsZombie() || !zombieReleases[f] {
			p.MarkUnread(f, snapshot.ReasonAbsent)
		}
	}
	return p, nil
}

// zombieReleases are the fields whose files a zombie no longer has.
var zombieReleases = map[string]bool{"exe": true, "cwd": true, "namespaces": true}

// readRest reads everything but stat. Fields that were absent (ENOENT) are returned rather than
// marked: for a live zombie or kernel thread that is normal, for a process that exits meanwhile it
// is not, and only a second read of stat can tell.
func (r *reader) readRest(d procDir, p *snapshot.Process) (absent []string) {
	fail := r.failer(p, &absent)
	if st, err := readStatus(d, &r.buf); err != nil {
		fail("status", err)
	} else {
		p.TracerPID = st.TracerPID
		p.UID, p.EUID, p.GID, p.EGID = st.UID, st.EUID, st.GID, st.EGID
		p.SigBlocked, p.SigIgnored, p.SigCaught = st.SigBlk, st.SigIgn, st.SigCgt
		p.SigChld = SigChldAction(st.SigIgn, st.SigCgt)
		p.NSpid, p.NSpgid, p.NSsid = st.NSpid, st.NSpgid, st.NSsid
	}
	if w, err := readWchan(d, &r.buf); err != nil {
		fail("wchan", err)
	} else {
		p.Wchan = validText(w)
	}
	if kids, err := readChildren(d, p.PID, p.Threads, &r.buf); err != nil {
		fail("children", err)
	} else {
		p.Children = kids
	}
	r.readLineage(d, p, fail)
	if !r.opts.NoStack {
		if st, err := readStack(d, &r.buf); err != nil {
			fail("stack", err)
		} else {
			p.Stack = validTexts(st)
		}
	}
	r.readReleased(d, p, fail)
	return absent
}

// failer returns the function readRest and its helpers call on a failed read: an absent file is
// appended to *absent, any other failure marked unread with its reason.
func (r *reader) failer(p *snapshot.Process, absent *[]string) func(string, error) {
	return func(field string, err error) {
		if isVanished(err) {
			*absent = append(*absent, field)
			return
		}
		p.MarkUnread(field, reasonOf(err))
	}
}

// readReleased reads what a thread-group leader releases when it exits (leaderReleases): the
// command line, the namespace links, and but for kernel threads the exe and cwd links and the fds.
func (r *reader) readReleased(d procDir, p *snapshot.Process, fail func(string, error)) {
	if cmd, err := readCmdline(d, &r.buf); err != nil {
		fail("cmdline", err)
	} else {
		p.Cmdline = cmd
	}
	ns, err := readNamespaces(d)
	p.Namespaces = ns // what could be read; a failed link is still reported
	if err != nil {
		fail("namespaces", err)
	}
	if p.Kthread {
		return // kernel threads have no exe, cwd or fds
	}
	if exe, deleted, err := readExe(d); err != nil {
		fail("exe", err)
	} else {
		p.Exe, p.ExeDeleted = validText(exe), deleted
	}
	if cwd, err := readCwd(d); err != nil {
		fail("cwd", err)
	} else {
		p.Cwd = validText(cwd)
	}
	if !r.opts.NoFDs {
		if fds, err := readFDs(d, &r.buf); err != nil {
			fail("fds", err)
		} else {
			p.FDs = fds
		}
	}
}

// readLineage reads the evidence of where a process comes from that forks and setsid keep:
// /proc/PID/cgroup, loginuid and sessionid.
func (r *reader) readLineage(d procDir, p *snapshot.Process, fail func(string, error)) {
	if v2, v1, err := readCgroup(d, &r.buf); err != nil {
		fail("cgroup", err)
	} else {
		p.Cgroup, p.CgroupV1 = v2, v1
	}
	if p.Kthread {
		return // kernel threads have no audit ids worth reading (always unset)
	}
	if id, err := readAuditID(d, "loginuid", &r.buf); err != nil {
		fail("loginuid", err)
	} else {
		p.AuditLoginUID = id
	}
	if id, err := readAuditID(d, "sessionid", &r.buf); err != nil {
		fail("sessionid", err)
	} else {
		p.AuditSessionID = id
	}
}

// leaderReleases are the fields whose files a thread-group leader releases when it exits before
// its other threads: /proc/PID shows them absent or empty, task/TID of a live thread shows them.
var leaderReleases = []string{"exe", "cwd", "cmdline", "namespaces", "fds"}

// readLeaderless handles a process that stat shows in state Z with several threads: it lists the
// threads still running (LiveTIDs) and, when there are some, reads exe, cwd, cmdline, namespaces
// and fds through the first of them, since the exited leader no longer has them. It returns the
// fields still absent. A process with no live thread is a zombie whose threads are exiting.
func (r *reader) readLeaderless(d procDir, p *snapshot.Process, absent []string) []string {
	live, err := readLiveTIDs(d, p.PID, &r.buf)
	if err != nil {
		p.MarkUnread("tasks", reasonOf(err))
		return absent
	}
	p.LiveTIDs = live
	if len(live) == 0 {
		return absent
	}
	td, err := openDir(d, "task/"+strconv.Itoa(live[0]))
	if err != nil {
		return absent
	}
	defer td.close()
	absent = slices.DeleteFunc(absent, func(f string) bool { return slices.Contains(leaderReleases, f) })
	for _, f := range leaderReleases {
		delete(p.Unread, f)
	}
	p.Exe, p.ExeDeleted, p.Cwd, p.Cmdline, p.Namespaces, p.FDs = "", false, "", nil, nil, nil
	r.readReleased(td, p, r.failer(p, &absent))
	if len(p.Unread) == 0 {
		p.Unread = nil
	}
	return absent
}
