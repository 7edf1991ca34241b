// Package capture keeps capture directories: unattended captures, one file per run named
// <host>-<UTC time with nanoseconds>[_seq].<format>[.gz].
//
// WriteCapture publishes a new capture without ever replacing a name (RENAME_NOREPLACE), then
// prunes the host's older captures under an flock; ListCaptures, CaptureWindow and CapturePair
// select captures by time.
package capture
