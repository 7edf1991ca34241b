package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"

	snapformat "github.com/procsnap/procsnap/snapshot/format"

	"github.com/procsnap/procsnap/diff"
	"github.com/procsnap/procsnap/diff/explain"
	"github.com/procsnap/procsnap/snapshot"
)

// ExitCode is what procsnap returns to its caller.
type ExitCode int

// Exit codes. They are listed under EXIT STATUS in every command's help and in the README.
const (
	ExitOK          ExitCode = 0   // success
	ExitDifferences ExitCode = 1   // diff --exit-code found events
	ExitUsage       ExitCode = 2   // bad usage, an input file that is missing or not a valid snapshot, or an unsafe output path
	ExitFailure     ExitCode = 3   // /proc could not be read, or output could not be written
	ExitNoProcess   ExitCode = 4   // explain: the PID is not running, or not in the snapshot
	ExitInterrupted ExitCode = 130 // interrupted (SIGINT or SIGTERM)
)

// exitStatusHelp is appended to every command's help.
const exitStatusHelp = `
EXIT STATUS
  0    success
  1    diff --exit-code: differences were found
  2    usage error, an input file that is missing, unreadable or not a valid snapshot, or an
       output path procsnap refuses (a symlink, another user's or a world-writable directory)
  3    /proc could not be read, or the output could not be written
  4    explain: the PID is not running, or not in the snapshot
  130  interrupted (SIGINT or SIGTERM)
  134  killed by SIGABRT: out of memory, or a crash (a bug); stderr says which
`

// usageError marks errors in the command line itself.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usageErrorf(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// inputError marks errors reading a file the user named.
type inputError struct{ err error }

func (e inputError) Error() string { return e.err.Error() }
func (e inputError) Unwrap() error { return e.err }

// errDifferences is returned by diff --exit-code when it found events; it prints nothing.
var errDifferences = errors.New("differences found")

// exitCodeFor is the one place that maps an error to an exit code and a message.
func exitCodeFor(err error, stderr io.Writer) ExitCode {
	var ue usageError
	var ie inputError
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, errDifferences):
		return ExitDifferences
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(stderr, "procsnap: interrupted")
		return ExitInterrupted
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "procsnap: %v\nRun 'procsnap --help' for usage.\n", err)
		return ExitUsage
	case errors.Is(err, explain.ErrNoProcess):
		fmt.Fprintf(stderr, "procsnap: %v\n", err)
		return ExitNoProcess
	case errors.As(err, &ie),
		errors.Is(err, snapshot.ErrInvalid),
		errors.Is(err, snapshot.ErrSchema),
		errors.Is(err, snapshot.ErrTooLarge),
		errors.Is(err, snapshot.ErrUnknownFormat),
		errors.Is(err, snapshot.ErrNoCapture),
		errors.Is(err, snapformat.ErrUnsafePath),
		errors.Is(err, diff.ErrBootMismatch),
		errors.Is(err, diff.ErrPIDNamespaceMismatch):
		fmt.Fprintf(stderr, "procsnap: %v\n", err)
		return ExitUsage
	case errors.Is(err, snapshot.ErrProcUnreadable), errors.Is(err, fs.ErrPermission):
		fmt.Fprintf(stderr, "procsnap: %v\n", err)
		return ExitFailure
	}
	fmt.Fprintf(stderr, "procsnap: %v\n", err)
	return ExitFailure
}
