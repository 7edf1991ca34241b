// Package proc reads a snapshot.Snapshot from /proc, or any tree shaped like it (Take).
//
// It uses github.com/prometheus/procfs where procfs has the field, and small readers of its own,
// one file per /proc source, where procfs lacks the field or hides errors: stat, status
// (TracerPid, signal masks, NSpgid/NSsid), stack, task/*/children, the exe/cwd/ns links and each
// fd's link and fdinfo. The /proc stat line is parsed here, not by procfs, whose parser panics on
// some malformed lines.
//
// Nothing a process hides is fatal: a field that could not be read is recorded in
// Process.Unread with a reason, a process that could not be recorded consistently is listed in
// Header.Skipped. Each process is read through one descriptor of its /proc/PID directory, which
// names that one life of the process and not the PID: once the process is reaped every read
// through it fails (ESRCH), so no record mixes two processes that held the PID in turn.
package proc
