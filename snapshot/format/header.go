package format

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
	"time"

	"github.com/procsnap/procsnap/snapshot"

	"gopkg.in/yaml.v3"
)

// ReadHeader reads the header of the snapshot file at path without decoding its processes, for
// listings of many files. It checks the schema but, unlike Load, not the processes, so a file
// cut short after its header passes. A jsonl file gives the header fields of its first line and
// counts of its lines (processes, zombies).
func ReadHeader(path string) (snapshot.Header, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOFOLLOW|syscall.O_CLOEXEC, 0)
	if err != nil {
		return snapshot.Header{}, err
	}
	defer f.Close()
	if info, err := f.Stat(); err != nil || !info.Mode().IsRegular() {
		return snapshot.Header{}, fmt.Errorf("%s: %w: not a regular file", path, snapshot.ErrInvalid)
	}
	r, closeZ, err := gunzipped(f, path)
	if err != nil {
		return snapshot.Header{}, err
	}
	defer closeZ()
	br := bufio.NewReaderSize(io.LimitReader(r, MaxFileSize), 64<<10)
	var h snapshot.Header
	if format, _ := FormatFromPath(path); format == FormatJSONL {
		h, err = readJSONLHeader(br)
	} else if first, _ := peekNonSpace(br); first == '{' {
		h, err = readJSONHeader(br)
	} else {
		h, err = readYAMLHeader(br)
	}
	if err != nil {
		return snapshot.Header{}, fmt.Errorf("%s: %w: %v", path, snapshot.ErrInvalid, err)
	}
	// Only the header is read, so only the header is checked; diff and log validate whole files.
	if err := h.ValidateSchema(); err != nil {
		return snapshot.Header{}, fmt.Errorf("%s: %w", path, err)
	}
	return h, nil
}

// gunzipped returns r itself, or a gzip reader over it when it starts with the gzip magic.
func gunzipped(r io.Reader, name string) (io.Reader, func(), error) {
	br := bufio.NewReader(r)
	if magic, _ := br.Peek(2); len(magic) < 2 || magic[0] != 0x1f || magic[1] != 0x8b {
		return br, func() {}, nil
	}
	zr, err := gzip.NewReader(br)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w: gzip: %v", name, snapshot.ErrInvalid, err)
	}
	return zr, func() { zr.Close() }, nil
}

func peekNonSpace(br *bufio.Reader) (byte, error) {
	for n := 1; ; n++ {
		b, err := br.Peek(n)
		if len(b) < n {
			return 0, err
		}
		if c := b[n-1]; c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			return c, nil
		}
	}
}

// readJSONHeader decodes the "header" member of a JSON snapshot and stops there.
func readJSONHeader(r io.Reader) (snapshot.Header, error) {
	return decodeJSONHeader(r)
}

// readYAMLHeader decodes the YAML before the top-level "processes:" key (which procsnap writes
// after the header), or the whole document if that key comes first or not at all.
func readYAMLHeader(br *bufio.Reader) (snapshot.Header, error) {
	var head bytes.Buffer
	for {
		line, err := br.ReadBytes('\n')
		if bytes.HasPrefix(line, []byte("processes:")) {
			break
		}
		head.Write(line)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return snapshot.Header{}, err
		}
	}
	var doc struct {
		Header snapshot.Header `yaml:"header"`
	}
	if _, err := parseYAMLChecked(head.Bytes(), &doc); err != nil {
		return snapshot.Header{}, err
	}
	if err := yaml.Unmarshal(head.Bytes(), &doc); err != nil {
		return snapshot.Header{}, err
	}
	return doc.Header, nil
}

// readJSONLHeader takes the header fields from the first line of a jsonl export and counts its
// lines (processes) and zombies.
func readJSONLHeader(br *bufio.Reader) (snapshot.Header, error) {
	var h snapshot.Header
	for n := 1; ; n++ {
		line, err := br.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			var l struct {
				Schema  string    `json:"schema"`
				Host    string    `json:"host"`
				BootID  string    `json:"boot_id"`
				TakenAt time.Time `json:"taken_at"`
				State   string    `json:"state"`
			}
			if err := json.Unmarshal(line, &l); err != nil {
				return snapshot.Header{}, fmt.Errorf("line %d: %v", n, err)
			}
			if h.Counts.Processes == 0 {
				h.Schema, h.Hostname, h.BootID, h.TakenAt = l.Schema, l.Host, l.BootID, l.TakenAt
			}
			h.Counts.Processes++
			if l.State == "Z" {
				h.Counts.Zombies++
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return snapshot.Header{}, err
		}
	}
	if h.Counts.Processes == 0 {
		h.Schema = snapshot.Schema // an empty export (no process matched) is still valid
	}
	return h, nil
}
