package cmd

import (
	"context"
	"errors"
	"fmt"
	"os/user"
	"strconv"
	"strings"

	"github.com/procsnap/procsnap/snapshot/proc"

	"github.com/spf13/cobra"

	"github.com/procsnap/procsnap/render"
	"github.com/procsnap/procsnap/snapshot"
)

// viewOptions are the filters and the input shared by tree and ps.
type viewOptions struct {
	pid   int
	users []string
	comms []string
	// noColor is the value of NO_COLOR; RunE reads the environment, tests set it.
	noColor string
	// noKthreads hides kernel threads (tree without --kthreads).
	noKthreads bool
}

func (o *viewOptions) AddFlags(c *cobra.Command) {
	f := c.Flags()
	f.IntVar(&o.pid, "pid", 0, "show only the subtree of `PID` and its ancestors")
	f.StringSliceVar(&o.users, "user", nil, "show only processes of this real `USER` (name or uid; repeatable, comma-separated)")
	f.StringSliceVar(&o.comms, "comm", nil, "show only processes whose comm matches this shell `PATTERN` (repeatable)")
}

// filter resolves user names (through os/user, i.e. this host's /etc/passwd, even for a snapshot
// of another host) and checks the patterns.
func (o *viewOptions) filter() (render.Filter, error) {
	flt := render.Filter{PID: o.pid, Comms: o.comms, NoKthreads: o.noKthreads}
	if o.pid < 0 {
		return flt, usageErrorf("--pid %d: want a positive PID", o.pid)
	}
	for _, u := range o.users {
		uid, err := resolveUser(u)
		if err != nil {
			return flt, err
		}
		flt.UIDs = append(flt.UIDs, uid)
	}
	if err := flt.Validate(); err != nil {
		return flt, usageErrorf("--comm: %w", err)
	}
	return flt, nil
}

func resolveUser(name string) (int, error) {
	if uid, err := strconv.Atoi(name); err == nil && uid >= 0 {
		return uid, nil
	}
	u, err := user.Lookup(name)
	if err != nil {
		if errors.As(err, new(user.UnknownUserError)) {
			return 0, usageErrorf("--user %q: no such user on this host", name)
		}
		return 0, usageErrorf("--user %q: cannot look the user up: %w", name, err)
	}
	uid, err := strconv.Atoi(u.Uid)
	if err != nil {
		return 0, usageErrorf("--user %q: uid %q is not a number", name, u.Uid)
	}
	return uid, nil
}

// readSnapshot loads the snapshot file named in args, or photographs the live system under the
// --proc root when there is none. Kernel stacks are never read (no view shows them); file
// descriptors only when withFDs is set.
func readSnapshot(ctx context.Context, g *globalOptions, args []string, withFDs bool) (*snapshot.Snapshot, error) {
	if len(args) == 1 {
		s, err := g.load(args[0])
		if err != nil {
			return nil, inputError{err}
		}
		return s, nil
	}
	return proc.Take(ctx, proc.TakeOptions{
		Root: g.procRoot, NoFDs: !withFDs, NoStack: true, Version: Version(),
	})
}

// forest builds the tree of s and applies the filters; a --pid absent from s is bad input.
func (o *viewOptions) forest(s *snapshot.Snapshot) (full, shown *render.Forest, err error) {
	flt, err := o.filter()
	if err != nil {
		return nil, nil, err
	}
	full = render.BuildForest(s)
	shown, err = full.Select(flt)
	if err != nil {
		return nil, nil, inputError{err}
	}
	if len(shown.Roots) == 0 && !flt.IsZero() {
		return nil, nil, inputError{fmt.Errorf("%w %s", render.ErrNoMatch, o.describe())}
	}
	return full, shown, nil
}

// describe names the filters as the user gave them.
func (o *viewOptions) describe() string {
	var parts []string
	if o.pid != 0 {
		parts = append(parts, fmt.Sprintf("--pid %d", o.pid))
	}
	for _, u := range o.users {
		parts = append(parts, "--user "+u)
	}
	for _, c := range o.comms {
		parts = append(parts, "--comm "+c)
	}
	return strings.Join(parts, " and ")
}
