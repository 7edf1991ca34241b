package render

import (
	"errors"
	"slices"
)

// ErrNoMatch marks a selection that matched no process.
var ErrNoMatch = errors.New("no process matches")

// ErrColumnNotRead marks a --sort on a column the snapshot did not record.
var ErrColumnNotRead = errors.New("column was not read")

// RowSelect picks ps rows as ps's -p, --ppid and -u do: a process is kept when it matches any
// of the lists given (a union, as ps selects); the zero RowSelect keeps every row.
type RowSelect struct {
	PIDs  []int
	PPIDs []int
	// EUIDs are effective uids, as ps -u compares.
	EUIDs []int
}

// IsZero reports whether s keeps every row.
func (s RowSelect) IsZero() bool { return len(s.PIDs) == 0 && len(s.PPIDs) == 0 && len(s.EUIDs) == 0 }

// SelectRows returns the rows s keeps, in their order.
func SelectRows(rows []*Row, s RowSelect) []*Row {
	if s.IsZero() {
		return rows
	}
	return slices.DeleteFunc(slices.Clone(rows), func(r *Row) bool {
		return !slices.Contains(s.PIDs, r.p.PID) && !slices.Contains(s.PPIDs, r.p.PPID) &&
			!slices.Contains(s.EUIDs, r.p.EUID)
	})
}

// CheckSortRead returns ErrColumnNotRead when a sort key is a column f did not record: fds
// of a snapshot taken without descriptors. Sorting on it would silently sort by PID.
func CheckSortRead(f *Forest, keys []SortKey) error {
	for _, k := range keys {
		if k.Column.Name == "fds" && f.NoFDs {
			return ErrColumnNotRead
		}
	}
	return nil
}
