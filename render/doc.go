// Package render turns procsnap's results into what a person or a script reads. It is the only
// package that writes output, always to an io.Writer handed in by the caller.
//
// Diff writes a diff.Result in one of four formats:
//   - table: a header naming both snapshots and the elapsed time, the notes, one row per event
//     (PID, COMM, EVENT, SUMMARY), then the zombie report. For a person at a terminal.
//   - yaml and json: the whole Result (sides, notes, events with every evidence field, zombie
//     report), with snake_case keys. Stable for scripts: fields are only ever added.
//   - jsonl: one JSON object per event and nothing else, for line-oriented tools.
//
// Events arrive sorted by diff; render never reorders them.
package render
