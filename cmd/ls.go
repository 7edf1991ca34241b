package cmd

import (
	"context"
	"io"
	"os"

	"github.com/procsnap/procsnap/snapshot/capture"

	"github.com/spf13/cobra"

	"github.com/procsnap/procsnap/render"
)

type lsOptions struct {
	host  string
	table tableFlags
}

func (o *lsOptions) AddFlags(c *cobra.Command) {
	c.Flags().StringVar(&o.host, "host", "", "list only the captures of `HOST`")
	o.table.AddFlags(c.Flags())
}

func newLsCommand(io IO) *cobra.Command {
	o := &lsOptions{}
	c := &cobra.Command{
		Use:   "ls DIR",
		Short: "List the captures in a capture directory",
		Long: `List the captures that 'procsnap take --dir DIR' wrote, oldest first: capture time (UTC),
host, boot id, process and zombie counts, and file size. Only the header of each file is read,
so ls is fast on large directories; a file whose header cannot be read is listed with the
reason. Files not named like captures (and temporary files of captures in progress) are not
listed. On a terminal, lines are cut to its width with "…" ($COLUMNS overrides it); -w/--wide
cuts nothing, and nothing is cut on a pipe or in a file.`,
		Example: `  procsnap ls /var/lib/procsnap
  procsnap ls /var/lib/procsnap --host web-1`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			o.table.columns = os.Getenv("COLUMNS")
			return runLs(c.Context(), o, args[0], io.Out)
		},
	}
	o.AddFlags(c)
	return c
}

func runLs(_ context.Context, o *lsOptions, dir string, out io.Writer) error {
	cs, err := capture.ListCaptures(dir)
	if err != nil {
		return inputError{err}
	}
	if o.host != "" {
		cs = capture.FilterHost(cs, o.host)
	}
	return render.CaptureTable(out, capture.DescribeCaptures(cs), o.table.options(out))
}
