package main

import (
	"os"

	"github.com/procsnap/procsnap/cmd"
)

func main() {
	os.Exit(int(cmd.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)))
}
