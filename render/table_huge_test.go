package render

import (
	"io"
	"runtime"
	"strings"
	"testing"
)

// TestPlainTableHugeCellIsLinear: a table with a 16 MB cell (ps of a snapshot holding a huge
// command line) allocates a small multiple of the cell. Through the table library it allocated
// 14 times the cell (ps of a 100 MB command line took 1.4 GB and 23 s).
func TestPlainTableHugeCellIsLinear(t *testing.T) {
	const size = 16 << 20
	rows := [][]string{{"1", strings.Repeat("a", size)}, {"2", "sleep 1"}}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	if err := plainTable(io.Discard, []string{"PID", "COMMAND"}, rows, TableOptions{}); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	if got := after.TotalAlloc - before.TotalAlloc; got > 3*size {
		t.Errorf("allocated %d MB for a %d MB cell, want at most 3 times the cell", got>>20, size>>20)
	}
}

// TestPlainTableWidths: the columns are as wide as their widest cell as written, two blanks
// apart, with no trailing blanks, whatever the display width of the text.
func TestPlainTableWidths(t *testing.T) {
	var b strings.Builder
	rows := [][]string{{"1", "日本", "x"}, {"200", "ab", ""}, {"3", "naïve", "é"}}
	if err := plainTable(&b, []string{"PID", "NAME", "C"}, rows, TableOptions{}); err != nil {
		t.Fatal(err)
	}
	want := "PID  NAME   C\n" +
		"1    日本   x\n" +
		"200  ab\n" +
		"3    naïve  é\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}
