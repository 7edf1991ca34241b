package watch

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/procsnap/procsnap/diff"
	"github.com/procsnap/procsnap/snapshot"
)

// TestRedactEvents: no secret of a command line, old or new, or of a creation chain, is left in
// the events watch --redact prints and records.
func TestRedactEvents(t *testing.T) {
	r, err := snapshot.NewRedactor([]string{`tok-\w+`})
	if err != nil {
		t.Fatal(err)
	}
	evs := []Event{
		{Event: diff.Event{Kind: diff.KindStarted, PID: 10, Comm: "tok-abc",
			Cmdline: []string{"sh", "-c", `mysql -pS3cr3t db`}},
			Chain: []Ancestor{{PID: 9, Comm: "tok-abc", Cmdline: []string{"sshpass", "-p", "hunter2", "ssh", "h"}}}},
		{Event: diff.Event{Kind: diff.KindExec, PID: 11, Comm: "curl",
			OldCmdline: []string{"app", "--pass=x1"},
			NewCmdline: []string{"curl", "--header=Authorization: Basic Ym9iOnA=", "u"},
			OldParent:  &diff.Ref{PID: 1, Comm: "tok-xyz"}}},
	}
	Redact(r, evs)
	b, err := json.Marshal(evs)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"S3cr3t", "hunter2", "x1", "Ym9iOnA", "tok-"} {
		if strings.Contains(string(b), secret) {
			t.Errorf("%q left in %s", secret, b)
		}
	}
	if strings.Count(string(b), "redacted") != 7 {
		t.Errorf("want 7 redactions: %s", b)
	}
}
