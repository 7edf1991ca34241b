package proc

import (
	"bytes"
	"strconv"
)

// readAuditID reads /proc/PID/loginuid or /proc/PID/sessionid (name): one unsigned decimal, the
// audit login uid or session of the process, AuditUnset when never set. procfs has no reader for
// either. Both files are readable by anyone, so an ordinary user reads every process's.
func readAuditID(d procDir, name string, buf *[]byte) (*uint32, error) {
	data, err := readWhole(d, name, buf)
	if err != nil {
		return nil, err
	}
	return parseAuditID(name, data)
}

// parseAuditID parses the content of loginuid or sessionid (no newline, but one is allowed).
func parseAuditID(name string, data []byte) (*uint32, error) {
	v, err := strconv.ParseUint(string(bytes.TrimSuffix(data, []byte("\n"))), 10, 32)
	if err != nil {
		return nil, errMalformedf("%s %q", name, data)
	}
	id := uint32(v)
	return &id, nil
}
