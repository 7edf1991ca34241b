package diff

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Helper roles of the issue-14 real-process tests (forensic_e2e_test.go):
//
//	fdsender PATH: hold a pipe's read end, start an audit session of its own (loginuid, when
//	  allowed), listen on the unix socket PATH, print "ready fd=N login=ok|no";
//	  send that descriptor (SCM_RIGHTS) to each client; end when stdin closes.
//	fdmiddle PATH: start "fdreceiver PATH" in a new session, print "child pid=N" and exit, so
//	  that the receiver is adopted.
//	fdreceiver PATH: connect to PATH, receive one descriptor, move it to fd 20 (without
//	  close-on-exec), print "ready fd=20", hold on.
//	jobleader STAGER: (started as a session leader) start "STAGER hold -noctl" in a process
//	  group of its own, a job of this session; print "ready job=N"; end when stdin closes.
func forensicHelper(role string, args []string, in *bufio.Scanner) error {
	switch role {
	case "fdsender":
		return fdSender(args[0], in)
	case "fdmiddle":
		c := exec.Command(os.Args[0], "receiver", args[0]) // another command line than the sender's
		c.Env = append(os.Environ(), helperEnv+"=fdreceiver")
		c.Stdout = os.Stdout // the receiver reports on the test's pipe after this middle is gone
		c.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
		if err := c.Start(); err != nil {
			return err
		}
		fmt.Printf("child pid=%d\n", c.Process.Pid)
		return nil
	case "fdreceiver":
		return fdReceiver(args[len(args)-1])
	case "jobleader":
		c := exec.Command(args[0], "hold", "-noctl")
		c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		if err := c.Start(); err != nil {
			return err
		}
		fmt.Printf("ready job=%d\n", c.Process.Pid)
		for in.Scan() {
		}
		return nil
	}
	return fmt.Errorf("unknown role")
}

func fdSender(path string, in *bufio.Scanner) error {
	r, w, err := os.Pipe()
	if err != nil {
		return err
	}
	defer w.Close()
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		return err
	}
	defer ln.Close()
	// A login of its own (audit session), when allowed: what an unrelated sender has.
	login := "ok"
	if err := os.WriteFile("/proc/self/loginuid", []byte("4343"), 0); err != nil {
		login = "no"
	}
	fmt.Printf("ready fd=%d login=%s\n", r.Fd(), login)
	go func() {
		for {
			c, err := ln.AcceptUnix()
			if err != nil {
				return
			}
			_, _, _ = c.WriteMsgUnix([]byte{1}, unix.UnixRights(int(r.Fd())), nil)
			_ = c.Close()
		}
	}()
	for in.Scan() {
	}
	return nil
}

func fdReceiver(path string) error {
	fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err != nil {
		return err
	}
	if err := unix.Connect(fd, &unix.SockaddrUnix{Name: path}); err != nil {
		return err
	}
	buf, oob := make([]byte, 1), make([]byte, unix.CmsgSpace(4))
	_, oobn, _, _, err := unix.Recvmsg(fd, buf, oob, 0) // no MSG_CMSG_CLOEXEC
	if err != nil {
		return err
	}
	msgs, err := unix.ParseSocketControlMessage(oob[:oobn])
	if err != nil || len(msgs) != 1 {
		return fmt.Errorf("no control message: %v", err)
	}
	fds, err := unix.ParseUnixRights(&msgs[0])
	if err != nil || len(fds) != 1 {
		return fmt.Errorf("no descriptor: %v", err)
	}
	if err := unix.Dup2(fds[0], 20); err != nil {
		return err
	}
	_ = unix.Close(fds[0])
	_ = unix.Close(fd)
	fmt.Println("ready fd=20")
	time.Sleep(10 * time.Minute)
	return nil
}
