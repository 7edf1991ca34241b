package format

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"unicode/utf8"

	"github.com/procsnap/procsnap/snapshot"

	"gopkg.in/yaml.v3"
)

// Formats a snapshot can be written in.
const (
	FormatYAML = "yaml"
	FormatJSON = "json"
)

// MaxFileSize bounds how much a snapshot file may expand to when loaded (after gunzip). Decoding
// YAML with yaml.v3, as every file not in procsnap's own layout is (decode_yaml_layout.go), takes
// about 25 times the file's size in memory, so 128 MiB, several times a busy host's snapshot,
// keeps a load of a hostile or runaway file near 3 GB.
const MaxFileSize = 128 << 20

// yamlTrailer ends every YAML snapshot from schema procsnap/v1.1 on. It is a comment, so any YAML
// reader ignores it; Decode requires it, so a file cut at a line boundary (a full disk, an
// interrupted copy) is reported as truncated instead of loading as a smaller snapshot.
const yamlTrailer = "# end of procsnap snapshot\n"

// FormatFromPath returns the format and compression implied by a file name:
// .yaml/.yml or .json, optionally followed by .gz. Unknown extensions give "".
func FormatFromPath(path string) (format string, gz bool) {
	name := strings.ToLower(path)
	if strings.HasSuffix(name, ".gz") {
		gz = true
		name = strings.TrimSuffix(name, ".gz")
	}
	switch filepath.Ext(name) {
	case ".yaml", ".yml":
		return FormatYAML, gz
	case ".json":
		return FormatJSON, gz
	case ".jsonl":
		return FormatJSONL, gz
	}
	return "", gz
}

// Encode writes s to w in the given format: yaml, json, or the export format jsonl (one JSON
// object per process, see FormatJSONL), which Decode does not read back.
func Encode(w io.Writer, s *snapshot.Snapshot, format string) error {
	switch format {
	case FormatYAML, "":
		if err := encodeYAML(w, s); err != nil {
			return err
		}
		_, err := io.WriteString(w, yamlTrailer)
		return err
	case FormatJSON:
		return encodeJSON(w, s)
	case FormatJSONL:
		return encodeJSONL(w, s)
	}
	return fmt.Errorf("%w: %q (want yaml, json or jsonl)", snapshot.ErrUnknownFormat, format)
}

// Decode reads a snapshot in any format procsnap writes (YAML, JSON, either gzip-compressed),
// validates it and returns it. name is used in error messages only.
func Decode(r io.Reader, name string) (*snapshot.Snapshot, error) {
	return decode(r, name, MaxFileSize, 0)
}

// decode is Decode with the size limit as a parameter, for tests, and the size of the file r
// reads (0 when unknown), which sizes the buffers of an uncompressed file.
func decode(r io.Reader, name string, limit int, size int64) (*snapshot.Snapshot, error) {
	return decodeChecked(r, name, limit, size, nil)
}

// decodeChecked is decode that, when c is not nil, checks the records with c as it reads them
// instead of keeping them (Check): the snapshot returned has an empty processes list.
func decodeChecked(r io.Reader, name string, limit int, size int64, c *snapshot.Checker) (*snapshot.Snapshot, error) {
	var rewind func() error
	if sk, ok := r.(io.Seeker); ok && rereadable(r) {
		if off, err := sk.Seek(0, io.SeekCurrent); err == nil {
			rewind = func() error {
				_, err := sk.Seek(off, io.SeekStart)
				return err
			}
		}
	}
	return decodeFrom(r, name, limit, size, rewind, c)
}

// rereadable reports whether r, a Seeker, reads the same bytes again after a seek back: not a
// terminal or another device given as standard input, where a seek may succeed and read on.
func rereadable(r io.Reader) bool {
	f, ok := r.(interface{ Stat() (fs.FileInfo, error) })
	if !ok {
		return true // bytes.Reader, strings.Reader
	}
	info, err := f.Stat()
	return err == nil && info.Mode().IsRegular()
}

