package watch

import (
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

// defaultInotifyDirs are where the dynamic loader, libc and common executables live: exec
// opens the executable and the loader opens libc, so an IN_OPEN there is a sign that a
// process is starting.
var defaultInotifyDirs = []string{
	"/lib64", "/lib", "/usr/lib", "/usr/lib64",
	"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu",
	"/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
}

// writableDirs are where anyone can drop a program and run it: a static binary there opens
// nothing in the library directories, so only the exec's own IN_OPEN of the file can wake the
// watch. Home directories (/root, /home/*) are added by userDirs. Only these directories are
// watched, not their subdirectories (inotify is not recursive, and every watch costs kernel
// memory): a program run from /tmp/x/ wakes nothing and is found by polling alone.
var writableDirs = []string{"/tmp", "/var/tmp", "/dev/shm", "/run/shm"}

// maxHomeDirs bounds how many home directories are watched.
const maxHomeDirs = 256

// userDirs returns the writable directories and the home directories: /root, $HOME and each
// directory under /home.
func userDirs() []string {
	out := append(slicesClone(writableDirs), "/root", os.Getenv("HOME"))
	homes, _ := os.ReadDir("/home")
	for i, h := range homes {
		if i == maxHomeDirs {
			break
		}
		if h.IsDir() {
			out = append(out, filepath.Join("/home", h.Name()))
		}
	}
	return out
}

// inotifyDirs resolves the directories to watch: dirs, or the defaults, $PATH and the
// directories a user can write to.
func inotifyDirs(dirs []string) []string {
	if dirs == nil {
		dirs = append(slicesClone(defaultInotifyDirs), filepath.SplitList(os.Getenv("PATH"))...)
		dirs = append(dirs, userDirs()...)
	}
	seen := map[string]bool{}
	var out []string
	for _, d := range dirs {
		r, err := filepath.EvalSymlinks(d)
		if err != nil || seen[r] {
			continue
		}
		if fi, err := os.Stat(r); err != nil || !fi.IsDir() {
			continue
		}
		seen[r] = true
		out = append(out, r)
	}
	return out
}

func slicesClone(s []string) []string { return append([]string(nil), s...) }

// waiter puts the watch loop to sleep in one ppoll(2) on an eventfd, with the tick's timeout,
// on the loop's own goroutine; the inotify reader (startInotify) writes the eventfd.
//
// A Go timer and a channel cost, on each idle tick, a timer callback and futex wake-ups between
// runtime threads; a ppoll timeout costs one system call, about half the CPU when idle.
// Polling the inotify descriptor itself in the same ppoll was cheaper still but caught fewer
// processes that exit right after exec: woken on the CPU of the process that opened the
// library, the loop waited for it, while the reader's hand-off lets the loop run on the other
// CPU at once (README, "Measurements behind the code").
type waiter struct {
	efd  int // eventfd written by the inotify reader, -1 when polling only
	stop func()
	// execDir is set by the reader when something was opened in a program directory (see
	// spinDirs) since the loop last took it.
	execDir atomic.Bool
}

// newWaiter watches dirs for IN_OPEN, counting each wake-up in wakeups. It returns a waiter
// that only sleeps, and the error, when inotify is unavailable or no directory can be watched.
func newWaiter(dirs []string, wakeups *atomic.Int64) (*waiter, []string, error) {
	efd, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		return &waiter{efd: -1}, nil, err
	}
	w := &waiter{efd: efd}
	one := []byte{1, 0, 0, 0, 0, 0, 0, 0}
	stop, watched, err := startInotify(dirs, func(execDir bool) {
		wakeups.Add(1)
		if execDir {
			w.execDir.Store(true)
		}
		_, _ = unix.Write(efd, one)
	})
	if err != nil {
		unix.Close(efd)
		return &waiter{efd: -1}, nil, err
	}
	w.stop = stop
	return w, watched, nil
}

// maxWait bounds one sleep, so that a long --interval still notices cancellation quickly.
const maxWait = 100 * time.Millisecond

// wait sleeps for d or until something is opened in a watched directory, and reports which.
func (w *waiter) wait(d time.Duration) bool {
	ts := unix.NsecToTimespec(int64(min(max(d, 0), maxWait)))
	if w.efd < 0 {
		_, _ = unix.Ppoll(nil, &ts, nil)
		return false
	}
	fds := []unix.PollFd{{Fd: int32(w.efd), Events: unix.POLLIN}}
	n, err := unix.Ppoll(fds, &ts, nil)
	if err != nil || n == 0 || fds[0].Revents&unix.POLLIN == 0 {
		return false // timeout, or EINTR from a runtime signal: tick as if the time were up
	}
	var cnt [8]byte
	_, _ = unix.Read(w.efd, cnt[:]) // resets the counter
	return true
}

