// Command procsnap photographs a Linux host's processes from /proc and explains what changed
// between two photographs.
//
// # Package graph
//
// Every package of the module is listed below, in layers from the top, with every package of
// the module its non-test code imports ("-" for none). Imports go to the same layer or a lower
// one, never up. internal/archtest reads this list and fails when the code (as `go list` sees
// it) imports anything not drawn here, or when a drawn arrow or package no longer exists; so a
// new import is one line here, made in the open.
//
// Tests may also import fixtures/* and the rooms around the model (snapshot/proc,
// snapshot/format, snapshot/capture) to build their inputs, and never a package of a higher
// layer.
//
//	tooling:
//	  scripts/genman        → cmd
//	  scripts/gencodec      → internal/codegen
//	  scripts/jsondoc       → render
//	  internal/codegen      → -
//	  bench/driver          → -
//	  bench/watch           → -
//	  fixtures/badsnap      → -
//	  fixtures/fakeproc     → -
//	  fixtures/hostile      → -
//	  fixtures/hostile/gen  → fixtures/hostile
//	  fixtures/smallsnap    → snapshot
//	  fixtures/stage        → -
//	  fixtures/stage/stager → -
//	  internal/archtest     → -
//	command:
//	  .                     → cmd
//	  cmd                   → render render/fleet render/metrics render/report diff diff/explain diff/timeline internal/watch snapshot snapshot/proc snapshot/format snapshot/capture
//	views:
//	  render                → diff diff/explain diff/timeline internal/watch snapshot snapshot/capture
//	  render/fleet          → diff internal/watch snapshot
//	  render/metrics        → render diff snapshot
//	  render/report         → render diff diff/timeline snapshot
//	analyses:
//	  diff/explain          → diff snapshot
//	  diff/timeline         → diff snapshot snapshot/capture snapshot/format
//	  internal/watch        → diff snapshot snapshot/proc snapshot/format
//	  diff                  → snapshot
//	rooms around the model:
//	  snapshot/capture      → snapshot/format snapshot
//	  snapshot/proc         → snapshot
//	  snapshot/format       → snapshot
//	model:
//	  snapshot              → -
//
// The model (snapshot) is the data: Snapshot, Process, FD, their identity keys, reasons and
// validation. Around it, each in a room of its own, snapshot/proc reads /proc, snapshot/format
// reads and writes snapshot files, and snapshot/capture keeps capture directories. diff
// compares two snapshots knowing only the model; explain, timeline (the captures of a directory
// compared in order) and watch build on diff; render draws
// what they decided; cmd parses flags and maps errors to exit codes.
//
// The fast YAML codec's records in snapshot/format are generated from the model's yaml tags
// (internal/codegen, run by `go generate ./snapshot/format`); a test fails when they are stale.
package main
