package render

import (
	"encoding/json"
	"io"
)

// WriteTreeJSON writes the forest as JSON: {"roots": [node, ...]}, each node with its children
// nested, the same structure WriteTree prints.
func WriteTreeJSON(w io.Writer, f *Forest) error {
	roots := f.Roots
	if roots == nil {
		roots = []*Node{}
	}
	return writeJSON(w, struct {
		Roots []*Node `json:"roots"`
	}{roots})
}

// WriteSessionsJSON writes the session view as JSON: {"sessions": [...]}, each session with its
// groups and each group with its process trees under "processes".
func WriteSessionsJSON(w io.Writer, sessions []*Session) error {
	if sessions == nil {
		sessions = []*Session{}
	}
	return writeJSON(w, struct {
		Sessions []*Session `json:"sessions"`
	}{sessions})
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
