// Package explain answers, for one process, the three questions an investigator asks first:
// who created it, what it holds, and where it stands. It reads the snapshot model only (one
// snapshot, optionally a trail of captures and a watch recording, all loaded by the caller) and
// reuses the shared-description evidence of package diff.
//
// Creator evidence is ranked, strongest first:
//
//  1. a watch recording's creation chain for this very process (PID and start time): what was
//     seen, definitive for the parent it was born to, high for its ancestors (one step less
//     when a rescan found it late);
//  2. the earliest capture holding it: its parent then, when that was not an adopter (high), and
//     the processes of the capture before it that were gone when it appeared (low);
//  3. open file descriptions it shares with older live processes (same object, same flags and,
//     for files, offset), scored as diff scores its creators;
//  4. the same cgroup, the same audit login session, and start order (a creator is older);
//  5. leading its session or process group.
//
// A process that was not adopted was created by its parent: the kernel says so. One that was
// adopted (its parent is init or a subreaper) gets the ranked candidates, each with a
// confidence; the best names the creator unless it has only low confidence (one of several
// processes in a cgroup, leading the session, a process that vanished just before): then the
// verdict is "unknown", with the reason and the weak hints. Every section lists what it could not see
// (unreadable fields, with the reason recorded in the snapshot) instead of leaving it out.
package explain
