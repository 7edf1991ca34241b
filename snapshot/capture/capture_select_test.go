package capture

import (
	"errors"
	"testing"
	"time"

	"github.com/procsnap/procsnap/snapshot"

	"github.com/google/go-cmp/cmp"
)

func TestCaptureWindowAndPair(t *testing.T) {
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	// Captures at minutes 0, 10, 10 (same time, sequence 1), 20, 30.
	var cs []Capture
	for i, m := range []int{0, 10, 10, 20, 30} {
		seq := boolInt(i == 2)
		cs = append(cs, Capture{Name: CaptureName("h", at(m), seq, "", false), Time: at(m), Seq: seq})
	}
	none := time.Time{}
	tests := []struct {
		name     string
		from, to time.Time
		window   []int // indexes into cs
		pair     []int // nil: CapturePair fails
		wantErr  error
	}{
		{"everything", none, none, []int{0, 1, 2, 3, 4}, []int{3, 4}, nil},
		{"to between captures: the two latest at or before", none, at(25), []int{0, 1, 2, 3}, []int{2, 3}, nil},
		{"to exactly at a capture includes it", none, at(20), []int{0, 1, 2, 3}, []int{2, 3}, nil},
		{"from between captures starts at the one before", at(15), none, []int{2, 3, 4}, []int{2, 4}, nil},
		{"from exactly at a capture starts there", at(20), none, []int{3, 4}, []int{3, 4}, nil},
		{"from before the first starts at the first", at(-60), at(12), []int{0, 1, 2}, []int{0, 2}, nil},
		{"from after the last: only the last", at(45), none, []int{4}, nil, snapshot.ErrNoCapture},
		{"from and to in one gap: one capture", at(21), at(29), []int{3}, nil, snapshot.ErrNoCapture},
		{"to before the first", none, at(-1), nil, nil, snapshot.ErrNoCapture},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w, err := CaptureWindow(cs, tc.from, tc.to)
			if tc.window == nil {
				if !errors.Is(err, snapshot.ErrNoCapture) {
					t.Fatalf("CaptureWindow err = %v, want ErrNoCapture", err)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(pick(cs, tc.window), w); diff != "" {
				t.Errorf("CaptureWindow (-want +got):\n%s", diff)
			}
			a, b, err := CapturePair(cs, tc.from, tc.to)
			if tc.pair == nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("CapturePair err = %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(pick(cs, tc.pair), []Capture{a, b}); diff != "" {
				t.Errorf("CapturePair (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := CaptureWindow(nil, none, none); !errors.Is(err, snapshot.ErrNoCapture) {
		t.Errorf("CaptureWindow(empty) err = %v, want ErrNoCapture", err)
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func pick(cs []Capture, idx []int) []Capture {
	var out []Capture
	for _, i := range idx {
		out = append(out, cs[i])
	}
	return out
}
