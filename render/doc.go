// Package render turns snapshots into what a person or a script reads: the process tree, the
// session view and the ps table. It is the only package that writes output, always to an
// io.Writer handed in by the caller.
//
// Building is kept apart from writing. BuildForest, Select and BuildSessions are pure
// functions from a snapshot to data (Forest, Node, Session, Group) that tests inspect directly;
// WriteTree, WriteSessions, WriteTreeJSON, WriteSessionsJSON and WritePS only format that data.
//
// The tree rules:
//   - A process's parent is the process with its PPID. A PPID of 0 makes a natural root (init,
//     kthreadd). A PPID absent from the snapshot makes a root marked parent_missing.
//   - A snapshot is not atomic, so PPID links may form a cycle. Each cycle is broken at its
//     lowest PID, which becomes a root marked ppid_cycle; no walk ever loops or recurses forever.
//   - Threads are folded into their process (Node.Threads); the snapshot holds no per-thread rows.
//
// The session rules (Linux job control, as kernel/exit.c implements POSIX):
//   - A session is every process with the same SID; its leader is the process whose PID is the
//     SID, and it may have exited. Its controlling tty and foreground group (TPGID) are read from
//     the leader, else from the first member that has a tty.
//   - A process group is every process with the same PGID; its leader may be gone.
//   - A group is orphaned when no member has a parent in a different group of the same session.
//     Like the kernel (will_become_orphaned_pgrp), zombie members and members whose parent is
//     pid 1 are not counted; a group with only such members is orphaned. When a member's parent is
//     missing from the snapshot the answer is marked uncertain.
//   - A group is in the foreground when its PGID equals the session's TPGID.
//
// What one snapshot cannot tell is not guessed: "child of pid 1" is shown for a process whose
// parent is pid 1 and which does not lead its own session, which is what an orphan adopted by
// init looks like, but also what a process started by init without setsid looks like. Child
// subreapers (PR_SET_CHILD_SUBREAPER) are not visible in /proc and are not inferred.
//
// Diff writes a diff.Result in one of four formats:
//   - table: a header naming both snapshots and the elapsed time, the notes, one row per event
//     (PID, COMM, EVENT, SUMMARY), then the zombie report. For a person at a terminal.
//   - yaml and json: the whole Result (sides, notes, events with every evidence field, zombie
//     report), with snake_case keys. Stable for scripts: fields are only ever added.
//   - jsonl: one JSON object per event and nothing else, for line-oriented tools.
//
// Events arrive sorted by diff; render never reorders them.
//
// Timeline writes procsnap log (the diff events of consecutive captures, oldest first) in the
// same four formats; CaptureTable writes procsnap ls; WrittenPath the path take wrote.
package render
