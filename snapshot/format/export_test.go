package format

// Allocated is allocated (decode_yaml_bound_test.go) for the tests of package format_test.
var Allocated = allocated

// The footprint bound (footprint.go), for the tests of package format_test.
const (
	MaxFootprintRatio = maxFootprintRatio
	FootprintSlack    = footprintSlack
)
