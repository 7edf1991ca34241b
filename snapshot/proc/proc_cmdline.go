package proc

import "strings"

// readCmdline reads /proc/PID/cmdline. procfs's CmdLine trims every trailing NUL, which drops
// trailing empty arguments (`prog ""` reads as "prog\x00\x00"), so procsnap splits the file
// itself.
func readCmdline(d procDir, buf *[]byte) ([]string, error) {
	data, err := readCmdlineFile(d, "cmdline", buf)
	if err != nil {
		return nil, err
	}
	return ParseCmdline(data), nil
}

// ParseCmdline splits the NUL-terminated arguments of a cmdline file. The last argument's NUL is
// optional (a process that rewrote its argv may drop it); an empty file (a zombie, a kernel
// thread) gives nil.
func ParseCmdline(data []byte) []string {
	if len(data) == 0 {
		return nil
	}
	s := string(data)
	s = strings.TrimSuffix(s, "\x00")
	return validTexts(strings.Split(s, "\x00"))
}
