package cmd

import (
	"io"

	"github.com/spf13/pflag"

	"github.com/procsnap/procsnap/render"
)

// firstScreenPerKind is how many findings of a kind that need not all be named (fd leaks, PID
// reuse, stopped, traced, new zombies) a terminal shows before "… and N more".
const firstScreenPerKind = 3

// tableFlags are the flags of the commands that print tables (diff, log, ps).
type tableFlags struct {
	wide      bool
	noHeaders bool
	// columns is the value of COLUMNS; RunE reads the environment, tests set it.
	columns string
}

func (o *tableFlags) AddFlags(f *pflag.FlagSet) {
	f.BoolVarP(&o.wide, "wide", "w", false, "do not cut long text to the terminal's width")
	f.BoolVar(&o.noHeaders, "no-headers", false, "leave out the header line of tables")
}

// options sizes tables to the terminal out is open on ($COLUMNS overrides its width) and caps
// the findings a terminal lists per kind; on a pipe or a file nothing is cut or capped, and
// --wide cuts nothing.
func (o *tableFlags) options(out io.Writer) render.TableOptions {
	t := render.TableOptions{NoHeaders: o.noHeaders}
	if !o.wide {
		t.Width = render.TermWidth(out, o.columns)
	}
	if render.IsTerminal(out) {
		t.MaxPerKind, t.Height = firstScreenPerKind, render.TermHeight(out)
	}
	return t
}
