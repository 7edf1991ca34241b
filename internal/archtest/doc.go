// Package archtest holds no code: its test enforces procsnap's layout rules on the source tree
// (imports run cmd → render → diff → snapshot, only tests import fixtures/, exit only from main,
// no fmt.Print*, no os/exec outside tests and tooling). It stands in for depguard and forbidigo
// so that `make test` needs no linter binary beyond staticcheck.
package archtest
