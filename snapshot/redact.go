package snapshot

import (
	"fmt"
	"regexp"
	"strings"
)

// Redacted replaces a secret in a redacted snapshot.
const Redacted = "<redacted>"

// Redactor removes secrets from what a snapshot records of command lines. procsnap never reads
// /proc/PID/environ, so environment variables are never recorded; command lines are, and they
// often hold passwords (mysql -pSECRET, --token=..., PASSWORD=... before a command, URLs with
// user:pass@). The built-in rules apply to every cmdline argument; user patterns apply to the
// cmdline, comm, exe, cwd and fd targets.
type Redactor struct {
	user []*regexp.Regexp
}

// NewRedactor returns a Redactor with the built-in rules and the user's patterns (Go regexp
// syntax). A pattern with capture groups redacts only the groups; without, the whole match.
func NewRedactor(patterns []string) (*Redactor, error) {
	r := &Redactor{}
	for _, p := range patterns {
		re, err := regexp.Compile(p)
		if err != nil {
			return nil, fmt.Errorf("redact pattern %q: %w", p, err)
		}
		if re.MatchString("") {
			return nil, fmt.Errorf("redact pattern %q matches the empty string", p)
		}
		r.user = append(r.user, re)
	}
	return r, nil
}

// Apply redacts every process of s and marks the header.
func (r *Redactor) Apply(s *Snapshot) {
	s.Header.Options.Redacted = true
	for i := range s.Processes {
		r.process(&s.Processes[i])
	}
}

func (r *Redactor) process(p *Process) {
	p.Cmdline = r.Cmdline(p.Cmdline)
	p.Comm = r.userRules(p.Comm)
	p.Exe = r.userRules(p.Exe)
	p.Cwd = r.userRules(p.Cwd)
	for i := range p.FDs {
		p.FDs[i].Target = r.userRules(p.FDs[i].Target)
	}
}

// Cmdline returns a redacted copy of args (nil for nil): the rules of redact_rules.go, then the
// user's patterns, on every argument.
func (r *Redactor) Cmdline(args []string) []string {
	if args == nil {
		return nil
	}
	out := redactArgv(args, maxScriptDepth)
	for i := range out {
		out[i] = r.userRules(out[i])
	}
	return out
}

// Field redacts a comm, exe, cwd or fd target: the user's patterns only (the built-in rules
// read command lines).
func (r *Redactor) Field(s string) string { return r.userRules(s) }

// userRules applies the user's patterns to s.
func (r *Redactor) userRules(s string) string {
	for _, re := range r.user {
		s = redactMatches(re, s)
	}
	return s
}

func redactMatches(re *regexp.Regexp, s string) string {
	var b strings.Builder
	last, changed := 0, false
	for _, m := range re.FindAllStringSubmatchIndex(s, -1) {
		spans := [][2]int{{m[0], m[1]}}
		if len(m) > 2 {
			spans = spans[:0]
			for g := 2; g+1 < len(m); g += 2 {
				if m[g] >= 0 && m[g] >= last {
					spans = append(spans, [2]int{m[g], m[g+1]})
				}
			}
		}
		for _, sp := range spans {
			if sp[0] < last || sp[0] == sp[1] {
				continue
			}
			b.WriteString(s[last:sp[0]])
			b.WriteString(Redacted)
			last, changed = sp[1], true
		}
	}
	if !changed {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}
