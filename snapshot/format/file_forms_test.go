package format_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/procsnap/procsnap/snapshot/format"

	"github.com/procsnap/procsnap/fixtures/badsnap"
	"github.com/procsnap/procsnap/snapshot"
)

// TestLoadNamesTheForm: a file in a form procsnap does not write is rejected with the form
// named, not called "truncated"; a schema string is valid only as procsnap writes it.
func TestLoadNamesTheForm(t *testing.T) {
	valid := []byte(badsnap.Valid)
	utf16 := []byte{0xff, 0xfe}
	for _, r := range badsnap.Valid[:40] {
		utf16 = append(utf16, byte(r), 0)
	}
	withSchema := func(schema string) []byte {
		return []byte(strings.Replace(badsnap.Valid, "procsnap/v1.1", schema, 1))
	}
	withPID := func(pid string) []byte {
		return []byte(strings.Replace(badsnap.Valid, "\n  - pid: 1\n", "\n  - pid: "+pid+"\n", 1))
	}
	tests := []struct {
		name string
		data []byte
		want string // "" loads
	}{
		{"valid", valid, ""},
		{"UTF-8 byte-order mark", append([]byte{0xef, 0xbb, 0xbf}, valid...), "starts with a UTF-8 byte-order mark"},
		{"UTF-16", utf16, "is UTF-16"},
		{"gzip with trailing data", append(badsnap.Gzip(valid), "garbage after"...), "data after the end of the gzip stream"},
		{"gzip JSON with trailing data", append(badsnap.Gzip([]byte(badsnap.ValidJSON)), "garbage"...), "data after the end of the gzip stream"},
		{"JSON with a UTF-8 byte-order mark", append([]byte{0xef, 0xbb, 0xbf}, badsnap.ValidJSON...), "starts with a UTF-8 byte-order mark"},
		{"two gzip members", append(badsnap.Gzip(valid), badsnap.Gzip(valid)...), "data after the end of the gzip stream"},
		{"schema procsnap/v1.x", withSchema("procsnap/v1.x"), `"procsnap/v1.x" is not of the form procsnap/vMAJOR.MINOR`},
		{"schema procsnap/v01.1", withSchema("procsnap/v01.1"), "is not of the form"},
		{"schema procsnap/v+1.1", withSchema("procsnap/v+1.1"), "is not of the form"},
		{"schema procsnap/v1.1 trailing", withSchema("procsnap/v1.1-rc"), "is not of the form"},
		{"pid 0x10", withPID("0x10"), `processes.pid: "0x10" is not a plain decimal integer`},
		{"pid 0o310", withPID("0o310"), `processes.pid: "0o310" is not a plain decimal integer`},
		{"pid 2_00", withPID("2_00"), `processes.pid: "2_00" is not a plain decimal integer`},
		{"pid +200", withPID("+200"), `processes.pid: "+200" is not a plain decimal integer`},
		{"pid 0310", withPID("0310"), `processes.pid: "0310" is not a plain decimal integer`},
		{"pid -0", withPID("-0"), `processes.pid: "-0" is not a plain decimal integer`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := format.Decode(bytes.NewReader(tc.data), "f")
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "truncated") {
				t.Fatalf("Decode = %v, want an error with %q and not \"truncated\"", err, tc.want)
			}
			if !errors.Is(err, snapshot.ErrInvalid) && !errors.Is(err, snapshot.ErrSchema) {
				t.Errorf("%v is neither ErrInvalid nor ErrSchema", err)
			}
		})
	}
}
