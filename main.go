package main

import (
	"os"
	"runtime/debug"

	"golang.org/x/sys/unix"

	"github.com/procsnap/procsnap/cmd"
)

func main() {
	crashOnFatal()
	os.Exit(int(cmd.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)))
}

// crashOnFatal makes a fatal runtime error (out of memory, a crash) end procsnap by SIGABRT
// (134 in a shell) instead of the runtime's exit status 2, which procsnap gives invalid input:
// a cron job or script must not take an out-of-memory for a bad file. The core dump this would
// allow is turned off (soft RLIMIT_CORE 0, a gigabyte-sized core of an out-of-memory helps no
// one) unless the user asked for crashes with GOTRACEBACK.
func crashOnFatal() {
	if os.Getenv("GOTRACEBACK") == "" {
		var lim unix.Rlimit
		if unix.Getrlimit(unix.RLIMIT_CORE, &lim) == nil {
			lim.Cur = 0
			unix.Setrlimit(unix.RLIMIT_CORE, &lim) //nolint:errcheck // at worst a core is written
		}
	}
	debug.SetTraceback("crash")
}
