package format

import (
	"fmt"

	"github.com/procsnap/procsnap/snapshot"
)

//go:generate go run ../../scripts/gencodec -codec footprint -model .. -type Process -out footprint_gen.go

// A loaded snapshot holds its records as structs (a snapshot.Process is several hundred bytes,
// however short its record in the file), so a file of minimal records ("- pid: 7") would take
// over a hundred times its size in memory. The readers weigh what the records they keep hold
// (processFootprint, generated from the model) against the bytes they have read, and refuse a
// file whose records outweigh maxFootprintRatio times those bytes plus footprintSlack: memory
// then stays a small multiple of the input whatever its shape. Files take writes hold 0.9 to 1.4
// times their size (TestFootprintOfTakes: every record carries the keys take writes for any
// process), well within the bound; the slack lets any small hand-written file load.
const (
	maxFootprintRatio = 4
	footprintSlack    = 16 << 20
)

// growProcesses returns ps with room for one more record of a file whose header counts count
// of them. The first record gets room for all of them, up to what the footprint bound allows
// for an input of size bytes (0: unknown, then what footprintSlack allows, 29,000 records):
// neither a false header nor a document declined before its first record costs more. From
// there the capacity doubles, or rises to the count when that is nearer. (append grows a large
// slice by a quarter at a time, which allocated about five times the final list; doubling
// allocates at most three times, and a file's honest count once.)
func growProcesses(ps []snapshot.Process, count int, size int64) []snapshot.Process {
	if len(ps) < cap(ps) {
		return ps
	}
	n := max(2*cap(ps), 16)
	if cap(ps) == 0 {
		most := (maxFootprintRatio*size + footprintSlack) / int64(processSize)
		n = max(n, int(min(int64(count), most)))
	} else if count > len(ps) {
		n = min(n, count)
	}
	grown := make([]snapshot.Process, len(ps), n)
	copy(grown, ps)
	return grown
}

// footprint weighs the records of one decode against its input.
type footprint struct {
	held    int64
	records int
}

// add weighs p, read within the first read bytes of the input (decompressed), and returns an
// error wrapping snapshot.ErrTooLarge once the records hold too much for the input.
func (f *footprint) add(p *snapshot.Process, read int64) error {
	f.records++
	f.held += int64(processSize + processFootprint(p))
	if f.held <= maxFootprintRatio*read+footprintSlack {
		return nil
	}
	return fmt.Errorf("%w: %d records in its first %d bytes would take %d MiB in memory, more than %d times their size: "+
		"records that short are not procsnap's (each record of take carries at least pid, start_ticks, ppid, pgid, sid, "+
		"state, comm and the ids)", snapshot.ErrTooLarge, f.records, read, f.held>>20, maxFootprintRatio)
}

// Memory held beyond a struct, for the generated footprints. A map is counted as Go's maps
// store it: a header, then groups of eight slots each with a control word, filled to 7/8.

func ptrFootprint(p *uint32) int {
	if p == nil {
		return 0
	}
	return 8
}

func intsFootprint(v []int) int { return cap(v) * 8 }

func strsFootprint(v []string) int {
	n := cap(v) * 16
	for _, s := range v {
		n += len(s)
	}
	return n
}

func mapFootprint(entries, slot int) int {
	if entries == 0 {
		return 0
	}
	groups := (entries + 6) / 7
	return 48 + groups*(8+8*slot)
}

func uintMapFootprint(m map[string]uint64) int {
	n := mapFootprint(len(m), 16+8)
	for k := range m {
		n += len(k)
	}
	return n
}

func strMapFootprint(m map[string]string) int {
	n := mapFootprint(len(m), 16+16)
	for k, v := range m {
		n += len(k) + len(v)
	}
	return n
}
