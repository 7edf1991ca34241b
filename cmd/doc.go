// Package cmd holds procsnap's cobra commands, one file per command, and the single mapping from
// errors to exit codes. Commands parse flags, call snapshot/, diff/ and render/, and write only
// through render/ or the snapshot encoders to the writers they are given.
package cmd
