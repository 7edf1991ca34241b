package snapshot

import (
	"path"
	"regexp"
	"strings"
)

// The built-in redaction rules. Each has a name, which the tests and the README use. They
// apply to each command-line argument, and inside any argument holding a shell command (the
// script of sh -c "...", ssh's remote command) to the words of each command in it.
//
// optionRules are options whose value is a secret, for the programs listed (any program when
// none are): glued (-pSECRET, --pass=SECRET) or, where separate is set, as the next argument.
var optionRules = []optionRule{
	{name: "mysql -pSECRET", programs: mysqlClients, flag: "-p", glued: true},
	{name: "sshpass -p SECRET", programs: []string{"sshpass"}, flag: "-p", glued: true, separate: true},
	{name: "redis-cli -a SECRET", programs: []string{"redis-cli", "valkey-cli", "keydb-cli"}, flag: "-a", glued: true, separate: true},
	{name: "curl -u user:SECRET", programs: []string{"curl"}, flag: "-u", glued: true, separate: true, userSep: ":"},
	{name: "curl --user user:SECRET", programs: []string{"curl"}, flag: "--user", glued: true, separate: true, userSep: ":"},
	{name: "curl --oauth2-bearer SECRET", programs: []string{"curl"}, flag: "--oauth2-bearer", glued: true, separate: true},
	{name: "ldapsearch -w SECRET", programs: ldapClients, flag: "-w", glued: true, separate: true},
	{name: "smbclient -U user%SECRET", programs: []string{"smbclient", "rpcclient", "smbcacls", "net"}, flag: "-U", glued: true, separate: true, userSep: "%"},
	{name: "mongosh -p SECRET", programs: []string{"mongo", "mongosh", "mongodump", "mongorestore", "mongoexport", "mongoimport"}, flag: "-p", glued: true, separate: true},
	{name: "sqlcmd -P SECRET", programs: []string{"sqlcmd", "bcp"}, flag: "-P", glued: true, separate: true},
	{name: "wget --password SECRET", programs: []string{"wget"}, flag: "--http-password", glued: true, separate: true},
	{name: "openssl -passin pass:SECRET", programs: []string{"openssl"}, flag: "-passin", separate: true, after: "pass:"},
	{name: "openssl -passout pass:SECRET", programs: []string{"openssl"}, flag: "-passout", separate: true, after: "pass:"},
	{name: "openssl -k SECRET", programs: []string{"openssl"}, flag: "-k", separate: true},
}

// textRules find secrets anywhere in an argument: in a URL, a header, a JSON body, a query
// string or form, an assignment in a shell script.
var textRules = []textRule{
	{name: "URL user:SECRET@", re: regexp.MustCompile(`[A-Za-z][A-Za-z0-9+.-]*://[^/\s:@'"]*:([^/\s@'"]+)@`)},
	{name: "header Authorization: SECRET", re: regexp.MustCompile(
		`(?i)\b(?:proxy-)?authorization\s*:\s*([^'"\r\n]*[^'"\s])`)},
	{name: "header X-Api-Key/X-Auth-Token/Cookie: SECRET", re: regexp.MustCompile(
		`(?i)\b(?:x-api-key|x-auth-token|x-access-token|private-token|cookie|set-cookie)\s*:\s*([^'"\r\n]*[^'"\s])`)},
	{name: `JSON "password": "SECRET"`, keyed: true, re: regexp.MustCompile(
		`"([A-Za-z0-9_.-]+)"\s*:\s*"((?:[^"\\]|\\.)*)"`)},
	{name: `JSON "password": 1234 (a number)`, keyed: true, re: regexp.MustCompile(
		`"([A-Za-z0-9_.-]+)"\s*:\s*(-?[0-9][0-9.eE+-]*)`)},
	{name: "NAME=SECRET (environment, form, query string)", keyed: true, re: regexp.MustCompile(
		`(?:^|[\s?&;'"])([A-Za-z_][A-Za-z0-9_.-]*)=([^\s&;'"]+)`)},
}

