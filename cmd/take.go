package cmd

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/procsnap/procsnap/snapshot/capture"
	snapformat "github.com/procsnap/procsnap/snapshot/format"
	"github.com/procsnap/procsnap/snapshot/proc"

	"github.com/spf13/cobra"

	"github.com/procsnap/procsnap/render"
	"github.com/procsnap/procsnap/render/fleet"
	"github.com/procsnap/procsnap/snapshot"
)

type takeOptions struct {
	output   string
	dir      string
	format   string
	compress bool
	keep     int
	maxAge   string
	verbose  bool
	noFDs    bool
	noStack  bool
	pids     []int
	force    bool
	redact   bool
	// redactPatterns are user patterns for --redact-pattern (they imply --redact).
	redactPatterns []string
	// progress is stderr: the read shows progress there when it is a terminal.
	progress io.Writer
}

func (o *takeOptions) AddFlags(c *cobra.Command) {
	f := c.Flags()
	f.StringVarP(&o.output, "output", "o", "", "write the snapshot to `FILE` (atomically, mode 0600) instead of stdout; .yaml, .yml, .json, .jsonl, optionally .gz; a name ending in / or an existing directory means --dir")
	f.StringVar(&o.dir, "dir", "", "capture into `DIR` (created 0700): a new file <host>-<UTC time>.yaml (.json, .jsonl, .gz) per run, never overwriting")
	f.StringVar(&o.format, "format", "", "yaml, json, or jsonl (one JSON object per process, for log pipelines; not read back by procsnap), or ecs or ocsf (one ECS or OCSF document per process, to stdout) (default: from the -o extension, else yaml)")
	f.BoolVar(&o.compress, "compress", false, "gzip the output (with -o, the name must end in .gz)")
	f.IntVar(&o.keep, "keep", 0, "with --dir: after writing, keep only the `N` newest captures of this host")
	f.StringVar(&o.maxAge, "max-age", "", "with --dir: after writing, remove captures of this host older than `DURATION` (90m, 12h, 7d, 2w)")
	f.BoolVarP(&o.verbose, "verbose", "v", false, "print the path written even when stdout is not a terminal")
	f.BoolVar(&o.noFDs, "no-fds", false, "skip file descriptors (fd and fdinfo)")
	f.BoolVar(&o.noStack, "no-stack", false, "skip kernel stacks")
	f.IntSliceVar(&o.pids, "pid", nil, "record only this `PID` (repeatable)")
	f.BoolVar(&o.force, "force", false, "let -o replace a file that is not one of your procsnap snapshots, or a symlink (replaced, never followed)")
	f.BoolVar(&o.redact, "redact", false, "remove secrets from command lines before anything is written (mysql -pX, sshpass -p X, --password=X, --token X, PASSWORD=X, user:pass@ in URLs, Authorization headers, JSON \"password\" fields, also inside sh -c scripts; see the README)")
	f.StringArrayVar(&o.redactPatterns, "redact-pattern", nil, "also redact what this Go `REGEX` matches (its groups, if any) in cmdline, comm, exe, cwd and fd targets; repeatable; implies --redact")
}

