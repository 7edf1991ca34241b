package render

import (
	"bufio"
	"bytes"
	"io"
	"strings"

	"github.com/olekukonko/tablewriter/pkg/twwidth"
	"golang.org/x/sys/unix"
)

// TableOptions shape the human tables of diff, log and ps.
type TableOptions struct {
	// Width is the terminal's width in columns. 0 means unlimited (a pipe, a file, or --wide):
	// nothing is cut.
	Width int
	// NoHeaders leaves out the header lines of tables.
	NoHeaders bool
	// All shows every descriptor event instead of folding them per process (diff, log).
	All bool
	// MaxPerKind, when not 0, lists at most this many findings of each kind that need not all
	// be named on the first screen (zombies new since A, fd leaks, PID reuse, stopped, traced),
	// then a line saying how many more there are. Daemons, reparented processes and parents not
	// reaping are always all listed.
	MaxPerKind int
	// Height is the terminal's height in lines (0: unknown). With MaxPerKind, fewer findings
	// of the capped kinds are listed when that keeps the summary on the first screen.
	Height int

	// clock shows a timeline's capture times as times of day (15:04:05.000): set on a terminal
	// when every capture is of one UTC day, which the last line names.
	clock bool
}

// CutMarker ends a cell that was cut to fit the terminal.
const CutMarker = "…"

// columnGap separates columns, as in ps.
const columnGap = 2

// minFlex is the least width the flexible (last) column is cut to before others are.
const minFlex = 20

// minCell is the least width any other column is cut to: numbers (PIDs, uids, counts) are
// narrower and never cut.
const minCell = 8

// TermHeight returns the height of the terminal w is open on, or 0 when w is not a terminal.
func TermHeight(w io.Writer) int {
	f, ok := w.(interface{ Fd() uintptr })
	if !ok || !IsTerminal(w) {
		return 0
	}
	ws, err := unix.IoctlGetWinsize(int(f.Fd()), unix.TIOCGWINSZ)
	if err != nil {
		return 0
	}
	return int(ws.Row)
}

// TermWidth returns the width of the terminal w is open on, or 0 when w is not a terminal.
// columns, the value of $COLUMNS, overrides the terminal's own width when it is a number (as
// in ps).
func TermWidth(w io.Writer, columns string) int {
	f, ok := w.(interface{ Fd() uintptr })
	if !ok || !IsTerminal(w) {
		return 0
	}
	if n := atoiPositive(columns); n > 0 {
		return n
	}
	ws, err := unix.IoctlGetWinsize(int(f.Fd()), unix.TIOCGWINSZ)
	if err != nil || ws.Col == 0 {
		return 0
	}
	return int(ws.Col)
}

func atoiPositive(s string) int {
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' || n > 1<<20 {
			return 0
		}
		n = n*10 + int(r-'0')
	}
	return n
}

// fitColumns returns the width of each column so that the rows fit in width: the last column
// shrinks first (to minFlex), then the widest of the others, one cell at a time (to minCell),
// then the last again (to minCell).
// width 0 keeps every natural width.
func fitColumns(header []string, rows [][]string, width, gap int) []int {
	n := len(header)
	ws := make([]int, n)
	for i, h := range header {
		ws[i] = displayWidth(h)
	}
	for _, r := range rows {
		for i := 0; i < n && i < len(r); i++ {
			ws[i] = max(ws[i], displayWidth(r[i]))
		}
	}
	if width <= 0 || n == 0 {
		return ws
	}
	total := func() int {
		t := gap * (n - 1)
		for _, x := range ws {
			t += x
		}
		return t
	}
	if over := total() - width; over > 0 {
		ws[n-1] = max(min(ws[n-1], minFlex), ws[n-1]-over)
	}
	for total() > width {
		widest := -1
		for i := 0; i < n-1; i++ {
			if ws[i] > minCell && (widest < 0 || ws[i] > ws[widest]) {
				widest = i
			}
		}
		if widest < 0 {
			break
		}
		ws[widest]--
	}
	if over := total() - width; over > 0 { // the others are at their least: cut the last more
		ws[n-1] = max(minCell, ws[n-1]-over)
	}
	return ws
}

