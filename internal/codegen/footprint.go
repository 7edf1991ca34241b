package codegen

import "fmt"

// footprintKinds maps a field's Go type, as written in the model, to the expression of the
// memory it holds beyond the struct itself (a format string of the field's expression; "" for
// none). The calls are hand-written primitives in the codec's package.
var footprintKinds = map[string]string{
	"int":               "",
	"int64":             "",
	"uint64":            "",
	"bool":              "",
	"time.Time":         "",
	"string":            "len(%s)",
	"*uint32":           "ptrFootprint(%s)",
	"[]int":             "intsFootprint(%s)",
	"[]string":          "strsFootprint(%s)",
	"map[string]uint64": "uintMapFootprint(%s)",
	"map[string]string": "strMapFootprint(%s)",
}

// footprintCodec writes, for each record, <fn>Size, the size of its struct, and <fn>Footprint:
// the bytes of memory a decoded record holds beyond it (the strings, slices and maps it points
// to, its own records), which the readers weigh against the bytes of input they read. A string
// shared between records is counted in each.
func footprintCodec(g *gen, recs []*record) error {
	for _, r := range recs {
		for _, f := range r.fields {
			if _, ok := footprintKinds[f.typ]; !ok && f.elem == nil {
				return fmt.Errorf("codegen: %s.%s: no footprint for %s (add one to footprintKinds in internal/codegen)",
					r.typ, f.goName, f.typ)
			}
		}
	}
	for _, r := range recs {
		typ := g.qual + r.typ
		g.printf("\n// %sSize is the size of a %s struct.\nvar %sSize = int(reflect.TypeFor[%s]().Size())\n", r.fn, r.typ, r.fn, typ)
		g.printf("\n// %sFootprint returns the bytes of memory r holds beyond its own struct.\nfunc %sFootprint(r *%s) int {\n\tn := 0\n",
			r.fn, r.fn, typ)
		for _, f := range r.fields {
			v := "r." + f.goName
			switch {
			case f.elem != nil:
				g.printf("\tn += cap(%s) * %sSize\n\tfor i := range %s {\n\t\tn += %sFootprint(&%s[i])\n\t}\n",
					v, f.elem.fn, v, f.elem.fn, v)
			case footprintKinds[f.typ] != "":
				g.printf("\tn += %s\n", fmt.Sprintf(footprintKinds[f.typ], v))
			}
		}
		g.printf("\treturn n\n}\n")
	}
	return nil
}
