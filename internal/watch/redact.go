package watch

import (
	"github.com/procsnap/procsnap/diff"
	"github.com/procsnap/procsnap/snapshot"
)

// Redact removes secrets from events as r removes them from a snapshot: the built-in rules and
// the user's patterns on every command line (the process's, before and after an exec, and the
// creation chain's), the user's patterns on comm and exe. It changes evs in place.
func Redact(r *snapshot.Redactor, evs []Event) {
	for i := range evs {
		e := &evs[i]
		e.Cmdline = r.Cmdline(e.Cmdline)
		e.OldCmdline = r.Cmdline(e.OldCmdline)
		e.NewCmdline = r.Cmdline(e.NewCmdline)
		e.Comm, e.OldComm, e.NewComm = r.Field(e.Comm), r.Field(e.OldComm), r.Field(e.NewComm)
		e.Exe, e.OldExe, e.NewExe = r.Field(e.Exe), r.Field(e.OldExe), r.Field(e.NewExe)
		for j := range e.Chain {
			e.Chain[j].Cmdline = r.Cmdline(e.Chain[j].Cmdline)
			e.Chain[j].Comm = r.Field(e.Chain[j].Comm)
		}
		for _, ref := range []*diff.Ref{e.OldParent, e.Adopter, e.Tracer, e.From, e.ReapedBy} {
			if ref != nil {
				ref.Comm = r.Field(ref.Comm)
			}
		}
	}
}
