package fleet

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
	"testing"
)

// ecsField is one definition of testdata/schema/ecs_subset.yml.
type ecsField struct {
	Type  string `yaml:"type"`
	Array bool   `yaml:"array"`
}

type ecsSchema struct {
	Version string              `yaml:"ecs_version"`
	Fields  map[string]ecsField `yaml:"fields"`
}

func loadECS(tb testing.TB) *ecsSchema {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "schema", "ecs_subset.yml"))
	if err != nil {
		tb.Fatal(err)
	}
	var s ecsSchema
	if err := yaml.Unmarshal(data, &s); err != nil {
		tb.Fatal(err)
	}
	if len(s.Fields) < 20 {
		tb.Fatalf("ecs_subset.yml: only %d fields", len(s.Fields))
	}
	return &s
}

// decode parses one NDJSON line keeping numbers as json.Number.
func decode(line []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	return m, nil
}

// checkECS returns every problem of doc against s: a field ECS does not define (outside the
// procsnap.* namespace), a value of the wrong type, an array where ECS has none and the
// other way round.
func checkECS(s *ecsSchema, doc map[string]any) []string {
	var errs []string
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		if prefix == "procsnap" || strings.HasPrefix(prefix, "procsnap.") {
			return
		}
		if m, ok := v.(map[string]any); ok {
			if _, leaf := s.Fields[prefix]; !leaf {
				for k, sub := range m {
					walk(strings.TrimPrefix(prefix+"."+k, "."), sub)
				}
				return
			}
		}
		f, ok := s.Fields[prefix]
		if !ok {
			errs = append(errs, prefix+": not an ECS field")
			return
		}
		arr, isArr := v.([]any)
		if isArr != f.Array {
			errs = append(errs, fmt.Sprintf("%s: array %v, ECS says %v", prefix, isArr, f.Array))
		}
		if !isArr {
			arr = []any{v}
		}
		for _, e := range arr {
			if err := ecsType(f.Type, e); err != "" {
				errs = append(errs, prefix+": "+err)
			}
		}
	}
	walk("", doc)
	sort.Strings(errs)
	return errs
}

func ecsType(typ string, v any) string {
	switch typ {
	case "keyword", "wildcard", "match_only_text", "text", "constant_keyword":
		if _, ok := v.(string); !ok {
			return fmt.Sprintf("%v is not a string (%s)", v, typ)
		}
	case "long", "integer":
		n, ok := v.(json.Number)
		if _, err := n.Int64(); !ok || err != nil {
			return fmt.Sprintf("%v is not an integer (%s)", v, typ)
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			return fmt.Sprintf("%v is not a boolean", v)
		}
	case "date":
		str, ok := v.(string)
		if _, err := time.Parse(time.RFC3339Nano, str); !ok || err != nil {
			return fmt.Sprintf("%v is not an RFC 3339 date", v)
		}
	default:
		return "type " + typ + " not handled by the test"
	}
	return ""
}

// ocsfAttr is one attribute of testdata/schema/ocsf_subset.json.
type ocsfAttr struct {
	Type        string   `json:"type"`
	Requirement string   `json:"requirement"`
	IsArray     bool     `json:"is_array"`
	Enum        []string `json:"enum"`
}

type ocsfSchema struct {
	Version     string                         `json:"version"`
	CategoryUID int                            `json:"category_uid"`
	ClassUID    int                            `json:"class_uid"`
	Class       map[string]ocsfAttr            `json:"class"`
	Objects     map[string]map[string]ocsfAttr `json:"objects"`
}

func loadOCSF(tb testing.TB) *ocsfSchema {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "schema", "ocsf_subset.json"))
	if err != nil {
		tb.Fatal(err)
	}
	var s ocsfSchema
	if err := json.Unmarshal(data, &s); err != nil {
		tb.Fatal(err)
	}
	if s.ClassUID != 1007 || len(s.Class) < 10 {
		tb.Fatalf("ocsf_subset.json: class %d with %d attributes", s.ClassUID, len(s.Class))
	}
	return &s
}

// checkOCSF returns every problem of doc against the Process Activity class of s: unknown
// attributes, wrong types, values outside an enum, missing required attributes, and a type_uid
// that is not class_uid*100+activity_id.
func checkOCSF(s *ocsfSchema, doc map[string]any) []string {
	errs := s.checkObject("", s.Class, doc)
	num := func(k string) int64 {
		n, _ := doc[k].(json.Number)
		i, _ := n.Int64()
		return i
	}
	if num("class_uid") != int64(s.ClassUID) || num("category_uid") != int64(s.CategoryUID) {
		errs = append(errs, fmt.Sprintf("class_uid %d category_uid %d, want %d %d", num("class_uid"),
			num("category_uid"), s.ClassUID, s.CategoryUID))
	}
	if num("type_uid") != num("class_uid")*100+num("activity_id") {
		errs = append(errs, fmt.Sprintf("type_uid %d is not class_uid*100+activity_id", num("type_uid")))
	}
	sort.Strings(errs)
	return errs
}

func (s *ocsfSchema) checkObject(path string, attrs map[string]ocsfAttr, m map[string]any) []string {
	var errs []string
	for name, a := range attrs {
		if _, ok := m[name]; !ok && a.Requirement == "required" {
			errs = append(errs, path+name+": required, missing")
		}
	}
	for k, v := range m {
		a, ok := attrs[k]
		if !ok {
			errs = append(errs, path+k+": not an attribute here")
			continue
		}
		vs, isArr := v.([]any)
		if isArr != a.IsArray {
			errs = append(errs, fmt.Sprintf("%s%s: array %v, OCSF says %v", path, k, isArr, a.IsArray))
		}
		if !isArr {
			vs = []any{v}
		}
		for _, e := range vs {
			errs = append(errs, s.checkValue(path+k, a, e)...)
		}
	}
	return errs
}

func (s *ocsfSchema) checkValue(path string, a ocsfAttr, v any) []string {
	if obj, ok := s.Objects[a.Type]; ok {
		m, ok := v.(map[string]any)
		if !ok {
			return []string{path + ": not an object"}
		}
		return s.checkObject(path+".", obj, m)
	}
	bad := false
	switch a.Type {
	case "object", "json_t":
		_, isObj := v.(map[string]any)
		bad = !isObj && a.Type == "object"
	case "string_t":
		_, ok := v.(string)
		bad = !ok
	case "integer_t", "long_t":
		n, ok := v.(json.Number)
		_, err := n.Int64()
		bad = !ok || err != nil
	case "float_t":
		_, ok := v.(json.Number)
		bad = !ok
	case "boolean_t":
		_, ok := v.(bool)
		bad = !ok
	default:
		return []string{fmt.Sprintf("%s: type %q is not in the fixture: add its object to ocsf_subset.py", path, a.Type)}
	}
	if bad {
		return []string{fmt.Sprintf("%s: %v is not %s", path, v, a.Type)}
	}
	if len(a.Enum) > 0 && !slices.Contains(a.Enum, fmt.Sprint(v)) {
		return []string{fmt.Sprintf("%s: %v is not one of %v", path, v, a.Enum)}
	}
	return nil
}