// decodeFrom is decode, given a function that rewinds r to where decode found it when r can be
// (a file), else nil.
func decodeFrom(r io.Reader, name string, limit int, size int64, rewind func() error, c *snapshot.Checker) (*snapshot.Snapshot, error) {
	br := bufio.NewReader(r)
	var outer *bufio.Reader // the compressed stream, when gzip
	first := 0
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("%s: %w: %v", name, snapshot.ErrInvalid, err) // "gzip: invalid header"
		}
		defer zr.Close()
		zr.Multistream(false) // procsnap writes one member; anything after it is not a snapshot
		outer, br = br, bufio.NewReader(zr)
	} else if size > 0 {
		first = int(min(size, int64(limit))) + 1 // + 1 to see EOF without a second chunk
	}
	if b, err := peekNonSpace(br); err == nil && b == '{' {
		plain := size
		if first == 0 {
			plain = 0 // compressed: the size is not the document's
		}
		s, err := decodeJSONFile(br, name, limit, plain, c)
		if err == nil {
			err = gzipTrailing(outer, name)
		}
		if err != nil {
			return nil, err
		}
		return s, nil
	}
	s, err := decodeYAMLStream(br, outer, name, limit, size, first > 0, rewind != nil, c)
	if errors.Is(err, errReread) {
		if err := rewind(); err != nil {
			return nil, fmt.Errorf("%s: %w: %s", name, snapshot.ErrInvalid, oneLine(err))
		}
		return decodeFrom(r, name, limit, size, nil, c)
	}
	return s, err
}

// errReread asks decodeFrom to read the document again, keeping its bytes for yaml.v3.
var errReread = errors.New("read again")

// decodeYAMLStream is decode for YAML: the lean reader reads the document one record at a time
// (decodeYAMLLeanFrom) while yamlInput counts the bytes and keeps them as long as yaml.v3 may
// still need them. A document the lean reader declines is read to its end, then checked and
// decoded exactly as the whole document was before: the errors come in the same order, and
// unmarshal decodes the bytes kept, or refuses a document too large for yaml.v3, which
// is why the bytes need not be kept beyond MaxWholeYAML. A file (canReread) is read again
// from the start for yaml.v3 (errReread) instead: keeping the first MaxWholeYAML bytes of
// every document in case it is declined would hold them through every load, where they are
// garbage once read. Standard input cannot be read again: its bytes are kept, up to
// MaxWholeYAML, and dropped as soon as the document is longer. With c, the records are given to
// c instead of kept (decodeChecked).
func decodeYAMLStream(br *bufio.Reader, outer *bufio.Reader, name string, limit int, size int64, sized, canReread bool, c *snapshot.Checker) (*snapshot.Snapshot, error) {
	in := &yamlInput{r: br, limit: limit, dropped: canReread}
	if !sized {
		size = 0
	} else if size <= MaxWholeYAML {
		in.first = int(min(size, int64(limit))) + 1 // + 1 to see EOF without a second chunk
	}
	var s snapshot.Snapshot
	_, ok, err := decodeYAMLLeanFrom(bufio.NewReaderSize(in, 64<<10), &s, size, limit, c)
	if errors.Is(err, snapshot.ErrTooLarge) {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if !ok {
		s = snapshot.Snapshot{}
		if c != nil {
			*c = snapshot.Checker{} // it saw part of the records
		}
		_, _ = io.Copy(io.Discard, in) // to the end: its errors come first
	}
	if errors.Is(in.err, io.ErrUnexpectedEOF) {
		return nil, fmt.Errorf("%s: %w: truncated: %s", name, snapshot.ErrInvalid, oneLine(in.err))
	}
	if in.err != nil {
		return nil, fmt.Errorf("%s: %w: %s", name, snapshot.ErrInvalid, oneLine(in.err))
	}
	if in.total > limit {
		return nil, fmt.Errorf("%s: %w (more than %d bytes)", name, snapshot.ErrTooLarge, limit)
	}
	if err := gzipTrailing(outer, name); err != nil {
		return nil, err
	}
	if !ok {
		if why := byteOrderMark(in.head[:in.headLen]); why != "" {
			return nil, fmt.Errorf("%s: %w: %s; procsnap writes UTF-8 without one", name, snapshot.ErrInvalid, why)
		}
		var err error
		if in.dropped && !in.past() {
			return nil, errReread
		}
		if in.dropped {
			// Not JSON (the first character is not '{'), not empty (it has an ASCII character
			// that is not a space), declined by the lean reader, larger than MaxWholeYAML.
			err = errNotLayout()
		} else {
			data := in.bytes()
			if len(bytes.TrimSpace(data)) == 0 {
				return nil, fmt.Errorf("%s: %w: file is empty", name, snapshot.ErrInvalid)
			}
			err = unmarshalChecked(data, &s, c)
		}
		if errors.Is(err, snapshot.ErrTooLarge) {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w: %s", name, snapshot.ErrInvalid, oneLine(err))
		}
	}
	// A document the lean reader took ends in the trailer: checkTrailer has nothing to refuse.
	if err := validate(&s, c); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &s, nil
}

// yamlInput reads a YAML document for decodeYAMLStream: it reads up to limit+1 bytes (one more
// than a document may have, to tell it is too large), records the first error, and keeps the
// bytes for yaml.v3 until they can no longer be needed: once there are more than MaxWholeYAML
// of them, one is an ASCII character other than a space (so the document is not empty), and the
// first that is not a space is not '{' (so unmarshal would not decode JSON).
type yamlInput struct {
	r     io.Reader
	limit int
	first int // the size of the first kept chunk, when the size is known; else 0

	total   int
	err     error // the first error other than io.EOF
	head    [3]byte
	headLen int

	kept     [][]byte
	dropped  bool
	lead     byte // the first byte other than ' ', '\t', '\r' or '\n', or 0
	notBlank bool // an ASCII byte other than a space was read
}

func (in *yamlInput) Read(p []byte) (int, error) {
	if in.err != nil {
		return 0, in.err
	}
	if in.total > in.limit {
		return 0, errTooLarge // stops the lean reader; decodeYAMLStream reports ErrTooLarge
	}
	n, err := in.r.Read(p[:min(len(p), in.limit+1-in.total)])
	in.note(p[:n])
	if err != nil && !errors.Is(err, io.EOF) {
		in.err = err // gzip's io.ErrUnexpectedEOF included: a truncated stream
	}
	return n, err
}

// note counts, inspects and keeps b.
func (in *yamlInput) note(b []byte) {
	in.total += len(b)
	in.headLen += copy(in.head[in.headLen:], b)
	for _, c := range b {
		if in.lead != 0 && in.notBlank {
			break
		}
		if in.lead == 0 && c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			in.lead = c
		}
		if c < utf8.RuneSelf && !asciiSpace(c) {
			in.notBlank = true
		}
	}
	if in.dropped {
		return
	}
	if in.past() {
		in.kept, in.dropped = nil, true
		return
	}
	const chunk = 1 << 20
	for len(b) > 0 {
		if len(in.kept) == 0 || len(in.kept[len(in.kept)-1]) == cap(in.kept[len(in.kept)-1]) {
			size := chunk
			if len(in.kept) == 0 && in.first > 0 {
				size = in.first
			}
			in.kept = append(in.kept, make([]byte, 0, size))
		}
		last := &in.kept[len(in.kept)-1]
		n := min(len(b), cap(*last)-len(*last))
		*last = append(*last, b[:n]...)
		b = b[n:]
	}
}

