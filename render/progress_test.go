package render

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// openPTYPair returns both ends of a new pseudo-terminal, or skips the test.
func openPTYPair(t testing.TB) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals: %v", err)
	}
	t.Cleanup(func() { m.Close() })
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	s, err := os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return m, s
}

func TestProgressOnlyOnTerminal(t *testing.T) {
	var pipe bytes.Buffer
	p := NewProgress(&pipe, "reading processes")
	p.start = time.Now().Add(-time.Second)
	p.Update(5, 10)
	p.Done()
	if pipe.Len() != 0 {
		t.Errorf("progress on a non-terminal wrote %q", pipe.String())
	}

	master, slave := openPTYPair(t)
	p = NewProgress(slave, "reading processes")
	p.Update(1, 10) // within progressDelay: quick work shows nothing
	if p.shown {
		t.Error("progress shown before progressDelay")
	}
	p.start = time.Now().Add(-time.Second)
	p.Update(5, 10)
	p.Done()
	buf := make([]byte, 256)
	if err := master.SetReadDeadline(time.Now().Add(10 * time.Second)); err != nil {
		t.Fatal(err)
	}
	var got strings.Builder
	for !strings.Contains(got.String(), "5/10\r\x1b[K") {
		n, err := master.Read(buf)
		if err != nil {
			t.Fatalf("read %q so far: %v", got.String(), err)
		}
		got.Write(buf[:n])
	}
	if !strings.HasPrefix(got.String(), "\r\x1b[Kreading processes: 5/10") {
		t.Errorf("terminal got %q, want the progress line then its clearing", got.String())
	}
}

// TestProgressWhile: work of unknown size (watch's first scan) shows the time it has run on a
// terminal, and clears it when stopped; on a pipe it writes nothing.
func TestProgressWhile(t *testing.T) {
	var pipe bytes.Buffer
	p := NewProgress(&pipe, "watch: reading")
	p.start = time.Now().Add(-time.Second)
	stop := p.While()
	time.Sleep(3 * progressEvery)
	stop()
	if pipe.Len() != 0 {
		t.Errorf("progress on a non-terminal wrote %q", pipe.String())
	}

	master, slave := openPTYPair(t)
	p = NewProgress(slave, "watch: reading")
	p.start = time.Now().Add(-time.Second)
	stop = p.While()
	if err := master.SetReadDeadline(time.Now().Add(10 * time.Second)); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 256)
	var got strings.Builder
	for !strings.Contains(got.String(), "s") {
		n, err := master.Read(buf)
		if err != nil {
			t.Fatalf("read %q so far: %v", got.String(), err)
		}
		got.Write(buf[:n])
	}
	stop()
	for !strings.HasSuffix(got.String(), "s\r\x1b[K") {
		n, err := master.Read(buf)
		if err != nil {
			t.Fatalf("read %q so far: %v", got.String(), err)
		}
		got.Write(buf[:n])
	}
	if !strings.HasPrefix(got.String(), "\r\x1b[Kwatch: reading… 1.") {
		t.Errorf("terminal got %q, want the elapsed time then its clearing", got.String())
	}
}
