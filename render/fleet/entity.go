package fleet

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
)

// EntityIDVersion prefixes the string EntityID hashes; a change of the recipe changes it.
const EntityIDVersion = "procsnap-entity/1"

// EntityID returns the stable identifier of one process across hosts' outputs: the first 32
// hex digits of SHA-256 over
//
//	procsnap-entity/1|BOOT_ID|PID_NS_INO|PID|START_TICKS
//
// where BOOT_ID is /proc/sys/kernel/random/boot_id as read (lower case, with dashes),
// PID_NS_INO the inode number of the reader's PID namespace in decimal (the digits of
// "pid:[4026531836]"), PID the process's PID in that namespace and START_TICKS field 22 of
// /proc/PID/stat, both in decimal. A shell computes the same value with
//
//	printf 'procsnap-entity/1|%s|%s|%s|%s' "$boot" "$ns" "$pid" "$ticks" | sha256sum | cut -c1-32
//
// It returns "" when the boot id or the namespace is unknown: an id built without them would
// join unrelated processes of different boots or containers.
func EntityID(bootID, pidNSIno string, pid int, startTicks uint64) string {
	if bootID == "" || pidNSIno == "" || pid <= 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(EntityIDVersion)
	for _, f := range []string{bootID, pidNSIno, strconv.Itoa(pid), strconv.FormatUint(startTicks, 10)} {
		b.WriteByte('|')
		b.WriteString(f)
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:16])
}

// nsIno returns the inode digits of a namespace link such as "pid:[4026531836]", or "" when
// ns has another form.
func nsIno(ns string) string {
	i, j := strings.IndexByte(ns, '['), strings.LastIndexByte(ns, ']')
	if i < 0 || j <= i+1 {
		return ""
	}
	d := ns[i+1 : j]
	if _, err := strconv.ParseUint(d, 10, 64); err != nil {
		return ""
	}
	return d
}