// past reports whether the document read so far is one unmarshal refuses without decoding
// (errNotLayout) if the lean reader declines it.
func (in *yamlInput) past() bool {
	return in.total > MaxWholeYAML && in.notBlank && in.lead != '{'
}

func asciiSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

// bytes returns the document read, when kept.
func (in *yamlInput) bytes() []byte {
	if len(in.kept) == 1 {
		return in.kept[0]
	}
	return bytes.Join(in.kept, nil)
}

// gzipTrailing reports data left in the compressed stream outer (nil when not gzip) after
// the one gzip member procsnap writes.
func gzipTrailing(outer *bufio.Reader, name string) error {
	if outer == nil {
		return nil
	}
	if _, err := outer.Peek(1); err == nil {
		return fmt.Errorf("%s: %w: data after the end of the gzip stream", name, snapshot.ErrInvalid)
	}
	return nil
}

// byteOrderMark names the byte-order mark data starts with, or "".
func byteOrderMark(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte{0xef, 0xbb, 0xbf}):
		return "starts with a UTF-8 byte-order mark"
	case bytes.HasPrefix(data, []byte{0xff, 0xfe}), bytes.HasPrefix(data, []byte{0xfe, 0xff}):
		return "is UTF-16 (starts with its byte-order mark)"
	}
	return ""
}

// oneLine joins a multi-line decoder error into one line. yaml.v3 lists every type error, one
// per line, so only the first three are kept.
func oneLine(err error) string {
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 3 {
		err = fmt.Errorf("yaml: %s; and %d more errors", strings.Join(te.Errors[:3], "; "), len(te.Errors)-3)
	}
	return strings.Join(strings.Fields(err.Error()), " ")
}

func unmarshal(data []byte, s *snapshot.Snapshot) error {
	return unmarshalChecked(data, s, nil)
}

