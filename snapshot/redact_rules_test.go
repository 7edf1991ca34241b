package snapshot

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestRedactRules holds, for each built-in rule, a command as a person would type it at a shell
// prompt and what must be left of it. Each is checked in every quoting form: as the argv the
// shell would pass (split here by splitScript), as the script of sh -c, and as a remote command
// inside ssh inside sh -c.
func TestRedactRules(t *testing.T) {
	const R = Redacted
	tests := []struct {
		rule string
		in   string // a command line, shell-quoted
		want string // the same after redaction, shell-quoted
	}{
		{"mysql -pSECRET", `mysql -uroot -pS3cr3t db`, `mysql -uroot -p` + R + ` db`},
		{"mysql -pSECRET", `sudo -u app mysqldump -p'S3 cr3t' db`, `sudo -u app mysqldump '-p` + R + `' db`},
		{"mysql -pSECRET", `mysql -p db`, `mysql -p db`}, // prompts
		{"sshpass -p SECRET", `sshpass -p hunter2 ssh -p 22 host`, `sshpass -p ` + R + ` ssh -p 22 host`},
		{"sshpass -p SECRET", `sshpass -phunter2 ssh host`, `sshpass -p` + R + ` ssh host`},
		{"redis-cli -a SECRET", `redis-cli -h db -a "s3cr3t" ping`, `redis-cli -h db -a "` + R + `" ping`},
		{"redis-cli -a SECRET", `redis-cli -as3cr3t`, `redis-cli -a` + R},
		{"curl -u user:SECRET", `curl -u bob:pa55 https://x`, `curl -u bob:` + R + ` https://x`},
		{"curl -u user:SECRET", `curl -u bob https://x`, `curl -u bob https://x`}, // prompts
		{"curl --user user:SECRET", `curl --user=bob:pa55 https://x`, `curl --user=bob:` + R + ` https://x`},
		{"wget --password SECRET", `wget --http-password x https://h/f`, `wget --http-password ` + R + ` https://h/f`},
		{"openssl -passin pass:SECRET", `openssl rsa -in k.pem -passin pass:s3cr3t`, `openssl rsa -in k.pem -passin pass:` + R},
		{"openssl -passin pass:SECRET", `openssl rsa -passin env:KEYPASS`, `openssl rsa -passin env:KEYPASS`},
		{"openssl -passout pass:SECRET", `openssl genrsa -passout pass:x`, `openssl genrsa -passout pass:` + R},
		{"openssl -k SECRET", `openssl enc -aes256 -k s3cr3t`, `openssl enc -aes256 -k ` + R},
		{"--NAME=SECRET", `app --db-password=hunter2 --api_key=y --pass=z`, `app --db-password=` + R + ` --api_key=` + R + ` --pass=` + R},
		{"--NAME SECRET", `app --token abc --pass "x y" run`, `app --token ` + R + ` --pass "` + R + `" run`},
		{"--NAME SECRET", `app --password --verbose`, `app --password --verbose`},
		{"--NAME SECRET", `app --password-file=/run/s --passthrough=yes --bypass=1`, `app --password-file=/run/s --passthrough=yes --bypass=1`},
		{"NAME=SECRET (environment, form, query string)", `PGPASSWORD=x REDIS_PASS=y PWD=/h psql`, `PGPASSWORD=` + R + ` REDIS_PASS=` + R + ` PWD=/h psql`},
		{"NAME=SECRET (environment, form, query string)", `curl -d "user=bob&password=x&n=1" "https://h/?access_token=t&q=1"`,
			`curl -d "user=bob&password=` + R + `&n=1" "https://h/?access_token=` + R + `&q=1"`},
		{"URL user:SECRET@", `git clone https://bob:pa55@git.example.com/r.git`, `git clone https://bob:` + R + `@git.example.com/r.git`},
		{"URL user:SECRET@", `app --db=postgres://u:p@h:5432/d`, `app --db=postgres://u:` + R + `@h:5432/d`},
		{"URL user:SECRET@", `curl https://bob@example.com/`, `curl https://bob@example.com/`},
		{"header Authorization: SECRET", `curl -H "Authorization: Bearer eyJhbGci" https://x`, `curl -H "Authorization: ` + R + `" https://x`},
		{"header Authorization: SECRET", `curl --header='Authorization: Basic Ym9iOnBhNTU=' https://x`, `curl '--header=Authorization: ` + R + `' https://x`},
		{"header Authorization: SECRET", `wget --header="Proxy-Authorization: Basic eA==" u`, `wget "--header=Proxy-Authorization: ` + R + `" u`},
		{"header X-Api-Key/X-Auth-Token/Cookie: SECRET", `curl -H 'X-Api-Key: k1' -H "Cookie: sid=abc; t=1" u`, `curl -H 'X-Api-Key: ` + R + `' -H "Cookie: ` + R + `" u`},
		{`JSON "password": "SECRET"`, `curl -d '{"user":"bob","password":"x y","api_key": "k"}' u`, `curl -d '{"user":"bob","password":"` + R + `","api_key": "` + R + `"}' u`},
		{`JSON "password": "SECRET"`, `curl -d '{"passwordPolicy":"strict"}' u`, `curl -d '{"passwordPolicy":"strict"}' u`},
		{`JSON "password": 1234 (a number)`, `curl -d '{"pin":1,"password": 12345678}' u`, `curl -d '{"pin":1,"password": ` + R + `}' u`},
		{"curl --oauth2-bearer SECRET", `curl --oauth2-bearer eyJhbGci https://x`, `curl --oauth2-bearer ` + R + ` https://x`},
		{"ldapsearch -w SECRET", `ldapsearch -x -D cn=admin -w s3cr3t -b dc=x`, `ldapsearch -x -D cn=admin -w ` + R + ` -b dc=x`},
		{"ldapsearch -w SECRET", `ldapmodify -ws3cr3t -f x.ldif`, `ldapmodify -w` + R + ` -f x.ldif`},
		{"smbclient -U user%SECRET", `smbclient //srv/share -U 'bob%pa 55'`, `smbclient //srv/share -U 'bob%` + R + `'`},
		{"smbclient -U user%SECRET", `smbclient //srv/share -U bob`, `smbclient //srv/share -U bob`}, // prompts
		{"mongosh -p SECRET", `mongosh -u admin -p s3cr3t mongodb://h`, `mongosh -u admin -p ` + R + ` mongodb://h`},
		{"sqlcmd -P SECRET", `sqlcmd -S db -U sa -P 'S3cr3t!'`, `sqlcmd -S db -U sa -P '` + R + `'`},
		{"NAME=SECRET (environment, form, query string)", `env MYSQL_PWD=x OLDPWD=/o mysql`, `env MYSQL_PWD=` + R + ` OLDPWD=/o mysql`},
		{"none", `docker run -p 8080:80 -w /srv img`, `docker run -p 8080:80 -w /srv img`},
		{"none", `ls -w 80 -U`, `ls -w 80 -U`},
		{"none", `sleep 60`, `sleep 60`},
		{"none", `ssh -p2222 host`, `ssh -p2222 host`},
	}
	for _, tc := range tests {
		argv := words(splitScript(tc.in))
		wantArgv := words(splitScript(tc.want))
		t.Run(tc.rule+"/argv/"+tc.in, func(t *testing.T) {
			if d := cmp.Diff(wantArgv, redactArgv(argv, maxScriptDepth)); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
		t.Run(tc.rule+"/sh -c/"+tc.in, func(t *testing.T) {
			got := redactArgv([]string{"sh", "-c", tc.in}, maxScriptDepth)
			if d := cmp.Diff(wantArgv, words(splitScript(got[2]))); d != "" {
				t.Errorf("sh -c %q -> %q (-want +got):\n%s", tc.in, got[2], d)
			}
		})
		t.Run(tc.rule+"/sh -c ssh/"+tc.in, func(t *testing.T) {
			script := "ssh db " + requote("'", tc.in) + " && echo done"
			got := redactArgv([]string{"bash", "-c", script}, maxScriptDepth)
			cmds := splitScript(got[2])
			inner := words(splitScript(cmds[0][2].value))
			if d := cmp.Diff(wantArgv, inner); d != "" {
				t.Errorf("bash -c %q -> %q (-want +got):\n%s", script, got[2], d)
			}
		})
	}
	// Every rule has a test.
	tested := map[string]bool{}
	for _, tc := range tests {
		tested[tc.rule] = true
	}
	for _, name := range RedactionRules() {
		if !tested[name] {
			t.Errorf("rule %q has no test", name)
		}
	}
}

func words(cmds [][]shellWord) []string {
	var out []string
	for i, c := range cmds {
		if i > 0 {
			out = append(out, ";")
		}
		for _, w := range c {
			out = append(out, w.value)
		}
	}
	return out
}

func TestSplitScript(t *testing.T) {
	got := words(splitScript(`a 'b c' "d \"e\" \$f" g\ h;i|j&&k` + "\nl (m)"))
	want := []string{"a", "b c", `d "e" $f`, "g h", ";", "i", ";", "j", ";", "k", ";", "l", ";", "m"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if got := words(splitScript(`a "unterminated b`)); strings.Join(got, "|") != "a|unterminated b" {
		t.Errorf("unterminated quote: %q", got)
	}
}
