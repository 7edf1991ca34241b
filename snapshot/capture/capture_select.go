package capture

import (
	"fmt"
	"sort"
	"time"

	"github.com/procsnap/procsnap/snapshot"
)

// Selecting captures by time. The capture that describes the host "at" a time T is the last one
// taken at or before T. CaptureWindow and CapturePair take the captures of one host, oldest
// first (as ListCaptures and FilterHost return them), and only ones Load can read.

// CaptureWindow returns the captures that cover the interval [from, to]: the last capture at or
// before from (the baseline; the first capture when none is that old) up to the last capture at
// or before to. A zero from means the first capture, a zero to the last one. It fails with
// ErrNoCapture when cs is empty or no capture is at or before to.
func CaptureWindow(cs []Capture, from, to time.Time) ([]Capture, error) {
	if len(cs) == 0 {
		return nil, fmt.Errorf("%w found", snapshot.ErrNoCapture)
	}
	end := len(cs)
	if !to.IsZero() {
		end = firstAfter(cs, to)
		if end == 0 {
			return nil, fmt.Errorf("%w at or before %s (the first is from %s)",
				snapshot.ErrNoCapture, fmtTime(to), fmtTime(cs[0].Time))
		}
	}
	start := 0
	if !from.IsZero() {
		start = max(firstAfter(cs, from)-1, 0)
	}
	start = min(start, end-1)
	return cs[start:end], nil
}

// CapturePair returns the two captures to diff. With a zero from it is the two latest captures
// at or before to (the two latest overall when to is zero too); otherwise the ends of
// CaptureWindow(cs, from, to). It fails with ErrNoCapture unless two distinct captures qualify.
func CapturePair(cs []Capture, from, to time.Time) (a, b Capture, err error) {
	w, err := CaptureWindow(cs, from, to)
	if err != nil {
		return a, b, err
	}
	if len(w) < 2 {
		return a, b, fmt.Errorf("%w to compare with %s: it is the only one in the interval",
			snapshot.ErrNoCapture, w[0].Name)
	}
	if from.IsZero() {
		return w[len(w)-2], w[len(w)-1], nil
	}
	return w[0], w[len(w)-1], nil
}

// firstAfter returns the index of the first capture taken after t (len(cs) if none).
func firstAfter(cs []Capture, t time.Time) int {
	return sort.Search(len(cs), func(i int) bool { return cs[i].Time.After(t) })
}

func fmtTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }
