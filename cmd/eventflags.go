package cmd

import (
	"slices"
	"strings"

	"github.com/procsnap/procsnap/diff"
)

// validateEventFlags checks the --format, --kind and --pid flags shared by the commands that
// print diff events (diff, log).
func validateEventFlags(format string, formats, kinds []string, pids []int) error {
	if !slices.Contains(formats, format) {
		return usageErrorf("--format %q: want one of %s", format, strings.Join(formats, ", "))
	}
	for _, k := range kinds {
		if !diff.ValidKind(k) {
			return usageErrorf("--kind %q: want one of %s", k, strings.Join(diff.Kinds, ", "))
		}
	}
	for _, p := range pids {
		if p <= 0 {
			return usageErrorf("--pid %d: want a positive PID", p)
		}
	}
	return nil
}
