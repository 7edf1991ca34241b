package explain

import (
	"os"
	"strconv"
	"testing"

	"golang.org/x/sys/unix"
)

// TestMain marks every descriptor the test binary inherited above stderr close-on-exec: a
// caller's leaked fd (a CI runner's, a shell's) would otherwise reach every staged process and
// be evidence the tests did not stage.
func TestMain(m *testing.M) {
	if entries, err := os.ReadDir("/proc/self/fd"); err == nil {
		for _, e := range entries {
			if fd, err := strconv.Atoi(e.Name()); err == nil && fd > 2 {
				_, _ = unix.FcntlInt(uintptr(fd), unix.F_SETFD, unix.FD_CLOEXEC)
			}
		}
	}
	os.Exit(m.Run())
}
