// Package watch follows the processes of a host live by polling /proc, without privileges
// (no root, ptrace, netlink or eBPF), and turns what it sees into events.
//
// Three paths, each cheap in the common case:
//
//   - The fast path reads the last allocated PID from /proc/loadavg (one pread on a file kept
//     open). When it moves, only the new PIDs, from the previous value + 1 to the new one
//     (wrapping at /proc/sys/kernel/pid_max), are probed directly: /proc/PID/cmdline, stat and
//     status. A direct probe finds a process that a readdir of /proc would see too late.
//   - New processes stay "young" for a while (Options.Young): their stat and cmdline, kept
//     open, are re-read at every tick, so an exec, a setsid, a reparenting or an exit that
//     follows a fork within milliseconds is seen as it happens. While anything is young the
//     loop ticks at Options.HotInterval, otherwise at Options.Interval. inotify on the
//     directories of the dynamic loader and of executables (IN_OPEN) wakes the loop early
//     when something is exec'd, and a wake-up also re-reads the young processes still seen
//     with their parent's command line: their exec is likely the one under way. The loop
//     sleeps in a single ppoll(2) on an eventfd that the inotify reader writes. Run keeps
//     every thread of the process on one CPU (Options.CPU) and gives the loop and the inotify
//     reader the shortest scheduler slice, so that a wake-up runs at once instead of waiting
//     behind an exec on another CPU: sched.go has the measurements.
//   - A rescan (Options.Rescan) lists /proc for processes the fast path missed and for those
//     gone, and re-reads known processes through their kept-open stat files: reparenting,
//     state changes, zombies, setsid and setpgid of older processes. A process that did not
//     change sits out more and more rescans (rescan.go, maxSkip), so the cost follows what
//     changes, not how many processes exist.
//
// What it missed (missed.go): every PID between two readings of last_pid is a process seen, a
// thread seen, a PID held already, or nothing twice in a row: missed. The count is exact in the
// watch's PID namespace, and /proc/stat "processes" says how many tasks were created outside
// it. Stats events carry it every Options.StatsEvery; late events say when a tick ran late;
// a watching event comes first.
//
// Who created a process first seen already adopted (adopted.go): inferred from PID order,
// start times, uid, command line and cgroup, and said so in the event's chain_how. daemonized
// follows diff's rule: adopted, no controlling terminal, leading its session or in one whose
// leader is gone.
//
// Lineage: each process is remembered with the parent it was born to (its ppid at first
// sight, as a (PID, start ticks) key), so a process later adopted by init still shows its
// creator and grandparents after they exit. Exited processes are forgotten after
// Options.ForgetAfter unless a live process descends from them, and in any case once more than
// Options.MaxExited are remembered, so memory stays bounded.
package watch
