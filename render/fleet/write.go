package fleet

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/procsnap/procsnap/diff"
	"github.com/procsnap/procsnap/internal/watch"
	"github.com/procsnap/procsnap/snapshot"
)

// Output formats.
const (
	FormatECS  = "ecs"
	FormatOCSF = "ocsf"
)

// Formats lists the formats this package writes.
var Formats = []string{FormatECS, FormatOCSF}

// IsFormat reports whether format is one of Formats.
func IsFormat(format string) bool { return slices.Contains(Formats, format) }

// ErrFormat marks a format this package does not write.
var ErrFormat = errors.New("not a fleet format (want ecs or ocsf)")

// Datasets (ECS event.dataset, OCSF metadata.log_name).
const (
	DatasetProcesses = "procsnap.processes"
	DatasetEvents    = "procsnap.events"
)

// record is everything one document says, whatever its format.
type record struct {
	h       *Host
	s       *snapshot.Snapshot // the snapshot p is from (nil for a watch event)
	p       proc
	at      time.Time
	dataset string
	message string
	version string
	x       extras
}

func (r *record) doc(format string) any {
	if format == FormatOCSF {
		return ocsfDocOf(r)
	}
	d := ecsProcessDoc(r.h, r.s, r.p, r.at, r.x.Kind, r.dataset)
	d.Message, d.Procsnap = r.message, r.x
	return d
}

// Encoder writes one document a line (NDJSON) in one format.
type Encoder struct {
	w       *bufio.Writer
	enc     *json.Encoder
	format  string
	version string
}

// NewEncoder returns an encoder of format (ecs or ocsf) writing to w; version is procsnap's,
// recorded in OCSF metadata.product.version.
func NewEncoder(w io.Writer, format, version string) (*Encoder, error) {
	if !IsFormat(format) {
		return nil, fmt.Errorf("%w: %q", ErrFormat, format)
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	return &Encoder{w: bw, enc: enc, format: format, version: version}, nil
}

func (e *Encoder) put(r *record) error {
	r.version = e.version
	return e.enc.Encode(r.doc(e.format))
}

// Flush writes what is buffered.
func (e *Encoder) Flush() error { return e.w.Flush() }

// Processes writes one document per process of s, stamped with the time s was taken.
func (e *Encoder) Processes(s *snapshot.Snapshot) error {
	h := HostOf(&s.Header)
	for i := range s.Processes {
		p := &s.Processes[i]
		r := record{h: &h, s: s, p: procOf(p, &h), at: s.Header.TakenAt, dataset: DatasetProcesses,
			x: snapshotExtras(kindSnapshot, p, s)}
		if err := e.put(&r); err != nil {
			return err
		}
	}
	return e.Flush()
}

// Diff writes one document per event of res, the comparison of snapshots a and b. Each event is
// stamped with the time b was taken (it happened after a, by b). The process is described as b
// recorded it, or as a did when it is gone from b.
func (e *Encoder) Diff(a, b *snapshot.Snapshot, res *diff.Result) error {
	h := HostOf(&b.Header)
	for i := range res.Events {
		ev := &res.Events[i]
		s, p := b, find(b, ev.PID)
		if p == nil || p.StartTicks != ev.StartTicks {
			s, p = a, find(a, ev.PID)
		}
		r := record{h: &h, at: b.Header.TakenAt, dataset: DatasetEvents, message: ev.Summary}
		if p != nil && p.StartTicks == ev.StartTicks {
			r.s, r.p, r.x = s, procOf(p, &h), snapshotExtras(ev.Kind, p, s)
		} else {
			r.p = proc{PID: ev.PID, StartTicks: ev.StartTicks, Start: h.startOf(ev.StartTicks), Comm: ev.Comm,
				PPID: ev.PPID, UID: -1, EUID: -1, GID: -1, EGID: -1}
			r.x = extras{Kind: ev.Kind}
		}
		r.x.Event, r.x.Between = ev, between(res.A.TakenAt, res.B.TakenAt)
		r.x.Creator = creatorOf(&h, ev, a, b)
		if err := e.put(&r); err != nil {
			return err
		}
	}
	return e.Flush()
}

// Watch writes one document per watch event, stamped with the time it was seen. h is the host
// watched; a watch keeps no snapshot, so parents and leaders carry only what the event holds.
func (e *Encoder) Watch(h Host, evs []watch.Event) error {
	for i := range evs {
		ev := &evs[i]
		if isWatchStatus(ev.Kind) {
			continue
		}
		p := proc{PID: ev.PID, StartTicks: ev.StartTicks, Start: h.startOf(ev.StartTicks), Comm: ev.Comm,
			Exe: ev.Exe, Args: ev.Cmdline, PPID: ev.PPID, UID: ev.UID, EUID: -1, GID: -1, EGID: -1}
		if ev.Kind == diff.KindExec {
			p.Exe, p.Args = ev.NewExe, ev.NewCmdline
		}
		r := record{h: &h, p: p, at: ev.Time, dataset: DatasetEvents, message: ev.Summary,
			x: extras{Kind: ev.Kind, Event: &ev.Event}}
		if ev.LifetimeNS != 0 || len(ev.Chain) > 0 || ev.Late {
			r.x.Watch = &watchExtras{LifetimeNS: ev.LifetimeNS, Chain: ev.Chain, Late: ev.Late}
		}
		if err := e.put(&r); err != nil {
			return err
		}
	}
	return e.Flush()
}

// isWatchStatus reports whether kind is one of the reports a watch makes about itself
// (running, late, what it saw and missed). They describe no process, so they have no ECS or
// OCSF process document; jsonl and the table carry them.
func isWatchStatus(kind string) bool {
	return kind == watch.KindWatching || kind == watch.KindLate || kind == watch.KindStats
}

// find returns the process with PID pid in s, nil when s is nil or has none.
func find(s *snapshot.Snapshot, pid int) *snapshot.Process {
	if s == nil || pid <= 0 {
		return nil
	}
	return s.Find(pid)
}
