package proc

import (
	"fmt"
	"strconv"
	"strings"
)

// namespaceTypes are the /proc/PID/ns links procsnap records.
var namespaceTypes = []string{"pid", "mnt", "net", "user"}

// namespaceLinks are their paths under /proc/PID, made once.
var namespaceLinks = func() []string {
	out := make([]string, len(namespaceTypes))
	for i, t := range namespaceTypes {
		out[i] = "ns/" + t
	}
	return out
}()

// readNamespaces reads the /proc/PID/ns/{pid,mnt,net,user} links. procfs's Namespaces fails as a
// whole on one unreadable link (a zombie's), so each link is read on its own; the first error is
// returned beside whatever could be read.
func readNamespaces(d procDir) (map[string]uint64, error) {
	var out map[string]uint64
	var first error
	for i, t := range namespaceTypes {
		link, err := readLinkString(d, namespaceLinks[i])
		if err != nil {
			if first == nil {
				first = err
			}
			continue
		}
		ino, err := parseNamespaceLink(link)
		if err != nil {
			if first == nil {
				first = err
			}
			continue
		}
		if out == nil {
			out = make(map[string]uint64, len(namespaceTypes))
		}
		out[t] = ino
	}
	return out, first
}

// parseNamespaceLink parses a namespace link target such as "pid:[4026531836]".
func parseNamespaceLink(link string) (uint64, error) {
	_, rest, ok := strings.Cut(link, ":[")
	if !ok || !strings.HasSuffix(rest, "]") {
		return 0, fmt.Errorf("%w: namespace link %q", errMalformed, link)
	}
	ino, err := strconv.ParseUint(strings.TrimSuffix(rest, "]"), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: namespace link %q", errMalformed, link)
	}
	return ino, nil
}
