// Package archtest holds no code: its tests enforce procsnap's layout rules on the source tree.
// The package graph drawn in the root doc.go is the allow-list of imports within the module:
// every package, every arrow, in layers that only point down, checked both ways against the
// sources and `go list -deps`. The other rules: only tests import fixtures/, exit only from
// main, no fmt.Print*, no os/exec outside tests and tooling, a doc.go per package. It stands in
// for depguard and forbidigo so that `make test` needs no linter binary beyond staticcheck.
package archtest
