// Package snapshot is procsnap's data model: the Snapshot, its Header, the Process and FD
// records, their identity keys, the reasons a field could not be read, and the validation every
// reader relies on.
//
// A Snapshot is a header (when, where, as whom, what could not be seen) and every visible
// process sorted by PID. A process is identified by (PID, StartTicks), the raw field 22 of
// /proc/PID/stat, which survives PID reuse.
//
// Nothing a process hides is fatal. A field that could not be read is recorded in
// Process.Unread with a reason (permission_denied, vanished, needs_cap_sys_admin, not_supported,
// malformed, absent); a process that could not be recorded consistently is listed in
// Header.Skipped.
//
// Validate checks a snapshot's schema version and invariants; a Redactor removes secrets from
// command lines before anything is written. The maps of a loaded snapshot may be shared between
// processes, so a loaded snapshot is read-only.
//
// The rooms around the model each import only it: snapshot/proc reads /proc (Take),
// snapshot/format reads and writes snapshot files, and snapshot/capture keeps capture
// directories (and uses snapshot/format to write them).
package snapshot
