package codegen

import (
	"fmt"
	"strconv"
	"strings"
)

// kind is how the codec writes and reads one Go type. The calls it emits are the hand-written
// primitives of the codec's package (yamlWriter's *Line, lists and maps; the leanDecoder's and
// the parse* scalar readers): a new field type needs its primitive there and its kind here.
type kind struct {
	// present is the condition under which yaml.v3 writes the field v under omitempty.
	present func(v string) string
	// write appends the field: line is its first line up to the value ("    ppid: "), or, for a
	// list, its key line ("    children:\n") and item the indentation of its entries.
	write func(line, item, v string) string
	// read sets ref from val (a scalar), or from the lines l that follow the key (a list).
	read func(item, val, ref string) string
	list bool
	// mapping: a list's entries are "key: value" lines, not "- item" lines.
	mapping bool
	// needsOmitempty: without omitempty yaml.v3 writes an empty value as [], {} or null.
	needsOmitempty bool
}

func scalar(writer, conv, parser, present string) *kind {
	return &kind{
		present: func(v string) string { return fmt.Sprintf(present, v) },
		write: func(line, _, v string) string {
			return fmt.Sprintf("w.%s(%s, %s)", writer, strconv.Quote(line), fmt.Sprintf(conv, v))
		},
		read: func(_, val, ref string) string { return fmt.Sprintf("%s(%s, &%s)", parser, val, ref) },
	}
}

func list(writer, reader string, mapping bool) *kind {
	return &kind{
		present: func(v string) string { return "len(" + v + ") > 0" },
		write: func(line, item, v string) string {
			return fmt.Sprintf("w.%s(%s, %s, %s)", writer, strconv.Quote(line), strconv.Quote(item), v)
		},
		read: func(item, _, ref string) string {
			return fmt.Sprintf("d.%s(l, %s, &%s)", reader, strconv.Quote(item), ref)
		},
		list:           true,
		mapping:        mapping,
		needsOmitempty: true,
	}
}

// kinds maps a field's Go type, as written in the model, to its kind.
var kinds = map[string]*kind{
	"int":       scalar("intLine", "int64(%s)", "parseInt", "%s != 0"),
	"int64":     scalar("intLine", "%s", "parseInt64", "%s != 0"),
	"uint64":    scalar("uintLine", "%s", "parseUint", "%s != 0"),
	"bool":      scalar("boolLine", "%s", "parseBool", "%s"),
	"string":    scalar("strLine", "%s", "d.str", `%s != ""`),
	"time.Time": scalar("timeLine", "%s", "parseTime", "!%s.IsZero()"),
	"*uint32": func() *kind {
		k := scalar("uintLine", "uint64(*%s)", "parseUint32Ptr", "%s != nil")
		k.needsOmitempty = true
		return k
	}(),
	"[]int":             list("ints", "ints", false),
	"[]string":          list("strs", "strs", false),
	"map[string]uint64": list("uintMap", "uintMap", true),
	"map[string]string": list("strMap", "strMap", true),
}

// recordsKind is the kind of a []Struct field of the model: each item a record of its own.
var recordsKind = &kind{
	present: func(v string) string { return "len(" + v + ") > 0" },
	list:    true,
}

// indent returns n spaces.
func indent(n int) string { return strings.Repeat(" ", n) }