func newTakeCommand(g *globalOptions, io IO) *cobra.Command {
	o := &takeOptions{}
	c := &cobra.Command{
		Use:   "take",
		Short: "Take a snapshot of every process",
		Long: `Take a snapshot of every visible process: identity (pid, start ticks), tree (ppid, pgid,
sid, tpgid, tty, children), state, tracer, wchan, kernel stack, comm, exe, cmdline, cwd, ids,
signal masks and the SIGCHLD disposition, namespaces, and every file descriptor with its fdinfo.

What cannot be read (another user's fds, kernel stacks without CAP_SYS_ADMIN, a process that
exits mid-read) is recorded per field with its reason; it is never fatal.

CAPTURE DIRECTORIES (cron, systemd timers)
  With --dir DIR (or -o DIR/) each run writes a new file DIR/<host>-<YYYYMMDDTHHMMSS.nnnnnnnnnZ>
  .yaml (.json, .jsonl, .gz), named after the UTC time of the snapshot so names sort by time.
  Writes are atomic and durable (temporary file, fsync, rename that never replaces, fsync of the
  directory): a run killed at any moment leaves a complete capture or none, and a capture that
  would get an existing name (two runs in the same nanosecond, or a planted symlink) gets a _001,
  _002... suffix instead. Leftover temporary files of killed runs are removed by a later run.
  Retention (--keep, --max-age) applies after a successful write, to this host's captures only,
  and only to files that are named like captures and start like a procsnap snapshot; a file is
  removed when either rule says so. The capture just written is never removed and counts as the
  newest; the others rank by the time in their names, so captures named after it (a clock
  stepped back, restored files) are noted on stderr. With -v each removal is printed with its
  reason.
  On a terminal, or with -v, the path written is printed; otherwise take is silent on success.
  Any failure exits non-zero with the reason on stderr (cron mails it). List, diff and read a
  directory with 'procsnap ls DIR'.

  jsonl is an export format (one object per process with schema, host, boot_id and taken_at on
  each line, for Elasticsearch, Loki, ClickHouse or DuckDB); procsnap does not read it back.`,
		Example: `  procsnap take                       # YAML to stdout
  procsnap take -o before.yaml.gz     # compressed file, mode 0600
  procsnap take --format json --no-fds --pid 1 --pid $$
  procsnap take --redact --redact-pattern 'sk_live_\w+' -o /tmp/snap.yaml
  procsnap take --dir /var/lib/procsnap --compress --keep 288 --max-age 7d
  procsnap take --format jsonl | vector ...   # one JSON object per process`,
		RunE: func(c *cobra.Command, _ []string) error {
			o.progress = io.Err
			return runTake(c.Context(), g, o, io.Out)
		},
	}
	o.AddFlags(c)
	return c
}

// takeTarget is where take writes, decided from the flags before anything is read.
type takeTarget struct {
	dir    string // capture directory, or
	file   string // a file, or stdout when both are empty
	format string
	gz     bool
	maxAge time.Duration
	redact *snapshot.Redactor
}

// target decides where take writes; stdoutTTY says whether stdout is a terminal (gzip data is
// not written to one, as gzip refuses).
func (o *takeOptions) target(stdoutTTY bool) (takeTarget, error) {
	t := takeTarget{format: o.format, dir: o.dir, gz: o.compress}
	switch o.format {
	case "", snapformat.FormatYAML, snapformat.FormatJSON, snapformat.FormatJSONL:
	case fleet.FormatECS, fleet.FormatOCSF:
		if o.output != "" || o.dir != "" || o.compress {
			return t, usageErrorf("--format %s writes to stdout, for a shipper: drop -o, --dir and --compress", o.format)
		}
	default:
		return t, usageErrorf("--format %q: want yaml, json, jsonl, ecs or ocsf", o.format)
	}
	for _, p := range o.pids {
		if p <= 0 {
			return t, usageErrorf("--pid %d: want a positive PID", p)
		}
	}
	if o.output != "" && o.dir != "" {
		return t, usageErrorf("-o %s and --dir %s: give one of them", o.output, o.dir)
	}
	if o.output != "" {
		if info, err := os.Stat(o.output); strings.HasSuffix(o.output, "/") || (err == nil && info.IsDir()) {
			t.dir = o.output
		} else {
			t.file = o.output
		}
	}
	if t.file != "" && o.compress && !strings.HasSuffix(t.file, ".gz") {
		return t, usageErrorf("--compress with -o %s: name the file .gz", t.file)
	}
	if t.file == "" && t.dir == "" && o.compress && stdoutTTY {
		return t, usageErrorf("--compress: compressed data not written to a terminal; use -o FILE.gz or a pipe")
	}
	if err := checkExtension(t.file, o.format); err != nil {
		return t, err
	}
	if o.keep < 0 {
		return t, usageErrorf("--keep %d: want a positive number of captures", o.keep)
	}
	if o.maxAge != "" {
		d, err := parseAge(o.maxAge)
		if err != nil {
			return t, usageErrorf("--max-age %q: %v", o.maxAge, err)
		}
		t.maxAge = d
	}
	if t.dir == "" && (o.keep > 0 || t.maxAge > 0) {
		return t, usageErrorf("--keep and --max-age apply to capture directories: add --dir DIR")
	}
	if o.redact || len(o.redactPatterns) > 0 {
		r, err := snapshot.NewRedactor(o.redactPatterns)
		if err != nil {
			return t, usageErrorf("--redact-pattern: %w", err)
		}
		t.redact = r
	}
	if t.file != "" {
		if _, err := snapformat.CheckOutput(t.file, o.force); err != nil {
			return t, outputError(t.file, err)
		}
	}
	return t, nil
}

