package render

import (
	"io"

	"golang.org/x/sys/unix"
)

// Style says how text is decorated.
type Style struct {
	// Color turns on ANSI colours.
	Color bool
}

// ANSI SGR sequences used by the text writers.
const (
	sgrReset  = "\x1b[0m"
	sgrBold   = "\x1b[1m"
	sgrFaint  = "\x1b[2m"
	sgrRed    = "\x1b[31m"
	sgrGreen  = "\x1b[32m"
	sgrYellow = "\x1b[33m"
)

func (st Style) paint(sgr, s string) string {
	if !st.Color || sgr == "" || s == "" {
		return s
	}
	return sgr + s + sgrReset
}

// AutoStyle returns the style for w: colour only when w is a terminal and noColor, the value of
// the NO_COLOR environment variable, is empty (https://no-color.org: any non-empty value turns
// colour off). Terminals are detected with the TCGETS ioctl (golang.org/x/sys/unix).
func AutoStyle(w io.Writer, noColor string) Style {
	return Style{Color: noColor == "" && IsTerminal(w)}
}

// IsTerminal reports whether w is a file descriptor open on a terminal.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(interface{ Fd() uintptr })
	if !ok {
		return false
	}
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}