// unmarshalChecked is unmarshal that, when c is not nil, gives c every record instead of keeping
// them in s (a document decoded whole by yaml.v3 is given to c after it).
func unmarshalChecked(data []byte, s *snapshot.Snapshot, c *snapshot.Checker) error {
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) > 0 && trimmed[0] == '{' {
		return decodeJSONChecked(bytes.NewReader(data), s, int64(len(data)), c)
	}
	_, ok, err := decodeYAMLLeanFrom(bufio.NewReader(bytes.NewReader(data)), s, int64(len(data)), len(data), c)
	if err != nil {
		return err // ErrTooLarge: records too large for the input (footprint)
	}
	if ok {
		return checkTrailer(data, s)
	}
	*s = snapshot.Snapshot{}
	if c != nil {
		*c = snapshot.Checker{} // it saw part of the records
	}
	if len(data) > MaxWholeYAML || yamlNodes(data) > maxWholeYAMLNodes {
		return errNotLayout()
	}
	if err := unmarshalYAML(data, s); err != nil {
		return err
	}
	var fp footprint // as the lean reader weighs them, though yaml.v3 has taken the memory already
	for i := range s.Processes {
		if err := fp.add(&s.Processes[i], int64(len(data))); err != nil {
			return err
		}
	}
	if c != nil && s.Processes != nil {
		for i := range s.Processes {
			c.Add(&s.Processes[i])
		}
		s.Processes = s.Processes[:0]
	}
	return nil
}

// validate validates s, whose records c has seen when not nil.
func validate(s *snapshot.Snapshot, c *snapshot.Checker) error {
	if c == nil {
		return s.Validate()
	}
	return c.Finish(&s.Header, s.Processes != nil)
}

// Check reads and validates the snapshot file at path as Load does, with the same answer, but
// keeps one record in memory at a time instead of all of them: what validate needs. A YAML
// document outside the lean layout (at most MaxWholeYAML) is still decoded whole.
func Check(path string) error {
	_, err := load(path, &snapshot.Checker{})
	return err
}

// CheckStream is Check of what r streams (standard input); name is used in error messages.
func CheckStream(r io.Reader, name string) error {
	_, err := decodeChecked(r, name, MaxFileSize, 0, &snapshot.Checker{})
	return err
}

// errNotLayout refuses a YAML document the lean reader declines that is larger than MaxWholeYAML
// or holds more than maxWholeYAMLNodes.
func errNotLayout() error {
	return fmt.Errorf("not in the YAML layout procsnap writes (README: Loading snapshots), and larger than "+
		"%d MiB or %d values, beyond what a general YAML decoder may read (about 25 times the file's size in "+
		"memory, 100 times for short records); convert it to JSON (yq -o json) or undo the hand edits",
		MaxWholeYAML>>20, maxWholeYAMLNodes)
}

// MaxWholeYAML bounds the YAML documents decoded whole by yaml.v3, those not in the layout the
// lean reader reads (comments and blank lines at column 0 are in it): yaml.v3 takes about 25
// times the size of a document of procsnap's records, so 8 MiB keeps such a load near 200 MB.
// It takes several hundred bytes per value, however short: a document of short records
// ("- {pid: 7}") takes 100 times its size, which maxWholeYAMLNodes bounds. JSON has no such
// bound: it is decoded as a stream.
const MaxWholeYAML = 8 << 20

// maxWholeYAMLNodes bounds the values (yamlNodes) of a document decoded whole by yaml.v3, so that
// a dense one costs no more than a document of procsnap's records does: 600,000 is about 6 MiB of
// them (10 bytes a value), 140 MB loaded; 2.6 MiB of one-line records, 270 MB.
const maxWholeYAMLNodes = 600_000

// yamlNodes is an upper bound on the number of values (yaml.v3 nodes) of a YAML document, counted
// without parsing it: a value starts a line, or follows ": ", "- ", ',', '{' or '['.
func yamlNodes(data []byte) int {
	n := 1 + bytes.Count(data, []byte("\n")) + bytes.Count(data, []byte(": ")) + bytes.Count(data, []byte(":\n")) +
		bytes.Count(data, []byte("- ")) + bytes.Count(data, []byte(","))
	return n + bytes.Count(data, []byte("{")) + bytes.Count(data, []byte("["))
}

