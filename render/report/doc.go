// Package report writes procsnap report: one self-contained HTML page (inline CSS, hand-placed
// SVG and a small inline script, no network fetches) describing what happened across a series of
// snapshots of one host: a summary with ranked findings, the sessions → process groups →
// processes tree of the last snapshot with what changed in the period, a timeline of every
// process (aggregated per process group when there are many), charts of zombies per parent and
// processes by state over time, and the events and descriptor leaks as filterable tables.
//
// The page is built from diff results (timeline.Interval) and diff.Spans; it draws, it does not
// infer. Colours come from the Okabe-Ito palette, readable by colour-blind readers, with light
// and dark variants chosen by prefers-color-scheme; shapes and labels never rely on colour alone.
package report
