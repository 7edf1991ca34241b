// Package format reads and writes snapshot files: YAML or JSON, optionally gzip-compressed.
//
// Load, Decode, Encode and WriteFile are the entry points; writes are atomic, durable and mode
// 0600. Decode rejects hostile files with one-line errors that name the file (see
// snapshot.Validate, MaxFileSize, the footprint bound of footprint.go and the v1.1 YAML
// trailer); WriteOutput never clobbers what procsnap did not write; ReadHeader reads only a
// file's header, for listings.
//
// Encode also writes jsonl, an export format (one JSON object per process) that Decode does not
// read. JSON is written one record at a time and read by a streaming token-level reader; the
// maps of a loaded snapshot may be shared between processes (the JSON reader gives equal maps
// one copy), so a loaded snapshot is read-only.
package format
