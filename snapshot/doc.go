// Package snapshot is procsnap's data model and its /proc reader.
//
// A Snapshot is a header (when, where, as whom, what could not be seen) and every visible
// process sorted by PID. A process is identified by (PID, StartTicks), the raw field 22 of
// /proc/PID/stat, which survives PID reuse.
//
// Take reads /proc (or any tree shaped like it) with github.com/prometheus/procfs where procfs
// has the field, and with small readers of its own, one file per /proc source, where procfs lacks
// the field or hides errors: stat, status (TracerPid, signal masks, NSpgid/NSsid), stack,
// task/*/children, the exe/cwd/ns links and each fd's link and fdinfo.
//
// Nothing a process hides is fatal. A field that could not be read is recorded in
// Process.Unread with a reason (permission_denied, vanished, needs_cap_sys_admin, not_supported,
// malformed, absent); a process that could not be recorded consistently is listed in Header.Skipped.
// Each process is read through one descriptor of its /proc/PID directory, which names that one
// life of the process and not the PID: once the process is reaped every read through it fails
// (ESRCH), so no record mixes two processes that held the PID in turn.
//
// Load, Decode, Encode and WriteFile read and write snapshot files (YAML or JSON, optionally
// gzip-compressed); writes are atomic, durable and mode 0600. Decode rejects hostile files with
// one-line errors that name the file (see Validate, MaxFileSize and the v1.1 YAML trailer);
// WriteOutput never clobbers what procsnap did not write; a Redactor removes secrets from command
// lines before anything is written. The /proc stat line is parsed here, not by procfs, whose
// parser panics on some malformed lines.
//
// Encode also writes jsonl, an export format (one JSON object per process) that Decode does not
// read. JSON is written one record at a time and read by a streaming token-level reader; the
// maps of a loaded snapshot may be shared between processes (the JSON reader gives equal maps
// one copy), so a loaded snapshot is read-only.
//
// Capture directories (capture*.go) hold unattended captures, one file per run named
// <host>-<UTC time with nanoseconds>[_seq].<format>[.gz]: WriteCapture publishes a new capture
// without ever replacing a name (RENAME_NOREPLACE), then prunes the host's older captures under
// an flock; ListCaptures, CaptureWindow and CapturePair select captures by time; ReadHeader
// reads only a file's header, for listings.
package snapshot
