// Package codegen writes the record code of the fast YAML codec from the model's struct tags,
// so that the schema of a snapshot is spelled once, in the model.
//
// Generate reads the model package's source with go/parser, takes a root struct (Process) and
// every struct it holds in a slice (FD), and writes, for each, a writer that appends a record
// in exactly the layout yaml.v3 gives it (indent 2, fields in declaration order, omitempty as
// yaml.v3 decides it) and a strict reader of that layout: the field names in order, their index
// constants, and one switch per record that sets a field from its scalar or its lines. The
// primitives both sides call (scalars, lists, maps, the line walker) are hand-written beside the
// generated file; a field type without one is an error that names the field.
//
// scripts/gencodec runs Generate for `go generate`; TestGeneratedFilesFresh regenerates every
// file that a go:generate directive names and fails when the committed file differs.
package codegen
