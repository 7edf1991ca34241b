package cmd

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/procsnap/procsnap/snapshot"
)

func newVersionCommand(io IO) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print procsnap's version and the snapshot schema it writes",
		RunE: func(*cobra.Command, []string) error {
			_, err := fmt.Fprintf(io.Out, "procsnap %s (schema %s, %s)\n", Version(), snapshot.Schema, runtime.Version())
			return err
		},
	}
}
