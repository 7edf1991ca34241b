package proc

import (
	"errors"
	"fmt"
	"github.com/procsnap/procsnap/snapshot"
	"io/fs"
	"syscall"
)

// reasonOf classifies a read error into one of the Reason constants.
func reasonOf(err error) string {
	switch {
	case err == nil:
		return ""
	case isVanished(err):
		return snapshot.ReasonVanished
	case errors.Is(err, fs.ErrPermission):
		return snapshot.ReasonPermissionDenied
	case errors.Is(err, syscall.EINVAL), errors.Is(err, syscall.ENOTSUP), errors.Is(err, syscall.ENOSYS):
		return snapshot.ReasonNotSupported
	case errors.Is(err, errNeedsCapSysAdmin):
		return snapshot.ReasonNeedsCapSysAdmin
	case errors.Is(err, errMalformed):
		return snapshot.ReasonMalformed
	case errors.Is(err, errAbsent):
		return snapshot.ReasonAbsent
	}
	return snapshot.ReasonError
}

// isVanished reports whether err means the process is gone: ENOENT, or ESRCH from a read
// of a process that exited after open (errors.Is(ESRCH, fs.ErrNotExist) is false).
func isVanished(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ESRCH)
}

var errMalformed = errors.New("malformed")

// errAbsent marks a file that does not exist although its process (or fd) does.
var errAbsent = errors.New("absent")

func errMalformedf(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errMalformed}, args...)...)
}
