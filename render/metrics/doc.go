// Package metrics turns a snapshot into Prometheus metrics for node_exporter's textfile
// collector: Collect computes the families, Write writes them in the text exposition format.
//
// Every metric is a gauge named procsnap_*; units are in the name (_seconds). The families:
//
//	procsnap_snapshot_timestamp_seconds      when the snapshot was taken
//	procsnap_scan_duration_seconds           how long reading /proc took
//	procsnap_processes{state}                processes by state letter (R S D I T t Z always present)
//	procsnap_threads                         threads
//	procsnap_zombies{parent_pid,parent_comm,parent_exe,parent_sigchld}
//	procsnap_zombie_parents                  processes with a zombie child
//	procsnap_zombie_oldest_age_seconds{...}  same labels; only with a capture history
//	procsnap_orphaned_process_groups         kernel rule (kernel/exit.c)
//	procsnap_orphaned_process_groups_stopped orphaned groups with a stopped member
//	procsnap_adopted_processes{adopter}      adopter init or subreaper
//	procsnap_stopped_processes, procsnap_traced_processes
//	procsnap_open_fds_without_cloexec        absent when descriptors were not read
//	procsnap_fds_leaked_across_exec{exe}     only with a previous capture
//	procsnap_unread_fields{reason}, procsnap_skipped_processes{reason}
//
// Cardinality is bounded: the TopN parents with the most zombies (and the TopN executables
// leaking most descriptors) get a series each, every other one is summed into a single series
// labelled parent_pid="other" (exe="other"). At most 2*(TopN+1) series carry process names.
//
// Labels hold a parent's PID, comm, executable path and SIGCHLD disposition, never a command
// line: a command line can carry secrets, a name and a path are what /proc/PID/stat and ps
// already show every user (the executable path only to the process's owner: the file is
// written 0644 because node_exporter reads it as another user; a host that must hide
// executable paths of other users' processes should not export metrics). Label values are
// made valid UTF-8 and escaped, whatever bytes a process put in its comm.
//
// The zombie age is a lower bound: a zombie shown by the capture at time T and by every later
// one has been unreaped for at least now−T. Without a capture directory there is no history and
// no age series, rather than an age of zero that would read as "just died".
package metrics
