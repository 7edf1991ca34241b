// Package codegen writes the record code of the fast YAML codec, of the JSON process writer and
// of the readers' memory weights from the model's struct tags, so that the schema of a snapshot is spelled once, in the model.
//
// Generate reads the model package's source with go/parser, takes a root struct (Process) and
// every struct it holds in a slice (FD), and writes, for each, code of one codec:
//
//   - yaml (the yaml tags): a writer that appends a record in exactly the layout yaml.v3 gives
//     it (indent 2, fields in declaration order, omitempty as yaml.v3 decides it) and a strict
//     reader of that layout: the field names in order, their index constants, and one switch
//     per record that sets a field from its scalar or its lines.
//   - json (the json tags): a method that appends a record's members as encoding/json writes
//     them (names, declaration order, omitempty as encoding/json decides it), refusing what
//     encoding/json refuses (a time it cannot marshal).
//   - footprint (every field): a function that returns the bytes of memory a decoded record
//     holds beyond its struct (strings, slices, maps, its own records), which the readers weigh
//     against the bytes they read.
//
// The primitives the generated code calls (scalars, lists, maps, the line walker, the JSON
// appender's indentation and escaping) are hand-written beside the generated file; a field type
// without one is an error that names the field.
//
// scripts/gencodec runs Generate for `go generate`; TestGeneratedFilesFresh regenerates every
// file that a go:generate directive names and fails when the committed file differs.
package codegen
