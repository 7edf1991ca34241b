package codegen

import "fmt"

// jsonKind is how the JSON writer appends one Go type. value and present are format strings of
// the field's expression: the call that appends its value, and the condition under which
// encoding/json writes it under omitempty ("" when it always does). The calls are the
// hand-written primitives of jsonAppender in the codec's package.
type jsonKind struct {
	value, present string
	// fallible: value is a bool, false where encoding/json fails (time.Time.MarshalJSON
	// refuses a year outside 0-9999).
	fallible bool
	// nilable: encoding/json writes a nil value as null, which the writer does not write.
	nilable bool
}

// jsonKinds maps a field's Go type, as written in the model, to its kind.
var jsonKinds = map[string]*jsonKind{
	"int":    {value: "a.int(int64(%s))", present: "%s != 0"},
	"int64":  {value: "a.int(%s)", present: "%s != 0"},
	"uint64": {value: "a.uint(%s)", present: "%s != 0"},
	"bool":   {value: "a.boolean(%s)", present: "%s"},
	"string": {value: "a.str(%s)", present: `%s != ""`},
	// omitempty never omits a struct, so a time.Time is always written.
	"time.Time":         {value: "a.time(%s)", fallible: true},
	"*uint32":           {value: "a.uint(uint64(*%s))", present: "%s != nil", nilable: true},
	"[]int":             {value: "a.ints(%s)", present: "len(%s) > 0", nilable: true},
	"[]string":          {value: "a.strs(%s)", present: "len(%s) > 0", nilable: true},
	"map[string]uint64": {value: "jsonMap(a, %s, a.uint)", present: "len(%s) > 0", nilable: true},
	"map[string]string": {value: "jsonMap(a, %s, a.str)", present: "len(%s) > 0", nilable: true},
}

// recordsJSONKind is the kind of a []Struct field: an array of objects.
var recordsJSONKind = &jsonKind{present: "len(%s) > 0", nilable: true}

// jsonCodec writes, for each record, a jsonAppender method that appends its members as
// encoding/json writes them (the braces are the caller's, so that jsonl can add members of its
// own to the root's object).
func jsonCodec(g *gen, recs []*record) error {
	fallible := map[*record]bool{}
	for i := len(recs) - 1; i >= 0; i-- { // depth first: a record's records come after it
		r := recs[i]
		seen := map[string]bool{}
		for _, f := range r.fields {
			k, err := jsonKindOf(r, f)
			if err != nil {
				return err
			}
			if seen[f.key] {
				return fmt.Errorf("codegen: %s.%s: json name %q is used twice (encoding/json would drop both)", r.typ, f.goName, f.key)
			}
			seen[f.key] = true
			fallible[r] = fallible[r] || k.fallible || f.elem != nil && fallible[f.elem]
		}
	}
	for i, r := range recs {
		g.jsonRecord(r, i == 0 || fallible[r], fallible)
	}
	return nil
}

// jsonKindOf returns the kind of f, or an error naming it when the writer cannot write it as
// encoding/json does.
func jsonKindOf(r *record, f *field) (*jsonKind, error) {
	k := jsonKinds[f.typ]
	if f.elem != nil {
		k = recordsJSONKind
	}
	switch {
	case k == nil:
		return nil, fmt.Errorf("codegen: %s.%s: the JSON writer has no writer for %s (add one to jsonKinds in internal/codegen)",
			r.typ, f.goName, f.typ)
	case k.nilable && !f.omitempty:
		return nil, fmt.Errorf("codegen: %s.%s: a %s without omitempty is written by encoding/json as null when nil, which the writer does not write; add omitempty",
			r.typ, f.goName, f.typ)
	case !plainJSONName(f.key):
		return nil, fmt.Errorf("codegen: %s.%s: json name %q needs escaping or is not one encoding/json accepts; use letters, digits, '_', '-' and '.'",
			r.typ, f.goName, f.key)
	}
	return k, nil
}

// plainJSONName reports whether encoding/json writes name as it is, quoted, whatever its
// escaping settings.
func plainJSONName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// jsonRecord emits <fn>Members, which appends r's members; it returns a bool, false where
// encoding/json fails, when ret is set.
func (g *gen) jsonRecord(r *record, ret bool, fallible map[*record]bool) {
	typ := g.qual + r.typ
	g.printf("\n// %sMembers appends the members of r as encoding/json writes them: the json names in the\n", r.fn)
	g.printf("// model's order, omitempty as encoding/json decides it.")
	result := ""
	if ret {
		g.printf(" It returns false when encoding/json\n// would fail.")
		result = " bool"
	}
	g.printf("\nfunc (a *jsonAppender) %sMembers(r *%s)%s {\n", r.fn, typ, result)
	for _, f := range r.fields {
		k, _ := jsonKindOf(r, f) // checked by jsonCodec
		v := "r." + f.goName
		cond := ""
		if f.omitempty {
			cond = k.present
		}
		if cond != "" {
			g.printf("\tif %s {\n", fmt.Sprintf(cond, v))
		}
		g.printf("\ta.key(%q)\n", f.key)
		switch {
		case f.elem != nil:
			g.printf("\ta.open('[')\n\tfor i := range %s {\n\t\ta.elem()\n\t\ta.open('{')\n", v)
			if fallible[f.elem] {
				g.printf("\t\tif !a.%sMembers(&%s[i]) {\n\t\t\treturn false\n\t\t}\n", f.elem.fn, v)
			} else {
				g.printf("\t\ta.%sMembers(&%s[i])\n", f.elem.fn, v)
			}
			g.printf("\t\ta.close('}')\n\t}\n\ta.close(']')\n")
		case k.fallible:
			g.printf("\tif !%s {\n\t\treturn false\n\t}\n", fmt.Sprintf(k.value, v))
		default:
			g.printf("\t%s\n", fmt.Sprintf(k.value, v))
		}
		if cond != "" {
			g.printf("\t}\n")
		}
	}
	if ret {
		g.printf("\treturn true\n")
	}
	g.printf("}\n")
}
