package format

import (
	"os"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 24, 1, 2, 3, 456789012, time.UTC)

func writeString(tb testing.TB, path, content string) {
	tb.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		tb.Fatal(err)
	}
}
