package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

// errSomeInvalid is returned by validate when at least one file failed; the failures are already
// printed, one per line.
var errSomeInvalid = errors.New("some snapshot files are invalid")

func newValidateCommand(g *globalOptions, io IO) *cobra.Command {
	return &cobra.Command{
		Use:   "validate FILE...",
		Short: "Check that snapshot files load: schema, shape, numbers, counts, not truncated",
		Long: `Load each snapshot file as every other command would and print "FILE: ok" or the one-line
reason it cannot be used (truncated, wrong schema version, duplicate pids, absurd numbers, ...).
Every file is checked even when an earlier one fails. Exit status 2 if any file is invalid.`,
		Example: `  procsnap validate before.yaml after.yaml.gz`,
		Args:    cobra.MinimumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return runValidate(c.Context(), g, args, io.Out)
		},
	}
}

func runValidate(ctx context.Context, g *globalOptions, files []string, out io.Writer) error {
	bad := 0
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		line := f + ": ok"
		if err := g.check(f); err != nil {
			bad++
			line = err.Error() // names the file
		}
		if _, err := fmt.Fprintln(out, line); err != nil {
			return err
		}
	}
	if bad > 0 {
		return inputError{fmt.Errorf("%w: %d of %d", errSomeInvalid, bad, len(files))}
	}
	return nil
}