// naturalWidth is the width of the rows uncut, columns gap apart.
func naturalWidth(header []string, rows [][]string, gap int) int {
	t := gap * (len(header) - 1)
	for _, x := range fitColumns(header, rows, 0, gap) {
		t += x
	}
	return t
}

// cut shortens s to width display columns, ending it with CutMarker when it was cut.
func cut(s string, width int) string {
	if displayWidth(s) <= width {
		return s
	}
	if width <= 1 {
		return CutMarker
	}
	return twwidth.Truncate(s, width-1) + CutMarker
}

// plainTable writes rows as left-aligned columns two spaces apart (one when they must be cut to
// fit, as ps does), cut to o.Width (see fitColumns), without trailing blanks, with the header
// unless o.NoHeaders.
func plainTable(w io.Writer, header []string, rows [][]string, o TableOptions) error {
	gap := columnGap
	if o.Width > 0 && naturalWidth(header, rows, gap) > o.Width {
		gap = 1 // as ps separates columns when the terminal is narrow
	}
	ws := fitColumns(header, rows, o.Width, gap)
	fit := func(r []string) []string {
		out := make([]string, len(header))
		for i := range out {
			if i < len(r) {
				out[i] = cut(r[i], ws[i])
			}
		}
		return out
	}
	cells := make([][]string, 0, len(rows)+1)
	if !o.NoHeaders {
		cells = append(cells, fit(header))
	}
	for _, r := range rows {
		cells = append(cells, fit(r))
	}
	// Each column is as wide as its widest cell as cut; the cells are written one line at a
	// time, padded with blanks, so the output costs what it holds (a table library buffered the
	// whole table in several copies).
	colw := make([]int, len(header))
	for _, r := range cells {
		for i, c := range r {
			colw[i] = max(colw[i], displayWidth(c))
		}
	}
	bw := bufio.NewWriter(w)
	var line []byte
	for _, r := range cells {
		line = line[:0]
		for i, c := range r {
			line = append(line, c...)
			if i < len(r)-1 {
				line = append(line, strings.Repeat(" ", colw[i]-displayWidth(c)+gap)...)
			}
		}
		line = bytes.TrimRight(line, " ")
		if o.Width > 0 && displayWidth(string(line)) > o.Width {
			// Even at their least the columns are wider than the terminal (ps's twelve on 40
			// columns): cut the line, as ps does, rather than let it wrap.
			line = []byte(cut(string(line), o.Width))
		}
		bw.Write(line)
		if err := bw.WriteByte('\n'); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// wrapList writes "prefix item, item, ..." word-wrapped at width (0: one line), continuation
// lines indented by two spaces, a word wider than the line cut; it returns the lines written.
func wrapList(w io.Writer, prefix string, items []string, width int) int {
	if width <= 0 {
		io.WriteString(w, prefix+strings.Join(items, ", ")+"\n")
		return 1
	}
	// An item that fits on a line is not broken ("74 fd_leaked" stays together).
	glued := make([]string, len(items))
	for i, it := range items {
		if displayWidth(it) < width-2 {
			it = strings.ReplaceAll(it, " ", "\x00")
		}
		glued[i] = it
	}
	text := prefix + strings.Join(glued, ", ")
	lines, line := 0, ""
	for _, word := range strings.Split(text, " ") {
		word = strings.ReplaceAll(word, "\x00", " ")
		if line != "" && strings.TrimSpace(line) != "" && displayWidth(line)+1+displayWidth(word) > width {
			io.WriteString(w, cut(line, width)+"\n")
			lines++
			line = "  " + word
			continue
		}
		if line == "" {
			line = word
		} else {
			line += " " + word
		}
	}
	io.WriteString(w, cut(line, width)+"\n")
	return lines + 1
}

// displayWidth is twwidth.Width with a fast path for printable ASCII, one column per byte:
// twwidth strips escape sequences into a copy and caches every string it measures, which
// made a huge command line cost a copy per measurement.
func displayWidth(s string) int {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return twwidth.Width(s)
		}
	}
	return len(s)
}
