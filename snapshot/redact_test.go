package snapshot

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRedactCmdline(t *testing.T) {
	const R = Redacted
	tests := []struct {
		name string
		user []string
		in   []string
		want []string
	}{
		{"mysql glued password", nil, []string{"/usr/bin/mysql", "-uroot", "-pS3cr3t", "db"}, []string{"/usr/bin/mysql", "-uroot", "-p" + R, "db"}},
		{"mysqldump glued password", nil, []string{"mysqldump", "-pS3cr3t"}, []string{"mysqldump", "-p" + R}},
		{"mysql -p alone prompts, next arg is the database", nil, []string{"mysql", "-p", "db"}, []string{"mysql", "-p", "db"}},
		{"-p of another program is a port", nil, []string{"ssh", "-p2222", "host"}, []string{"ssh", "-p2222", "host"}},
		{"--password=", nil, []string{"app", "--password=hunter2"}, []string{"app", "--password=" + R}},
		{"--token=", nil, []string{"app", "--token=abc.def"}, []string{"app", "--token=" + R}},
		{"--secret=", nil, []string{"app", "--secret=x"}, []string{"app", "--secret=" + R}},
		{"--db-password= and --api_key=", nil, []string{"app", "--db-password=x", "--api_key=y"}, []string{"app", "--db-password=" + R, "--api_key=" + R}},
		{"--token VALUE", nil, []string{"app", "--token", "abc", "run"}, []string{"app", "--token", R, "run"}},
		{"--password followed by a flag is a bare flag", nil, []string{"app", "--password", "--verbose"}, []string{"app", "--password", "--verbose"}},
		{"--password-file is a path", nil, []string{"app", "--password-file=/run/secrets/db"}, []string{"app", "--password-file=/run/secrets/db"}},
		{"--passthrough is not a password", nil, []string{"app", "--passthrough=yes"}, []string{"app", "--passthrough=yes"}},
		{"env assignments", nil, []string{"env", "PASSWORD=x", "GITHUB_TOKEN=y", "AWS_SECRET_ACCESS_KEY=z", "PWD=/home", "LANG=C", "cmd"},
			[]string{"env", "PASSWORD=" + R, "GITHUB_TOKEN=" + R, "AWS_SECRET_ACCESS_KEY=" + R, "PWD=/home", "LANG=C", "cmd"}},
		{"URL userinfo", nil, []string{"git", "clone", "https://bob:pa55@git.example.com/r.git"}, []string{"git", "clone", "https://bob:" + R + "@git.example.com/r.git"}},
		{"URL inside an option", nil, []string{"app", "--db=postgres://u:p@h:5432/d?sslmode=disable"}, []string{"app", "--db=postgres://u:" + R + "@h:5432/d?sslmode=disable"}},
		{"URL without password", nil, []string{"curl", "https://bob@example.com/"}, []string{"curl", "https://bob@example.com/"}},
		{"Authorization header", nil, []string{"curl", "-H", "Authorization: Bearer eyJ", "https://x"}, []string{"curl", "-H", "Authorization: " + R, "https://x"}},
		{"user pattern, whole match", []string{`sk_live_[A-Za-z0-9]+`}, []string{"app", "key sk_live_abc123 end"}, []string{"app", "key " + R + " end"}},
		{"user pattern, groups only", []string{`user=(\w+),pin=(\d+)`}, []string{"app", "user=bob,pin=1234"}, []string{"app", "user=" + R + ",pin=" + R}},
		{"user pattern, every match", []string{`\d{4}`}, []string{"a 1234 b 5678"}, []string{"a " + R + " b " + R}},
		{"nothing to redact", nil, []string{"sleep", "60"}, []string{"sleep", "60"}},
		{"empty", nil, []string{}, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewRedactor(tt.user)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, r.Cmdline(tt.in)); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestRedactApply(t *testing.T) {
	r, err := NewRedactor([]string{`tok-\w+`})
	if err != nil {
		t.Fatal(err)
	}
	s := &Snapshot{Processes: []Process{{
		PID: 5, Comm: "tok-abc", Exe: "/opt/tok-abc/bin", Cwd: "/home/tok-abc",
		Cmdline: []string{"app", "--password=x"},
		FDs:     []FD{{FD: 3, Target: "/tmp/tok-abc.sock"}},
	}}}
	r.Apply(s)
	want := &Snapshot{Header: Header{Options: Options{Redacted: true}}, Processes: []Process{{
		PID: 5, Comm: Redacted, Exe: "/opt/" + Redacted + "/bin", Cwd: "/home/" + Redacted,
		Cmdline: []string{"app", "--password=" + Redacted},
		FDs:     []FD{{FD: 3, Target: "/tmp/" + Redacted + ".sock"}},
	}}}
	if d := cmp.Diff(want, s); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestNewRedactorBadPatterns(t *testing.T) {
	for _, p := range []string{"(", "x*", "a|"} {
		if _, err := NewRedactor([]string{p}); err == nil {
			t.Errorf("NewRedactor(%q) accepted", p)
		}
	}
}
