package cmd

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

// parseAge parses a duration as Go does (90s, 1h30m), plus whole days and weeks (7d, 2w),
// which retention periods are usually written in. It must be positive.
func parseAge(s string) (time.Duration, error) {
	var d time.Duration
	var err error
	if strings.HasPrefix(s, "-") {
		return 0, errors.New("want a positive duration")
	}
	if n, unit := strings.TrimRight(s, "dw"), strings.TrimLeft(s, "0123456789"); (unit == "d" || unit == "w") && n != "" {
		var days int
		days, err = strconv.Atoi(n)
		if unit == "w" {
			days *= 7
		}
		d = time.Duration(days) * 24 * time.Hour
		if days > 100*366 {
			err = errors.New("more than a century")
		}
	} else {
		d, err = time.ParseDuration(s)
	}
	if err != nil {
		return 0, errors.New("not a duration (want 90s, 45m, 6h, 2d or 1w)")
	}
	if d <= 0 {
		return 0, errors.New("want a positive duration")
	}
	return d, nil
}

// whenLayouts are the absolute times --from and --to accept. Without an offset they are UTC.
var whenLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	"2006-01-02",
	"20060102T150405Z",
	"20060102T150405.000000000Z",
}

// parseWhen parses a point in time for --from and --to: an absolute time in one of whenLayouts,
// "now", or a duration ago (as parseAge: 90m, 2h, 3d).
func parseWhen(s string, now time.Time) (time.Time, error) {
	if s == "now" {
		return now, nil
	}
	for _, layout := range whenLayouts {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t.UTC(), nil
		}
	}
	if d, err := parseAge(s); err == nil {
		return now.Add(-d), nil
	}
	return time.Time{}, errors.New(`want a time like 2026-11-24T01:30:00Z, "2026-11-24 01:30" (UTC), now, or a duration ago like 90m or 2d`)
}
