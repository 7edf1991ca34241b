// Command genman writes procsnap's man pages, one per command, from the commands' own help
// (cobra/doc), into the directory given as its only argument. make install runs it.
package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra/doc"

	"github.com/procsnap/procsnap/cmd"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: genman DIR")
		os.Exit(2)
	}
	root := cmd.Root()
	root.DisableAutoGenTag = true
	header := &doc.GenManHeader{Title: "PROCSNAP", Section: "1", Source: "procsnap " + cmd.Version(), Manual: "procsnap manual"}
	if err := os.MkdirAll(os.Args[1], 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "genman:", err)
		os.Exit(1)
	}
	if err := doc.GenManTree(root, header, os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "genman:", err)
		os.Exit(1)
	}
}
