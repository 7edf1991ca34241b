package snapshot

import (
	"fmt"
	"path"
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

// mysqlClients take the password glued to -p (-pSECRET); for other programs -pVALUE is
// usually a port or a path and is kept.
var mysqlClients = map[string]bool{"mysql": true, "mysqldump": true, "mysqladmin": true,
	"mysqlimport": true, "mysqlcheck": true, "mysqlshow": true, "mysqlpump": true,
	"mysqlslap": true, "mariadb": true, "mariadb-dump": true, "mariadb-admin": true}

// secretSuffixes end the names of options and variables that hold secrets once separators are
// dropped and case is folded: --db-password, --api_key, GITHUB_TOKEN, AWS_SECRET_ACCESS_KEY.
var secretSuffixes = []string{"password", "passwd", "token", "secret", "apikey", "accesskey",
	"secretkey", "privatekey", "credential", "credentials", "auth"}

var (
	urlUserinfo = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.-]*://[^/\s:@]*):([^/\s@]+)@`)
	envAssign   = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*=`)
	authHeader  = regexp.MustCompile(`(?i)^\s*(authorization|proxy-authorization|x-api-key|cookie)\s*:\s*\S`)
)

// Cmdline returns a redacted copy of args (nil for nil).
func (r *Redactor) Cmdline(args []string) []string {
	if args == nil {
		return nil
	}
	out := make([]string, len(args))
	mysql := len(args) > 0 && mysqlClients[path.Base(args[0])]
	next := false // the previous argument was --password (or alike) without a value
	for i, a := range args {
		switch {
		case next && !strings.HasPrefix(a, "-"):
			a = Redacted
		case mysql && i > 0 && strings.HasPrefix(a, "-p") && len(a) > 2 && !strings.HasPrefix(a, "--"):
			a = "-p" + Redacted
		default:
			a = redactArg(a)
		}
		next = isSecretName(strings.TrimLeft(a, "-")) && strings.HasPrefix(a, "-") && !strings.Contains(a, "=")
		out[i] = r.userRules(a)
	}
	return out
}

// redactArg applies the built-in rules to one argument.
func redactArg(a string) string {
	if name, _, ok := strings.Cut(a, "="); ok && (strings.HasPrefix(name, "-") || envAssign.MatchString(a)) &&
		isSecretName(strings.TrimLeft(name, "-")) {
		return name + "=" + Redacted
	}
	if m := authHeader.FindStringSubmatchIndex(a); m != nil {
		return a[:m[3]] + ": " + Redacted
	}
	return urlUserinfo.ReplaceAllString(a, "${1}:"+Redacted+"@")
}

// isSecretName reports whether an option or variable name names a secret.
func isSecretName(name string) bool {
	n := strings.ToLower(strings.NewReplacer("-", "", "_", "", ".", "").Replace(name))
	for _, s := range secretSuffixes {
		if strings.HasSuffix(n, s) {
			return true
		}
	}
	return false
}

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
