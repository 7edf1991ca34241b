// Package fleet writes procsnap's processes and events in the schemas fleets already index:
// the Elastic Common Schema (ECS, format "ecs") and the Open Cybersecurity Schema Framework's
// Process Activity class (OCSF, format "ocsf"), one JSON document per line.
//
// The mapping of procsnap kinds:
//
//	kind            ECS event.type / event.action    OCSF activity_id / launch_type_id
//	started         start / fork                     1 Launch / 2 Fork
//	exec            start / exec                     1 Launch / 3 Exec
//	exited          end / end                        2 Terminate
//	became_zombie   end / became_zombie              2 Terminate
//	reaped          info / reaped                    99 Other (activity_name "reaped")
//	pid_reused      info / pid_reused                99 Other
//	(take)          info / snapshot (kind "state")   99 Other (activity_name "snapshot")
//	any other kind  change / the kind (setsid, ...)  99 Other (activity_name the kind)
//
// Every document has event.category ["process"], event.module "procsnap" and event.dataset
// "procsnap.processes" (take) or "procsnap.events" (diff, log, watch); OCSF's metadata.log_name
// holds the dataset.
//
// Time: a diff or log event happened after snapshot A and by snapshot B; /proc cannot say when.
// Its @timestamp (OCSF time) is B's, and procsnap.between gives both bounds. process.end and
// process.exit_code are never written: /proc tells neither for a process that has gone, and
// writing B's time as the end would be a guess presented as a fact. A watch event is stamped
// with the time the watch saw it.
//
// Identity: process.entity_id (OCSF process.uid) is EntityID, a hash of boot id, PID namespace,
// PID and start ticks, so the same process has the same id in every output of every host and a
// fleet query joins them. The parent, session leader (PID = SID) and group leader (PID = PGID)
// carry their entity ids when the snapshot holds them; when it does not (exited, or outside the
// namespace) only their PID is written. process.entry_leader is not written: /proc records no
// entry point (ssh, console, container runtime), and a guess would mislead Session View.
//
// What ECS lacks goes under procsnap.*: kind, the process's job-control and state facts
// (procsnap.process: ppid, pgid, sid, tpgid, tty_nr, state, sigchld, fds without close-on-exec,
// ...), the diff event with all its evidence (procsnap.event: adopter, creator, old parent,
// fds), the likely creator of an adopted process with its entity id and whether it had a
// terminal (procsnap.creator), a zombie's parent facts (procsnap.zombie), unread fields and
// their reasons, and what
// only a watch knows (procsnap.watch). OCSF carries the process facts in process.xattributes
// and the rest in unmapped.procsnap. The OCSF actor is the parent (it launched the process) or,
// for a terminate and for processes the kernel started, the process itself. For an adopted
// process the actor is the adopter /proc shows, not its launcher: the likely creator, when
// procsnap found one, is in unmapped.procsnap.event.creator.
//
// The field definitions the tests check against are committed under testdata/schema with
// their source release and the script that extracted them.
package fleet
