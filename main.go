// Command procsnap photographs a Linux host's processes from /proc and explains what changed
// between two photographs.
package main

import (
	"os"

	"github.com/procsnap/procsnap/cmd"
)

func main() {
	os.Exit(int(cmd.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)))
}
