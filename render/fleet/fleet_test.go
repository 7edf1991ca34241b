package fleet

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/procsnap/procsnap/diff"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

func golden(tb testing.TB, name string, got []byte) {
	tb.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			tb.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("%v (run go test ./render/fleet -update to create it)", err)
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		tb.Errorf("%s mismatch (-want +got):\n%s", path, d)
	}
}

// outputs renders the test pair and watch events in format: take's processes of B, the diff
// A→B and the watch events.
func outputs(tb testing.TB, format string) map[string][]byte {
	tb.Helper()
	a, b := testPair()
	res, err := diff.Compare(a, b, diff.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	out := map[string][]byte{}
	run := func(name string, f func(e *Encoder) error) {
		var buf bytes.Buffer
		e, err := NewEncoder(&buf, format, "v1.0.0-test")
		if err != nil {
			tb.Fatal(err)
		}
		if err := f(e); err != nil {
			tb.Fatalf("%s: %v", name, err)
		}
		out[name+"_"+format] = buf.Bytes()
	}
	run("take", func(e *Encoder) error { return e.Processes(b) })
	run("diff", func(e *Encoder) error { return e.Diff(a, b, res) })
	run("watch", func(e *Encoder) error { return e.Watch(HostOf(&b.Header), testWatch()) })
	return out
}

func TestGolden(t *testing.T) {
	for _, format := range Formats {
		for name, got := range outputs(t, format) {
			t.Run(name, func(t *testing.T) { golden(t, name, got) })
		}
	}
}

func lines(tb testing.TB, data []byte) []map[string]any {
	tb.Helper()
	var docs []map[string]any
	for _, l := range bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n")) {
		m, err := decode(l)
		if err != nil {
			tb.Fatalf("not one JSON document per line: %v: %s", err, l)
		}
		docs = append(docs, m)
	}
	if len(docs) < 3 {
		tb.Fatalf("only %d documents", len(docs))
	}
	return docs
}

// TestECSSchema checks every field of every ECS document against the ECS definitions.
func TestECSSchema(t *testing.T) {
	s := loadECS(t)
	if s.Version != ECSVersion {
		t.Errorf("fixture is ECS %s, documents say %s", s.Version, ECSVersion)
	}
	for name, out := range outputs(t, FormatECS) {
		for i, doc := range lines(t, out) {
			if errs := checkECS(s, doc); len(errs) > 0 {
				t.Errorf("%s line %d:\n%s", name, i+1, strings.Join(errs, "\n"))
			}
		}
	}
}

// TestOCSFSchema checks every OCSF document against the Process Activity class.
func TestOCSFSchema(t *testing.T) {
	s := loadOCSF(t)
	if s.Version != OCSFVersion {
		t.Errorf("fixture is OCSF %s, documents say %s", s.Version, OCSFVersion)
	}
	for name, out := range outputs(t, FormatOCSF) {
		for i, doc := range lines(t, out) {
			if errs := checkOCSF(s, doc); len(errs) > 0 {
				t.Errorf("%s line %d:\n%s", name, i+1, strings.Join(errs, "\n"))
			}
		}
	}
}

// TestCheckersCatch proves the schema checks fail on documents that break the schemas.
func TestCheckersCatch(t *testing.T) {
	ecs, ocsf := loadECS(t), loadOCSF(t)
	cases := []struct {
		name, doc string
		check     func(map[string]any) []string
		want      string
	}{
		{"ecs pid as string", `{"process":{"pid":"12"}}`, func(m map[string]any) []string { return checkECS(ecs, m) }, "process.pid: 12 is not an integer"},
		{"ecs unknown field", `{"process":{"ppid":1}}`, func(m map[string]any) []string { return checkECS(ecs, m) }, "process.ppid: not an ECS field"},
		{"ecs type not array", `{"event":{"type":"start"}}`, func(m map[string]any) []string { return checkECS(ecs, m) }, "event.type: array false"},
		{"ecs bad date", `{"@timestamp":"yesterday"}`, func(m map[string]any) []string { return checkECS(ecs, m) }, "@timestamp: yesterday is not an RFC 3339 date"},
		{"ocsf missing required", `{"class_uid":1007}`, func(m map[string]any) []string { return checkOCSF(ocsf, m) }, "activity_id: required, missing"},
		{"ocsf bad enum", `{"activity_id":7}`, func(m map[string]any) []string { return checkOCSF(ocsf, m) }, "activity_id: 7 is not one of"},
		{"ocsf unknown attribute", `{"process":{"ppid":1}}`, func(m map[string]any) []string { return checkOCSF(ocsf, m) }, "process.ppid: not an attribute here"},
		{"ocsf wrong type", `{"process":{"pid":"1"}}`, func(m map[string]any) []string { return checkOCSF(ocsf, m) }, "process.pid: 1 is not integer_t"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, err := decode([]byte(tc.doc))
			if err != nil {
				t.Fatal(err)
			}
			errs := strings.Join(tc.check(m), "\n")
			if !strings.Contains(errs, tc.want) {
				t.Errorf("errors %q do not contain %q", errs, tc.want)
			}
		})
	}
}

// TestEntityIDRecipe checks that the documented shell recipe computes EntityID.
func TestEntityIDRecipe(t *testing.T) {
	if _, err := exec.LookPath("sha256sum"); err != nil {
		t.Skip("sha256sum not installed")
	}
	cmd := exec.Command("sh", "-c", `printf 'procsnap-entity/1|%s|%s|%s|%s' "$1" "$2" "$3" "$4" | sha256sum | cut -c1-32`,
		"sh", testBoot, "4026531836", "410", "4100")
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := EntityID(testBoot, "4026531836", 410, 4100), strings.TrimSpace(string(out)); got != want {
		t.Errorf("EntityID = %s, the shell recipe gives %s", got, want)
	}
	for _, tc := range []struct{ boot, ns string }{{"", "4026531836"}, {testBoot, ""}} {
		if id := EntityID(tc.boot, tc.ns, 410, 4100); id != "" {
			t.Errorf("EntityID(%q, %q) = %q, want \"\" without boot id or namespace", tc.boot, tc.ns, id)
		}
	}
}

// TestSameIdentityAcrossOutputs checks that one process has one id in every output and
// format, and that its parent's id in one document is the id of the parent's own document.
func TestSameIdentityAcrossOutputs(t *testing.T) {
	want := EntityID(testBoot, "4026531836", 410, 4100)
	parent := EntityID(testBoot, "4026531836", 400, 4000)
	seen := 0
	for _, format := range Formats {
		for name, out := range outputs(t, format) {
			for _, doc := range lines(t, out) {
				p := doc["process"].(map[string]any)
				if p["pid"].(json.Number).String() != "410" {
					continue
				}
				id, pid := p["entity_id"], p["parent"]
				if format == FormatOCSF {
					id, pid = p["uid"], p["parent_process"]
				}
				pp := pid.(map[string]any)
				pidKey := "entity_id"
				if format == FormatOCSF {
					pidKey = "uid"
				}
				if id != want || pp[pidKey] != parent {
					t.Errorf("%s: process 410 id %v parent %v, want %s %s", name, id, pp[pidKey], want, parent)
				}
				seen++
			}
		}
	}
	if seen < 4 {
		t.Errorf("process 410 found in %d documents, want at least 4 (take and diff, both formats)", seen)
	}
}
