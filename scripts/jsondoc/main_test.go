package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite docs/json.md")

// TestJSONDocIsCurrent: docs/json.md is what the code's types and comments give today, and
// every field has a meaning (a doc comment, or a glossary entry).
func TestJSONDocIsCurrent(t *testing.T) {
	root := filepath.Join("..", "..")
	var got bytes.Buffer
	if err := write(&got, root); err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(got.String(), "\n") {
		if strings.HasSuffix(line, "| — |") {
			t.Errorf("a field without a meaning: %s (comment it in the code, or add it to glossary.go)", line)
		}
	}
	path := filepath.Join(root, "docs", "json.md")
	if *update {
		if err := os.WriteFile(path, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./scripts/jsondoc -update writes it)", err)
	}
	if d := cmp.Diff(string(want), got.String()); d != "" {
		t.Errorf("docs/json.md is stale: go generate ./scripts/jsondoc (-want +got):\n%s", d)
	}
}