// RedactionRules names the built-in rules, for the README and the tests: the option rules, the
// option and variable names (--NAME=SECRET, --NAME SECRET) and the text rules.
func RedactionRules() []string {
	var names []string
	for _, r := range optionRules {
		names = append(names, r.name)
	}
	names = append(names, "--NAME=SECRET", "--NAME SECRET")
	for _, r := range textRules {
		names = append(names, r.name)
	}
	return names
}

// mysqlClients take the password glued to -p (-pSECRET); for other programs -pVALUE is
// usually a port or a path and is kept. mysql -p alone prompts.
var mysqlClients = []string{"mysql", "mysqldump", "mysqladmin", "mysqlimport", "mysqlcheck",
	"mysqlshow", "mysqlpump", "mysqlslap", "mysqlbinlog", "mariadb", "mariadb-dump", "mariadb-admin"}

// ldapClients take the bind password with -w (OpenLDAP's tools).
var ldapClients = []string{"ldapsearch", "ldapmodify", "ldapadd", "ldapdelete", "ldapwhoami",
	"ldappasswd", "ldapmodrdn", "ldapcompare", "ldapexop"}

// otherPrograms end the options of the program before them (sshpass -p X ssh -p 22: 22 is
// ssh's port).
var otherPrograms = []string{"ssh", "scp", "sftp", "rsync", "sudo", "env", "exec", "nice",
	"nohup", "timeout", "docker", "kubectl", "podman", "psql", "pg_dump", "mongo", "mongosh"}

// secretSuffixes end the names of options and variables that hold secrets once separators are
// dropped and case is folded: --db-password, --api_key, GITHUB_TOKEN, AWS_SECRET_ACCESS_KEY.
var secretSuffixes = []string{"password", "passwd", "passphrase", "token", "secret", "apikey",
	"accesskey", "secretkey", "privatekey", "credential", "credentials", "auth"}

// secretWords are last words of option and variable names that hold secrets: --pass,
// --db-pass, REDIS_PASS, --pw.
var secretWords = []string{"pass", "pw"}

// qualifiedSecretWords are last words that hold secrets only after another word: MYSQL_PWD
// and --db-pwd are passwords, PWD and OLDPWD are directories.
var qualifiedSecretWords = []string{"pwd"}

// maxScriptDepth bounds redaction inside scripts inside scripts (sh -c "ssh h 'sh -c ...'").
const maxScriptDepth = 3

type optionRule struct {
	name     string
	programs []string
	flag     string
	// glued: the value may follow the flag in the same argument (-pX, --user=X).
	glued bool
	// separate: the value may be the next argument.
	separate bool
	// userSep: only what follows the first userSep of the value is secret (user:pass,
	// user%pass); a value without it is a user name alone (the program prompts).
	userSep string
	// after: only what follows this prefix of the value is secret (pass:).
	after string
}

type textRule struct {
	name string
	re   *regexp.Regexp
	// keyed: group 1 names the value (group 2), which is a secret when isSecretName says so.
	// Otherwise group 1 is the secret.
	keyed bool
}

