package proc

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/prometheus/procfs"
)

// kernelStat is a /proc/PID/stat line as Linux 6.x writes it (52 fields).
const kernelStat = "42 (a) b (c) S 1 42 42 34816 42 4194560 120 0 0 0 1 2 0 0 20 0 3 0 12345 " +
	"1000 200 18446744073709551615 1 1 0 0 0 0 0 0 65536 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n"

func TestParseStatKernelLines(t *testing.T) {
	tests := []struct {
		name    string
		data    string
		want    Stat
		wantErr bool
	}{
		{name: "comm with parentheses and spaces", data: kernelStat, want: Stat{
			PID: 42, Comm: "a) b (c", State: "S", PPID: 1, PGRP: 42, Session: 42, TTY: 34816, TPGID: 42,
			Flags: 4194560, NumThreads: 3, Starttime: 12345}},
		{name: "kernel thread, no tty", data: "2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 " +
			"3 0 0 18446744073709551615 0 0 0 0 0 0 0 2147483647 0 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n",
			want: Stat{PID: 2, Comm: "kthreadd", State: "S", TPGID: -1, Flags: 2129984,
				NumThreads: 1, Starttime: 3}},
		{name: "empty", data: "", wantErr: true},
		{name: "no closing parenthesis", data: "42 (a S 1", wantErr: true},
		{name: "ends at comm", data: "42 (a)", wantErr: true},
		{name: "too few fields", data: "42 (a) S 1 42 42 0 -1 0\n", wantErr: true},
		{name: "ppid not a number", data: "42 (a) S x" + kernelStat[13:], wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseStat([]byte(tt.data))
			if (err != nil) != tt.wantErr {
				t.Fatalf("parseStat() error = %v, wantErr %v", err, tt.wantErr)
			}
			if tt.wantErr {
				got = Stat{}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("parseStat() (-want +got):\n%s", diff)
			}
		})
	}
}

// TestLeanReadersMatchProcfs reads every live process with the lean readers and with the procfs
// calls they replace, and wants the same answers. Each lean read sits between two procfs reads;
// a process whose procfs answers differ changed meanwhile and is not compared.
func TestLeanReadersMatchProcfs(t *testing.T) {
	if testing.Short() {
		t.Skip("reads the live /proc")
	}
	fs, err := procfs.NewFS(DefaultRoot)
	if err != nil {
		t.Skip("no /proc:", err)
	}
	pids, err := listPIDs(fs, nil)
	if err != nil {
		t.Fatal(err)
	}
	var buf []byte
	compared := 0
	for _, pid := range pids {
		proc, _ := fs.Proc(pid)
		dir := DefaultRoot + "/" + strconv.Itoa(pid)
		d, err := openDir(atCWD, dir)
		if err != nil {
			continue // exited since the listing
		}
		checks := []struct {
			name        string
			procfs, got func() (any, error)
		}{
			{"stat", func() (any, error) {
				st, err := proc.Stat()
				return Stat{PID: st.PID, Comm: st.Comm, State: st.State, PPID: st.PPID, PGRP: st.PGRP,
					Session: st.Session, TTY: st.TTY, TPGID: st.TPGID, Flags: uint64(st.Flags),
					NumThreads: st.NumThreads, Starttime: st.Starttime}, err
			}, func() (any, error) {
				data, err := readWhole(d, "stat", &buf)
				if err != nil {
					return Stat{}, err
				}
				return ParseStat(data)
			}},
			// cmdline is not compared: procfs drops trailing empty arguments, which procsnap keeps.
			{"wchan", func() (any, error) { return proc.Wchan() }, func() (any, error) { return readWchan(d, &buf) }},
			{"fds", func() (any, error) {
				fds, err := proc.FileDescriptors()
				out := make([]int, len(fds))
				for i, n := range fds {
					out[i] = int(n)
				}
				slices.Sort(out)
				return out, err
			}, func() (any, error) {
				out, err := readDirNums(d, "fd", &buf)
				slices.Sort(out)
				return out, err
			}},
		}
		for _, c := range checks {
			if c.name == "fds" && pid == os.Getpid() {
				continue // each reader sees the descriptor it opened to list them
			}
			before, err1 := c.procfs()
			got, err := c.got()
			after, err2 := c.procfs()
			if err1 != nil || err2 != nil || !cmp.Equal(before, after, cmpopts.EquateEmpty()) {
				continue // unreadable, vanished or changed while being read
			}
			if err != nil {
				t.Errorf("pid %d: %s: procfs read it, the lean reader failed: %v", pid, c.name, err)
				continue
			}
			if diff := cmp.Diff(before, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("pid %d: %s (-procfs +lean):\n%s", pid, c.name, diff)
			}
			compared++
		}
		d.close()
	}
	if compared == 0 {
		t.Fatal("no live process could be compared")
	}
}

func TestReadDirNumsRejectsNames(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"3", "10", "x"} {
		if err := os.WriteFile(filepath.Join(dir, n), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var buf []byte
	if got, err := readDirNums(atCWD, dir, &buf); err == nil {
		t.Fatalf("readDirNums on a directory with %q = %v, want an error", "x", got)
	}
	if err := os.Remove(filepath.Join(dir, "x")); err != nil {
		t.Fatal(err)
	}
	got, err := readDirNums(atCWD, dir, &buf)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	if diff := cmp.Diff([]int{3, 10}, got); diff != "" {
		t.Errorf("readDirNums (-want +got):\n%s", diff)
	}
}

func TestReadWholeSizes(t *testing.T) {
	dir := t.TempDir()
	for _, size := range []int{0, 1, 4095, 4096, 4097, 10000} {
		t.Run(strconv.Itoa(size), func(t *testing.T) {
			want := make([]byte, size)
			for i := range want {
				want[i] = byte('a' + i%26)
			}
			path := filepath.Join(dir, strconv.Itoa(size))
			if err := os.WriteFile(path, want, 0o600); err != nil {
				t.Fatal(err)
			}
			for name, read := range map[string]func(procDir, string, *[]byte) ([]byte, error){
				"readWhole": readWhole, "readRecords": readRecords, "readCmdlineFile": readCmdlineFile,
				"until read returns 0": func(d procDir, p string, b *[]byte) ([]byte, error) { return readFile(d, p, b, 0, false) }} {
				var buf []byte
				got, err := read(atCWD, path, &buf)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
					t.Errorf("%s of %d bytes (-want +got):\n%s", name, size, diff)
				}
			}
		})
	}
	var buf []byte
	if _, err := readWhole(atCWD, filepath.Join(dir, "missing"), &buf); !isVanished(err) {
		t.Errorf("readWhole of a missing file: %v, want ENOENT", err)
	}
}
