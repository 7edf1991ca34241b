package snapshot

import "errors"

// Sentinel errors, for errors.Is. Every error returned by this package that concerns bad input
// wraps one of them and names the file or PID.
var (
	// ErrInvalid marks a snapshot file that is not a well-formed snapshot.
	ErrInvalid = errors.New("invalid snapshot")
	// ErrSchema marks a snapshot whose schema version this procsnap cannot read.
	ErrSchema = errors.New("unsupported snapshot schema")
	// ErrTooLarge marks a snapshot file larger than MaxFileSize once decompressed, or whose
	// records would take more memory than a small multiple of its size (format's footprint).
	ErrTooLarge = errors.New("snapshot file too large")
	// ErrProcUnreadable marks a /proc tree that cannot be listed at all.
	ErrProcUnreadable = errors.New("cannot read proc filesystem")
	// ErrUnknownFormat marks a format name or file extension procsnap does not write.
	ErrUnknownFormat = errors.New("unknown format")
	// ErrNoCapture marks a capture directory without the captures a command needs.
	ErrNoCapture = errors.New("no capture")
)
