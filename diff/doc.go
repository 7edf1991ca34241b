// Package diff infers what happened to each process between two snapshots, and why. It is a
// library: Compare returns a Result (events and a zombie report) and never prints; render/
// writes Results.
//
// # Identity and refusals
//
// A process is the pair (PID, start ticks). The same PID with another start in B is a new
// process that reuses the PID: one pid_reused event, never an exec, and the new process is then
// examined like any started one. Snapshots from different boots (boot_id) or PID namespaces
// cannot be matched: Compare returns ErrBootMismatch or ErrPIDNamespaceMismatch unless
// Options.Force (a missing boot_id is a note, not a refusal). The PID namespace is the one of the
// proc mount read (header pid_namespace); when a header lacks it, pid 1 decides (the init of a
// namespace lives as long as the namespace: two pid 1 with different start ticks are two
// namespaces), else a note says the namespaces could not be compared. When B was taken before A they are
// swapped and Result.Swapped is set. The procsnap process that took a snapshot (its taker_pid) is
// the observer and gets no events. A snapshot restricted to some PIDs (take --pid) speaks only for
// them: started is reported only for PIDs A covered, exited only for PIDs B covered. A PID that B
// listed but could not record for another reason than vanishing gets a note, not exited.
//
// # Events (the kind names are the contract)
//
// Lifecycle (lifecycle.go):
//   - started: in B, not in A. pid_reused: in both by PID, with another start (old_start_ticks,
//     old_comm, old_state). Both carry ppid, exe and cmdline, and creator when adopted (below).
//   - exited: in A (not a zombie), not in B. reaped: a zombie of A absent from B; reaped_by is the
//     parent (parent_exited false) when it is still alive in B, else parent_exited is true and
//     reaped_by is the process that adopted the parent's surviving children, or init.
//   - exec: same identity and the exe link changed (both read), or comm and cmdline both changed.
//     A comm change alone (prctl) or a cmdline change alone (setproctitle) is not an exec.
//   - became_zombie: a zombie in B and not in A, including a process started and dead between
//     the two (it gets started too).
//   - leader_exited: state Z in B, but the thread-group leader alone exited and other threads run
//     on (live_tids; snapshot.Process.LeaderExited). Such a process is alive: never a zombie, in
//     the zombie report or for reaped; when it ends it is exited.
//
// Tree (tree.go):
//   - reparented: ppid changed (not reported for a process that became a zombie). old_parent is
//     the A process with the old ppid; old_parent_exited is true when no process with its identity
//     is alive (non-zombie) in B. adopter is the new parent, role init when it is PID 1 or a
//     process whose innermost NSpid is 1 (init of a child namespace), else subreaper.
//   - setsid: sid changed (old/new sid and pgid). setpgid: pgid changed within the same session.
//   - tty_changed: tty_nr changed (gained, lost or switched; old/new tty_nr and tty).
//   - daemonized: a process of B that is adopted, has no controlling terminal, and leads its own
//     session, or sits in a session whose leader is gone while in that leader's own process group
//     (the double fork: the middle called setsid, forked it and exited), and was not so in A
//     (absent, or with another parent, session or a terminal). A process counts as adopted when
//     its parent is init, or a PID seen adopting a process between A and B, or when its session is
//     neither its own nor its parent's (a forked child inherits its parent's session or makes its
//     own). This is the rule, so a service started by init with setsid also qualifies.
//     A member of another process group of a leaderless session did not leave its session: it is
//     a job of a session whose leader exited, and its reparented event names the orphaned group
//     (orphaned_pgid), not a daemon.
//
// State (state.go):
//   - stopped: into T (job control) or t (tracing stop) from another state. continued: out of T
//     or t into a live state.
//   - traced: TracerPid became non-zero or changed, or a new process is already traced (tracer
//     names it). untraced: TracerPid was non-zero and is now zero or another tracer (tracer
//     names the old one). TracerPid is the tracing thread's id, which is not a recorded PID when
//     that thread is not its process's main thread: the tracer then has no comm.
//   - state_changed: any other transition, except among R, S, D and I, which a busy process
//     flips between on its own: those are noise unless Options.AllStates. Into Z is
//     became_zombie.
//
// Descriptors (fds.go). Only when both snapshots recorded fds and both tables were readable:
//   - fd_opened, fd_closed: an fd number present on one side only, or pointing at another object
//     (closed then opened): another inode, or, where an inode is unknown, another link text. A
//     file renamed or deleted while open keeps its inode and is no event, nor is an offset that
//     moved. An fd that was unreadable in A and is absent in B is closed, with an empty target.
//   - fd_inherited: a new process holds a descriptor sharing an open file description with its
//     parent (or, when adopted, its inferred creator): same object (socket or pipe inode, or file
//     path and inode), same status flags without O_CLOEXEC, and the same offset for files when
//     both were read in B. When the new process runs another program than its source, only its
//     descriptors without close-on-exec count (the others were opened after its exec; two Go
//     programs each holding their own cgroup file would otherwise look alike). /dev/null, /dev/zero, /dev/*random, the console and terminals are not
//     reported: every child of a shell shares them.
//   - fd_leaked: a descriptor above 2 without close-on-exec that survived an exec of its process
//     (same number, same object), or that a new process inherited while running another program
//     than its source (exe or cmdline differs): it crossed an exec it did not need to. A forked
//     worker that did not exec inherits without leaking (one that rewrote its cmdline with
//     setproctitle looks exec'd: a known false positive).
//
// # Who created an adopted process (creator.go)
//
// For a new process that is adopted (see daemonized), every process alive in A or B that started
// no later than it is a candidate: a creator starts before its child, so a younger process is
// never one. No weight depends on how many processes were read, so a score means the same in a
// container of seven processes, on a host of thousands and under --pid. A candidate scores:
//   - once per object, w = ln(1 + 32/n) for each open file description it shares with the process
//     (as in fd_inherited; the offset is compared only when the candidate was read in B, and
//     close-on-exec fds of a process running another program than the candidate are skipped),
//     where n processes hold that object: 2.83 for two, 1 for 18, skipped above 32. Ubiquitous
//     targets (/dev/null, terminals) count 0.05 of that, except a terminal that at most 8 other
//     processes hold, all of one session (the pty a setsid -f daemon kept from its shell).  A
//     description held under another fd number counts a third (listed as moved): fork keeps
//     numbers and a descriptor passed over a unix socket (SCM_RIGHTS) lands on the lowest free
//     one, but launchers also renumber what they hand down (dup2 before exec), so one renumbered
//     object alone (0.94 at most) never names a creator, while several do;
//   - 1 for leading the process's session, and 1 for leading its process group;
//   - 2/(n-1) for sharing its cgroup (the v2 path and every v1 hierarchy), and again for sharing
//     its audit session (/proc/PID/sessionid, when set), where n processes share it (skipped above
//     32): a daemon stays in its launcher's cgroup and login session after any number of forks and
//     setsid, so a cgroup or session the launcher made for itself names it (2) from that evidence
//     alone, while a container-wide cgroup of seven adds 0.33 to each.
//
// A candidate whose audit session is set and differs from the process's (set or unset) is ruled
// out (excluded says why): a child inherits its creator's session, which only a new login
// changes. The best
// score of at least 1 wins; when two candidates tie at the top none is named and the summary
// lists them. creator names the winner with the shared fds (fd, candidate_fd, inode, holders,
// weight, moved), session and lineage evidence, or says that none was found and why. fd_inherited
// from a creator under another fd number says so in reason.
//
// # Zombies (zombies.go)
//
// Every zombie of B is listed with its parent and whether it was already a zombie in A (so for at
// least B−A). Each parent is listed with its state, wchan, SIGCHLD disposition (default, ignore,
// handler), its zombie count and how many lingered from A; a parent with a lingering zombie is not
// reaping. The summary names those parents, then the parents of zombies new since A.
//
// # Order
//
// Events are sorted by PID, start ticks, kind (in the order of Kinds), fd, then target, so two
// runs over the same snapshots give byte-identical output.
package diff