// takeExecDir reports whether a wake-up since the last call came from a program directory.
func (w *waiter) takeExecDir() bool { return w.execDir.Swap(false) }

// close stops the inotify reader and releases the eventfd.
func (w *waiter) close() {
	if w.stop != nil {
		w.stop()
	}
	if w.efd >= 0 {
		unix.Close(w.efd)
		w.efd = -1
	}
}

// spinDirs returns which of the resolved dirs are program directories: not a library
// directory nor one of $PATH, so those anyone can write to (and any a caller names). An
// IN_OPEN there is most likely the exec of a program dropped there, maybe a static one, which
// opens nothing else: the only wake-up it gives comes before its new command line is in place
// (see spinPreExec).
func spinDirs(dirs []string) map[string]bool {
	libOrPath := map[string]bool{}
	for _, d := range append(slicesClone(defaultInotifyDirs), filepath.SplitList(os.Getenv("PATH"))...) {
		if r, err := filepath.EvalSymlinks(d); err == nil {
			libOrPath[r] = true
		}
	}
	out := map[string]bool{}
	for _, d := range dirs {
		out[d] = !libOrPath[d]
	}
	return out
}

// startInotify watches dirs for IN_OPEN and calls wake when something is opened there, from a
// goroutine of its own blocked in read(2), saying whether it was in a program directory
// (spinDirs). It returns a stop function and the directories actually watched.
func startInotify(dirs []string, wake func(execDir bool)) (stop func(), watched []string, err error) {
	fd, err := unix.InotifyInit1(unix.IN_CLOEXEC)
	if err != nil {
		return nil, nil, err
	}
	var errs []string
	resolved := inotifyDirs(dirs)
	spin := spinDirs(resolved)
	spinWD := map[int32]bool{}
	for _, d := range resolved {
		wd, err := unix.InotifyAddWatch(fd, d, unix.IN_OPEN)
		if err != nil {
			errs = append(errs, d+": "+err.Error())
			continue
		}
		spinWD[int32(wd)] = spin[d]
		watched = append(watched, d)
	}
	if len(watched) == 0 {
		unix.Close(fd)
		if len(errs) == 0 {
			return nil, nil, errors.New("inotify: no directory to watch")
		}
		return nil, nil, errors.New("inotify: " + strings.Join(errs, "; "))
	}
	// The reader blocks in read(2); closing the descriptor does not wake it, so stop removes
	// the watches (which queues IN_IGNORED events) and then closes.
	var done atomic.Bool
	exited := make(chan struct{})
	go func() {
		defer close(exited)
		defer unix.Close(fd)
		// The reader's wake-up is the first step of catching an exec: see latencyThread.
		defer latencyThread()()
		buf := make([]byte, 64<<10)
		for !done.Load() {
			n, err := unix.Read(fd, buf)
			if err != nil && !errors.Is(err, unix.EINTR) {
				return
			}
			if n > 0 && !done.Load() {
				wake(inExecDir(buf[:n], spinWD))
			}
		}
	}()
	stop = func() {
		done.Store(true)
		// Removing every watch queues IN_IGNORED events, which wakes the reader; wait for it
		// to give its thread back (see latencyThread), but not forever.
		for wd := 1; wd <= len(watched)+len(errs)+1; wd++ {
			_, _ = unix.InotifyRmWatch(fd, uint32(wd))
		}
		select {
		case <-exited:
		case <-time.After(time.Second):
		}
	}
	return stop, watched, nil
}

// inExecDir reports whether one of the inotify events in b was in a watched directory that
// spin marks.
func inExecDir(b []byte, spin map[int32]bool) bool {
	for len(b) >= unix.SizeofInotifyEvent {
		// struct inotify_event: wd, mask, cookie, len (of the name that follows), in host order.
		if spin[int32(binary.NativeEndian.Uint32(b[0:4]))] {
			return true
		}
		b = b[min(len(b), unix.SizeofInotifyEvent+int(binary.NativeEndian.Uint32(b[12:16]))):]
	}
	return false
}
