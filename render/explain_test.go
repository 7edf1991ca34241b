package render

import (
	"bytes"
	"testing"

	"github.com/procsnap/procsnap/diff/explain"
)

func TestExplainGolden(t *testing.T) {
	s := loadFixture(t, "explain.yaml")
	for _, tc := range []struct {
		name   string
		pid    int
		format string
	}{
		{"explain_listener_child", 13096, "text"},
		{"explain_listener_child_json", 13096, "json"},
		{"explain_no_evidence", 13400, "text"},
		{"explain_unreadable", 13500, "yaml"},
		{"explain_zombie", 13200, "text"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := explain.Explain(explain.Input{Snapshot: s, PID: tc.pid, File: "explain.yaml"})
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			if err := Explain(&b, r, tc.format); err != nil {
				t.Fatal(err)
			}
			if tc.format == "text" {
				for i, l := range bytes.Split(b.Bytes(), []byte("\n")) {
					if n := len([]rune(string(l))); n > pageWidth {
						t.Errorf("line %d is %d columns wide: %q", i+1, n, l)
					}
				}
			}
			golden(t, tc.name, b.Bytes())
		})
	}
}

func TestExplainUnknownFormat(t *testing.T) {
	if err := Explain(&bytes.Buffer{}, &explain.Report{}, "xml"); err == nil {
		t.Fatal("xml accepted")
	}
}