func runTake(ctx context.Context, g *globalOptions, o *takeOptions, out io.Writer) error {
	t, err := o.target(render.IsTerminal(out))
	if err != nil {
		return err
	}
	progress := render.NewProgress(o.progress, "reading processes")
	s, err := proc.Take(ctx, proc.TakeOptions{
		Root: g.procRoot, NoFDs: o.noFDs, NoStack: o.noStack, PIDs: o.pids, Version: Version(),
		Redact: t.redact, Progress: progress.Update,
	})
	progress.Done()
	if err != nil {
		return err
	}
	if err := missingPIDs(s, o.pids); err != nil {
		return err
	}
	var written string
	switch {
	case t.dir != "":
		res, err := capture.WriteCapture(t.dir, s, capture.CaptureOptions{
			Format: t.format, Gzip: t.gz, Keep: o.keep, MaxAge: t.maxAge,
		})
		if err != nil && res.Path != "" {
			return fmt.Errorf("wrote %s, then: %w", res.Path, err)
		}
		if err != nil {
			return err
		}
		written = res.Path
		if o.progress != nil && (res.Future > 0 || ((o.verbose || render.IsTerminal(out)) && len(res.Pruned) > 0)) {
			// On stderr: stdout holds the path alone, for scripts; a future-dated name is
			// worth a cron mail even when take is otherwise silent.
			if err := render.Retention(o.progress, res.Pruned, res.Future); err != nil {
				return err
			}
		}
	case t.file != "":
		if err := snapformat.WriteOutput(t.file, s, t.format, o.force); err != nil {
			return outputError(t.file, err)
		}
		written = t.file
	default:
		return encodeStdout(out, s, t)
	}
	if o.verbose || render.IsTerminal(out) {
		return render.WrittenPath(out, written)
	}
	return nil
}

func encodeStdout(out io.Writer, s *snapshot.Snapshot, t takeTarget) error {
	if fleet.IsFormat(t.format) {
		e, err := fleet.NewEncoder(out, t.format, Version())
		if err != nil {
			return err
		}
		return e.Processes(s)
	}
	bw := bufio.NewWriterSize(out, 256<<10)
	if err := snapformat.EncodeFile(bw, s, t.format, t.gz); err != nil {
		return err
	}
	return bw.Flush()
}

// outputError maps a refusal to replace the -o file (or a file planted there meanwhile) to a usage
// error, which --force answers; anything else is a failure to write.
func outputError(path string, err error) error {
	if errors.Is(err, snapformat.ErrRefuseReplace) || errors.Is(err, snapformat.ErrUnsafePath) {
		return usageError{err}
	}
	if errors.Is(err, fs.ErrExist) {
		return usageErrorf("%s appeared while the snapshot was taken; not replaced (use --force): %w", path, err)
	}
	return fmt.Errorf("writing %s: %w", path, err)
}

// checkExtension refuses an -o name whose extension says another format than --format
// (-o snap.json --format yaml): the file would lie about its content.
func checkExtension(file, format string) error {
	if file == "" || format == "" {
		return nil
	}
	if ext, _ := snapformat.FormatFromPath(file); ext != "" && ext != format {
		return usageErrorf("-o %s is named .%s but --format is %s: rename the file or drop --format", file, ext, format)
	}
	return nil
}

// missingPIDs refuses a --pid snapshot that lacks a requested process (nothing is written),
// naming each with the reason it was not recorded.
func missingPIDs(s *snapshot.Snapshot, pids []int) error {
	var missing []string
	for _, pid := range pids {
		if s.Find(pid) != nil {
			continue
		}
		why := "no such process"
		for _, sk := range s.Header.Skipped {
			if sk.PID == pid && sk.Reason != snapshot.ReasonVanished {
				why = sk.Reason
			}
		}
		missing = append(missing, fmt.Sprintf("--pid %d: %s", pid, why))
	}
	if len(missing) == 0 {
		return nil
	}
	return inputError{fmt.Errorf("%s; nothing written", strings.Join(missing, "; "))}
}