var (
	envAssign = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*=`)
	knownProg = func() map[string]bool {
		m := map[string]bool{}
		for _, r := range optionRules {
			for _, p := range r.programs {
				m[p] = true
			}
		}
		for _, p := range otherPrograms {
			m[p] = true
		}
		return m
	}()
)

// redactArgv applies the built-in rules to one command's arguments. The program whose options
// the option rules read is the last word seen whose base name is a known program, so
// "sudo -u app mysql -pX" and "env A=1 sshpass -p X ssh host" are read right.
func redactArgv(args []string, depth int) []string {
	out := make([]string, len(args))
	prog := ""
	var pending *optionRule // the option before took its value as this argument
	nextSecret := false     // the argument before was --password (or alike) without a value
	for i, a := range args {
		if base := path.Base(a); knownProg[base] && pending == nil {
			prog = base
		}
		switch {
		case depth > 0 && (i > 0 && args[i-1] == "-c" || prog == "ssh" && strings.ContainsAny(a, " \t")):
			// the script of sh -c (bash, su, ...) or ssh's remote command: its words, not the
			// whole, are arguments
			out[i] = redactScript(a, depth-1)
			nextSecret, pending = false, nil
			continue
		case pending != nil:
			a = pending.redactValue(a)
			pending = nil
		case nextSecret && !strings.HasPrefix(a, "-"):
			a = Redacted
		default:
			var r *optionRule
			if a, r = applyOptionRules(prog, a); r != nil {
				pending = r
			} else {
				a = redactArg(a)
			}
		}
		nextSecret = strings.HasPrefix(a, "-") && !strings.Contains(a, "=") && isSecretName(strings.TrimLeft(a, "-"))
		if depth > 0 && strings.ContainsAny(a, " \t\n;|&") {
			a = redactScript(a, depth-1)
		}
		out[i] = a
	}
	return out
}

// applyOptionRules redacts a glued value of a rule of prog, or returns the rule whose value is
// the next argument.
func applyOptionRules(prog, a string) (string, *optionRule) {
	for i := range optionRules {
		r := &optionRules[i]
		if len(r.programs) > 0 && !contains(r.programs, prog) {
			continue
		}
		if a == r.flag && r.separate {
			return a, r
		}
		if !r.glued || !strings.HasPrefix(a, r.flag) || len(a) == len(r.flag) {
			continue
		}
		rest := a[len(r.flag):]
		sep := ""
		if strings.HasPrefix(r.flag, "--") {
			if !strings.HasPrefix(rest, "=") {
				continue // --username is not --user
			}
			sep, rest = "=", rest[1:]
		}
		return r.flag + sep + r.redactValue(rest), nil
	}
	return a, nil
}

// redactValue redacts the secret part of an option's value.
func (r *optionRule) redactValue(v string) string {
	switch {
	case r.userSep != "":
		if user, _, ok := strings.Cut(v, r.userSep); ok {
			return user + r.userSep + Redacted
		}
		return v // curl -u user prompts for the password
	case r.after != "":
		if rest, ok := strings.CutPrefix(v, r.after); ok && rest != "" {
			return r.after + Redacted
		}
		return v // env:VAR, file:PATH, fd:N name where the secret is, not the secret
	}
	return Redacted
}

// redactArg applies the name rules and the text rules to one argument.
func redactArg(a string) string {
	if name, _, ok := strings.Cut(a, "="); ok && (strings.HasPrefix(name, "-") || envAssign.MatchString(a)) &&
		isSecretName(strings.TrimLeft(name, "-")) {
		return name + "=" + Redacted
	}
	return redactText(a)
}

// redactText applies the text rules to s.
func redactText(s string) string {
	for _, t := range textRules {
		s = t.apply(s)
	}
	return s
}

func (t textRule) apply(s string) string {
	ms := t.re.FindAllStringSubmatchIndex(s, -1)
	if ms == nil {
		return s
	}
	var b strings.Builder
	last := 0
	for _, m := range ms {
		g := 2
		if t.keyed {
			if !isSecretName(s[m[2]:m[3]]) {
				continue
			}
			g = 4
		}
		if m[g] < last || m[g] == m[g+1] || s[m[g]:m[g+1]] == Redacted {
			continue
		}
		b.WriteString(s[last:m[g]])
		b.WriteString(Redacted)
		last = m[g+1]
	}
	b.WriteString(s[last:])
	return b.String()
}

// isSecretName reports whether an option or variable name names a secret.
func isSecretName(name string) bool {
	lower := strings.ToLower(name)
	words := strings.FieldsFunc(lower, func(r rune) bool { return r == '-' || r == '_' || r == '.' })
	if len(words) > 0 && contains(secretWords, words[len(words)-1]) {
		return true
	}
	if len(words) > 1 && contains(qualifiedSecretWords, words[len(words)-1]) {
		return true
	}
	n := strings.Join(words, "")
	for _, s := range secretSuffixes {
		if strings.HasSuffix(n, s) {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
