package format

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestCheckDir plants what another user (or an accident) leaves where procsnap writes.
func TestCheckDir(t *testing.T) {
	tests := []struct {
		name string
		// make returns the directory to check; it may chown, which needs root.
		make     func(t *testing.T, base string) string
		root     bool
		wantErr  string // "" for accepted
		unsafeOK bool   // true when the error need not be ErrUnsafePath
	}{
		{"own 0700", func(t *testing.T, b string) string { return mkdirMode(t, b, "d", 0o700) }, false, "", false},
		{"world-writable sticky (like /tmp)", func(t *testing.T, b string) string { return mkdirMode(t, b, "d", os.ModeSticky|0o777) }, false, "", false},
		{"world-writable, not sticky", func(t *testing.T, b string) string { return mkdirMode(t, b, "d", 0o777) },
			false, "writable by every user and not sticky", false},
		{"another user's", func(t *testing.T, b string) string { return chown(t, mkdirMode(t, b, "d", 0o700), 65534) },
			true, "belongs to uid 65534", false},
		{"own symlink to own directory", func(t *testing.T, b string) string {
			return link(t, mkdirMode(t, b, "d", 0o700), filepath.Join(b, "l"))
		}, false, "", false},
		{"another user's symlink", func(t *testing.T, b string) string {
			l := link(t, mkdirMode(t, b, "d", 0o700), filepath.Join(b, "l"))
			if err := os.Lchown(l, 65534, 65534); err != nil {
				t.Fatal(err)
			}
			return l
		}, true, "is a symbolic link that belongs to uid 65534; not followed", false},
		{"own symlink to another user's directory", func(t *testing.T, b string) string {
			return link(t, chown(t, mkdirMode(t, b, "d", 0o700), 65534), filepath.Join(b, "l"))
		}, true, "belongs to uid 65534", false},
		{"a file", func(t *testing.T, b string) string {
			p := filepath.Join(b, "f")
			writeString(t, p, "x")
			return p
		}, false, "not a directory", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.root && os.Geteuid() != 0 {
				t.Skip("needs root to chown")
			}
			dir := tc.make(t, t.TempDir())
			err := CheckDir(dir)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("CheckDir(%s) = %v, want nil", dir, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), dir) {
				t.Fatalf("CheckDir(%s) = %v, want an error naming it and %q", dir, err, tc.wantErr)
			}
			if !tc.unsafeOK && !errors.Is(err, ErrUnsafePath) {
				t.Errorf("CheckDir error %v is not ErrUnsafePath", err)
			}
		})
	}
}

// TestOpenAppend: the event log is appended to only when it is the caller's own regular file.
func TestOpenAppend(t *testing.T) {
	tests := []struct {
		name    string
		plant   func(t *testing.T, path, victim string)
		root    bool
		wantErr string
	}{
		{"nothing there", func(*testing.T, string, string) {}, false, ""},
		{"own file", func(t *testing.T, p, _ string) { writeString(t, p, "{}\n") }, false, ""},
		{"symlink to a victim", func(t *testing.T, p, v string) { link(t, v, p) }, false, "is a symbolic link; not followed"},
		{"dangling symlink", func(t *testing.T, p, v string) { link(t, v+".new", p) }, false, "is a symbolic link; not followed"},
		{"hard link to a victim", func(t *testing.T, p, v string) {
			if err := os.Link(v, p); err != nil {
				t.Fatal(err)
			}
		}, false, "has 2 hard links"},
		{"fifo", func(t *testing.T, p, _ string) {
			if err := syscall.Mkfifo(p, 0o600); err != nil {
				t.Fatal(err)
			}
		}, false, "is a FIFO"},
		{"another user's file", func(t *testing.T, p, _ string) { writeString(t, p, ""); chown(t, p, 65534) }, true, "belongs to uid 65534"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.root && os.Geteuid() != 0 {
				t.Skip("needs root to chown")
			}
			dir := t.TempDir()
			victim := filepath.Join(dir, "victim")
			writeString(t, victim, "precious\n")
			path := filepath.Join(dir, "events.jsonl")
			tc.plant(t, path, victim)
			f, err := OpenAppend(path)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if _, err := f.WriteString("x\n"); err != nil {
					t.Fatal(err)
				}
				f.Close()
			} else if err == nil || !errors.Is(err, ErrUnsafePath) || !strings.Contains(err.Error(), tc.wantErr) {
				if f != nil {
					f.Close()
				}
				t.Fatalf("OpenAppend = %v, want ErrUnsafePath and %q", err, tc.wantErr)
			}
			if b, _ := os.ReadFile(victim); string(b) != "precious\n" {
				t.Errorf("victim changed: %q", b)
			}
		})
	}
}

func mkdirMode(tb testing.TB, base, name string, mode os.FileMode) string {
	tb.Helper()
	p := filepath.Join(base, name)
	if err := os.Mkdir(p, 0o700); err != nil {
		tb.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil {
		tb.Fatal(err)
	}
	return p
}

func chown(tb testing.TB, path string, uid int) string {
	tb.Helper()
	if err := os.Lchown(path, uid, uid); err != nil {
		tb.Fatal(err)
	}
	return path
}

func link(tb testing.TB, target, path string) string {
	tb.Helper()
	if err := os.Symlink(target, path); err != nil {
		tb.Fatal(err)
	}
	return path
}