// unmarshalYAML decodes a whole YAML document with yaml.v3: what unmarshal does with a document
// the lean reader declines, and the reference it is tested against.
func unmarshalYAML(data []byte, s *snapshot.Snapshot) error {
	if _, err := parseYAMLChecked(data, s); err != nil {
		return err
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(s); err != nil {
		return err
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return errors.New("more than one YAML document")
	}
	return checkTrailer(data, s)
}

// Load reads and validates the snapshot file at path, which must be a regular file: it is
// opened with O_NONBLOCK and checked with fstat before anything is read, so a FIFO, a device
// or a socket is refused at once instead of blocking (ErrInvalid, naming what it is). Callers
// that accept standard input say so explicitly and call Decode.
func Load(path string) (*snapshot.Snapshot, error) {
	return load(path, nil)
}

// load is Load, checking the records with c instead of keeping them when c is not nil.
func load(path string, c *snapshot.Checker) (*snapshot.Snapshot, error) {
	if format, _ := FormatFromPath(path); format == FormatJSONL {
		return nil, fmt.Errorf("%s: %w: jsonl is an export format that procsnap writes but does not read back", path, snapshot.ErrUnknownFormat)
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // "FILE: no such file or directory", like every other load error
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: %w: is a %s, not a regular file (give - to read standard input)",
			path, snapshot.ErrInvalid, fileKind(info.Mode()))
	}
	return decodeChecked(f, path, MaxFileSize, info.Size(), c)
}

// WriteFile writes s to path atomically and durably: a temporary file in the same directory
// created 0600, fsync, rename over path, fsync of the directory. The format comes from the
// extension unless format is set; a .gz suffix compresses. Nothing is left under path on failure.
func WriteFile(path string, s *snapshot.Snapshot, format string) error {
	extFormat, gz := FormatFromPath(path)
	if format == "" {
		format = extFormat
	}
	return AtomicWrite(path, func(w io.Writer) error { return EncodeFile(w, s, format, gz) })
}

// EncodeFile encodes s in format (yaml when empty), gzip-compressed when gz is set.
func EncodeFile(w io.Writer, s *snapshot.Snapshot, format string, gz bool) error {
	if format == "" {
		format = FormatYAML
	}
	if !gz {
		return Encode(w, s, format)
	}
	zw := gzip.NewWriter(w)
	if err := Encode(zw, s, format); err != nil {
		return err
	}
	return zw.Close()
}

// AtomicWrite creates path with mode 0600 through a temporary file in the same directory, so
// that path holds either the complete previous content or the complete new one, never a part.
// An existing symlink at path is replaced, never followed.
func AtomicWrite(path string, write func(io.Writer) error) error {
	return AtomicWriteMode(path, 0o600, write)
}

// AtomicWriteMode is AtomicWrite creating the file with mode perm: for files other users must
// read and that hold nothing they may not see (procsnap metrics, 0644). Like every writer of
// procsnap it first checks the directory (CheckDir): one another user controls is refused.
func AtomicWriteMode(path string, perm os.FileMode, write func(io.Writer) error) error {
	dir := filepath.Dir(path)
	if err := CheckDir(dir); err != nil {
		return err
	}
	tmp, err := WriteTemp(dir, "."+filepath.Base(path)+".tmp-*", perm, write)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return SyncDir(dir)
}

// writeTemp creates a new file in dir named after pattern (as os.CreateTemp, so O_EXCL and
// never through a symlink), mode perm, fills it with write, fsyncs and closes it, and returns
// its path. On failure it removes the file.
func WriteTemp(dir, pattern string, perm os.FileMode, write func(io.Writer) error) (name string, err error) {
	tmp, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return "", err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = tmp.Chmod(perm); err != nil {
		return "", err
	}
	bw := bufio.NewWriterSize(tmp, 256<<10)
	if err = write(bw); err != nil {
		return "", err
	}
	if err = bw.Flush(); err != nil {
		return "", err
	}
	if err = tmp.Sync(); err != nil {
		return "", err
	}
	if err = tmp.Close(); err != nil {
		return "", err
	}
	return tmp.Name(), nil
}

func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return fmt.Errorf("fsync %s: %w", dir, err)
	}
	return nil
}

// checkTrailer requires the YAML trailer in files of schema v1.1 and later that carry counts
// (every file procsnap writes): without it the file was cut short.
func checkTrailer(data []byte, s *snapshot.Snapshot) error {
	if schemaMinor(s.Header.Schema) < 1 || s.Header.Counts.Processes == 0 && s.Header.Counts.Skipped == 0 {
		return nil
	}
	if !bytes.HasSuffix(bytes.TrimRight(data, " \t\r\n"), []byte(strings.TrimSpace(yamlTrailer))) {
		return fmt.Errorf("truncated: the last line is not %q", strings.TrimSpace(yamlTrailer))
	}
	return nil
}

// schemaMinor returns the minor version of a "procsnap/vMAJOR.MINOR" schema, 0 when absent.
func schemaMinor(schema string) int {
	_, minor, ok := strings.Cut(schema, ".")
	if !ok {
		return 0
	}
	n, err := strconv.Atoi(minor)
	if err != nil {
		return 0
	}
	return n
}
