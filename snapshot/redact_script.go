package snapshot

import "strings"

// A shell word in a script: its span in the script, quotes included, and its value once the
// quotes and backslashes are removed.
type shellWord struct {
	start, end int
	value      string
}

// redactScript applies the argument rules to each command of a shell script held in one
// argument (sh -c "mysql -pX db; curl -u u:p URL"): the script is split into commands at ; & |
// newlines and parentheses, each command into words as the shell would, and each word the
// rules change is replaced in the script, in the quotes it had. Then the text rules run over
// the whole script, for what the split missed (an unbalanced quote).
func redactScript(script string, depth int) string {
	var edits []shellEdit
	for _, cmd := range splitScript(script) {
		vals := make([]string, len(cmd))
		for i, w := range cmd {
			vals[i] = w.value
		}
		red := redactArgv(vals, depth)
		for i, w := range cmd {
			if red[i] != w.value {
				edits = append(edits, shellEdit{w, requote(script[w.start:w.end], red[i])})
			}
		}
	}
	var b strings.Builder
	last := 0
	for _, e := range edits {
		b.WriteString(script[last:e.w.start])
		b.WriteString(e.text)
		last = e.w.end
	}
	b.WriteString(script[last:])
	return redactText(b.String())
}

type shellEdit struct {
	w    shellWord
	text string
}

// requote writes value in the quotes raw started with, or in single quotes if it needs them.
func requote(raw, value string) string {
	switch {
	case raw != "" && raw[0] == '"':
		return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "$", `\$`, "`", "\\`").Replace(value) + `"`
	case raw != "" && raw[0] == '\'' || strings.ContainsAny(value, " \t\n;|&<>()$`\"'\\"):
		return "'" + strings.ReplaceAll(value, "'", `'\''`) + "'"
	}
	return value
}

// splitScript splits a shell script into commands of words, as far as quoting goes: '...' is
// literal, "..." and bare words take backslash escapes; ; & | newline ( ) end a command.
// Expansions are left as written. An unterminated quote ends the script.
func splitScript(s string) [][]shellWord {
	var cmds [][]shellWord
	var cmd []shellWord
	var val strings.Builder
	start, in := -1, false
	endWord := func(i int) {
		if in {
			cmd = append(cmd, shellWord{start, i, val.String()})
			val.Reset()
			in = false
		}
	}
	endCmd := func() {
		if len(cmd) > 0 {
			cmds = append(cmds, cmd)
			cmd = nil
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t':
			endWord(i)
			continue
		case c == '\n' || c == ';' || c == '&' || c == '|' || c == '(' || c == ')':
			endWord(i)
			endCmd()
			continue
		}
		if !in {
			start, in = i, true
		}
		switch c {
		case '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				j = len(s) - i - 1
			}
			val.WriteString(s[i+1 : i+1+j])
			i += j + 1
		case '"':
			i = doubleQuoted(s, i+1, &val)
		case '\\':
			if i+1 < len(s) {
				i++
				val.WriteByte(s[i])
			}
		default:
			val.WriteByte(c)
		}
	}
	endWord(len(s))
	endCmd()
	return cmds
}

// doubleQuoted reads a "..." string from s[i:] (after the opening quote) into val and returns
// the index of the closing quote (or the last byte).
func doubleQuoted(s string, i int, val *strings.Builder) int {
	for ; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"':
			return i
		case c == '\\' && i+1 < len(s) && strings.IndexByte("\"\\$`\n", s[i+1]) >= 0:
			i++
			val.WriteByte(s[i])
		default:
			val.WriteByte(c)
		}
	}
	return len(s) - 1
}
