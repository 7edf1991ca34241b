#!/bin/sh
# install_check.sh: make install into a temporary DESTDIR, then check the binary runs, the
# completions offer the values of --kind, --format and --columns, and the man pages render.
set -eu
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
make --no-print-directory install DESTDIR="$dest" PREFIX=/usr >/dev/null
fail() { echo "install-check: $*" >&2; exit 1; }
bin="$dest/usr/bin/procsnap"
[ -x "$bin" ] || fail "no $bin"
"$bin" version >/dev/null || fail "$bin version failed"
for f in share/bash-completion/completions/procsnap share/zsh/site-functions/_procsnap \
	share/fish/vendor_completions.d/procsnap.fish share/man/man1/procsnap.1 share/man/man1/procsnap-diff.1; do
	[ -s "$dest/usr/$f" ] || fail "missing or empty: $f"
done
# The completion scripts ask the binary for values: check the binary's answers.
"$bin" __complete diff a b --kind fd_l 2>/dev/null | grep -qx fd_leaked || fail "--kind does not complete fd_leaked"
"$bin" __complete ps --columns pid,comm 2>/dev/null | grep -qx pid,command || fail "--columns does not complete pid,command"
"$bin" __complete log d --format j 2>/dev/null | grep -qx jsonl || fail "--format does not complete jsonl"
grep -q 'EXIT STATUS' "$dest/usr/share/man/man1/procsnap-diff.1" || fail "the diff man page lacks EXIT STATUS"
if command -v groff >/dev/null; then
	groff -k -man -Tutf8 -ww -z "$dest/usr/share/man/man1/procsnap-ps.1" 2>&1 | grep . && fail "groff warns on procsnap-ps.1"
fi
echo "install-check: ok ($(ls "$dest/usr/share/man/man1" | wc -l) man pages, 3 completions)"
