package render

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/procsnap/procsnap/diff/explain"
	"github.com/procsnap/procsnap/snapshot"
)

// ExplainFormats lists the formats Explain accepts.
var ExplainFormats = []string{"text", FormatJSON, FormatYAML}

// pageWidth is the width of the explain page: an 80-column terminal.
const pageWidth = 80

// minPageWidth is the narrowest page ExplainWidth wraps to: the labels take 14 columns.
const minPageWidth = 30

// Explain writes r to w as an 80-column page ("text"), or as JSON or YAML.
func Explain(w io.Writer, r *explain.Report, format string) error {
	return ExplainWidth(w, r, format, pageWidth)
}

// ExplainWidth writes r as Explain does, the text page wrapped to width columns: a terminal
// narrower than 80 columns (at least minPageWidth; 0 or wider: 80).
func ExplainWidth(w io.Writer, r *explain.Report, format string, width int) error {
	if width <= 0 || width > pageWidth {
		width = pageWidth
	}
	width = max(width, minPageWidth)
	bw := bufio.NewWriterSize(w, 32<<10)
	var err error
	switch format {
	case "text", "":
		err = explainPage(bw, r, width)
	case FormatJSON:
		enc := json.NewEncoder(bw)
		enc.SetIndent("", "  ")
		err = enc.Encode(r)
	case FormatYAML:
		enc := yaml.NewEncoder(bw)
		enc.SetIndent(2)
		if err = enc.Encode(r); err == nil {
			err = enc.Close()
		}
	default:
		return fmt.Errorf("%w: %q (want text, json or yaml)", snapshot.ErrUnknownFormat, format)
	}
	if err != nil {
		return err
	}
	return bw.Flush()
}

// page writes labelled, wrapped lines; the first write error sticks.
type page struct {
	w     io.Writer
	err   error
	width int
}

func (pg *page) printf(format string, args ...any) {
	if pg.err == nil {
		_, pg.err = fmt.Fprintf(pg.w, format, args...)
	}
}

// head starts a section.
func (pg *page) head(title string) { pg.printf("\n%s\n", title) }

// field writes "  label  value", the value wrapped under itself at the page width.
func (pg *page) field(label, value string) {
	indent := 14
	if strings.HasPrefix(value, "- ") {
		indent += 2 // a list item hangs under its text
	}
	lines := wrap(clean(value), pg.width-indent)
	for i, l := range lines {
		if i == 0 {
			pg.printf("  %-11s %s\n", label, l)
			continue
		}
		pg.printf("%s%s\n", strings.Repeat(" ", indent), l)
	}
}

// wrap breaks s into lines of at most width runes, at spaces when it can.
func wrap(s string, width int) []string {
	var out []string
	for {
		r := []rune(s)
		if len(r) <= width {
			return append(out, s)
		}
		cut := width
		if i := strings.LastIndexByte(string(r[:width+1]), ' '); i > 0 && len([]rune(string(r[:width+1])[:i])) > width/3 {
			cut = len([]rune(string(r[:width+1])[:i]))
		}
		out = append(out, strings.TrimRight(string(r[:cut]), " "))
		s = strings.TrimLeft(string(r[cut:]), " ")
	}
}

func name(p *explain.Proc) string {
	if p == nil {
		return "none"
	}
	s := fmt.Sprintf("%d", p.PID)
	if p.Comm != "" {
		s += " (" + p.Comm + ")"
	}
	if p.Gone {
		s += ", gone"
	}
	return s
}

func ago(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%dd%02dh", int(d.Hours())/24, int(d.Hours())%24)
}

func explainPage(w io.Writer, r *explain.Report, width int) error {
	pg := &page{w: w, width: width}
	src := "live"
	if !r.Source.Live {
		src = "snapshot " + r.Source.File
	}
	if r.Source.Captures > 0 {
		src += fmt.Sprintf(", %d captures", r.Source.Captures)
	}
	if r.Source.Record != "" {
		src += ", recording " + r.Source.Record
	}
	pg.printf("procsnap explain %d (%s)\n", r.Identity.PID, clean(r.Identity.Comm))
	for _, l := range wrap(clean(fmt.Sprintf("%s on %s at %s", src, r.Source.Hostname,
		r.Source.TakenAt.UTC().Format("2006-01-02 15:04:05Z"))), pg.width) {
		pg.printf("%s\n", l)
	}
	if r.Source.TakerUID != 0 {
		pg.printf("read as uid %d: what other users own may be hidden (see \"not seen\")\n", r.Source.TakerUID)
	}
	pageIdentity(pg, &r.Identity)
	pageStanding(pg, &r.Standing)
	pageLineage(pg, &r.Lineage)
	pageFDs(pg, &r.Descriptors)
	pageChildren(pg, &r.Children)
	if r.History != nil {
		pageHistory(pg, r.History)
	}
	return pg.err
}

func (pg *page) gaps(g []explain.Gap) {
	for _, x := range g {
		pg.field("not seen", x.What+": "+x.Reason)
	}
}
