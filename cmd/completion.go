package cmd

import (
	"slices"
	"strings"

	snapformat "github.com/procsnap/procsnap/snapshot/format"

	"github.com/spf13/cobra"

	"github.com/procsnap/procsnap/diff"
	"github.com/procsnap/procsnap/render"
	"github.com/procsnap/procsnap/render/fleet"
)

// formatValues lists what --format takes, per command, for shell completion.
func formatValues(command string) []string {
	switch command {
	case "take":
		return slices.Concat([]string{snapformat.FormatYAML, snapformat.FormatJSON, snapformat.FormatJSONL}, fleet.Formats)
	case "diff":
		return diffFormats()
	case "log":
		return logFormats()
	case "ps":
		return []string{"table", "json", "yaml"}
	case "tree":
		return []string{"text", "json"}
	case "watch":
		return watchFormats()
	}
	return nil
}

// registerCompletions gives the shells (procsnap completion bash|zsh|fish) the values of
// --format, --kind and --columns.
func registerCompletions(root *cobra.Command) {
	columns := make([]string, 0, len(render.Columns)+1)
	for _, c := range render.Columns {
		columns = append(columns, c.Name)
	}
	columns = append(columns, "all")
	for _, c := range root.Commands() {
		if vals := formatValues(c.Name()); vals != nil && c.Flags().Lookup("format") != nil {
			_ = c.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(vals, cobra.ShellCompDirectiveNoFileComp))
		}
		if c.Flags().Lookup("kind") != nil {
			_ = c.RegisterFlagCompletionFunc("kind", commaList(diff.Kinds))
		}
		for _, name := range []string{"columns", "sort"} {
			if c.Flags().Lookup(name) != nil {
				_ = c.RegisterFlagCompletionFunc(name, commaList(columns))
			}
		}
	}
}

// commaList completes the last item of a comma-separated list.
func commaList(values []string) cobra.CompletionFunc {
	return func(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		prefix := ""
		if i := strings.LastIndexByte(toComplete, ','); i >= 0 {
			prefix = toComplete[:i+1]
		}
		out := make([]string, 0, len(values))
		for _, v := range values {
			if strings.HasPrefix(prefix+v, toComplete) {
				out = append(out, prefix+v)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
	}
}
