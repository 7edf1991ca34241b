package proc

import (
	"bytes"
	"strings"
)

// readCgroup reads /proc/PID/cgroup: the cgroup v2 path (the "0::" line) and every v1 hierarchy
// as "controllers:path". procfs's Proc.Cgroups reads it by path, not through the descriptor that
// names one life of the process (openDir), and keeps the hierarchy IDs procsnap does not need.
func readCgroup(d procDir, buf *[]byte) (v2 string, v1 []string, err error) {
	data, err := readWhole(d, "cgroup", buf)
	if err != nil {
		return "", nil, err
	}
	return parseCgroup(data)
}

// parseCgroup parses the content of /proc/PID/cgroup, one "hierarchy-ID:controllers:path" line
// per hierarchy (the path may itself hold colons). A process of an exited zombie reads as empty.
func parseCgroup(data []byte) (v2 string, v1 []string, err error) {
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		if len(line) == 0 {
			continue
		}
		id, rest, ok1 := strings.Cut(string(line), ":")
		ctl, path, ok2 := strings.Cut(rest, ":")
		if !ok1 || !ok2 || id == "" || !strings.HasPrefix(path, "/") {
			return "", nil, errMalformedf("cgroup line %q", line)
		}
		if id == "0" && ctl == "" {
			v2 = validText(path)
			continue
		}
		v1 = append(v1, validText(ctl+":"+path))
	}
	return v2, v1, nil
}
