package diff

import (
	"errors"
	"testing"

	"github.com/procsnap/procsnap/snapshot"
)

func TestRefusals(t *testing.T) {
	otherBoot := func(s *snapshot.Snapshot) { s.Header.BootID = "11111111-2222-3333-4444-555555555555" }
	otherNS := func(s *snapshot.Snapshot) { s.Header.PIDNamespace = "pid:[4026532999]" }
	cases := []struct {
		name   string
		change func(*snapshot.Snapshot)
		want   []error
	}{
		{"refuse_boot", otherBoot, []error{ErrBootMismatch}},
		{"refuse_pidns", otherNS, []error{ErrPIDNamespaceMismatch}},
		{"refuse_both", func(s *snapshot.Snapshot) { otherBoot(s); otherNS(s) }, []error{ErrBootMismatch, ErrPIDNamespaceMismatch}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a, b := snap(t, t0), snap(t, t1)
			tc.change(b)
			res, err := Compare(a, b, Options{})
			if err == nil {
				t.Fatalf("Compare = %v, want an error", res)
			}
			for _, w := range tc.want {
				if !errors.Is(err, w) {
					t.Errorf("error %q is not %v", err, w)
				}
			}
			checkGolden(t, tc.name, []byte(err.Error()+"\n"))
			res, err = Compare(a, b, Options{Force: true})
			if err != nil {
				t.Fatalf("forced Compare: %v", err)
			}
			if !res.Forced || len(res.Notes) != len(tc.want) {
				t.Errorf("forced result: Forced=%v Notes=%q, want Forced and %d notes", res.Forced, res.Notes, len(tc.want))
			}
		})
	}
}

func TestCompareNil(t *testing.T) {
	if _, err := Compare(nil, snap(t, t0), Options{}); err == nil {
		t.Error("Compare(nil, b) succeeded")
	}
}
