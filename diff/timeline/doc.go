// Package timeline compares the captures of a capture directory in order, oldest first: each
// consecutive pair gives an Interval, the diff.Result of what happened between them.
//
// A capture that cannot be read is skipped, with a note on the interval that spans it. An
// interval across a reboot or between PID namespaces has nothing to match: it keeps both sides
// and a note, but no events and no zombie report. Fewer than two readable captures is
// snapshot.ErrNoCapture.
package timeline
