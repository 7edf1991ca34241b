// Command gencodec writes the record code of the fast YAML codec, of the JSON process writer
// (-codec json) or of the records' memory weights (-codec footprint), from the model's struct
// tags (internal/codegen). It runs from a go:generate directive beside the codec:
//
//	//go:generate go run ../../scripts/gencodec -model .. -type Process -out yaml_records_gen.go
//	//go:generate go run ../../scripts/gencodec -codec json -model .. -type Process -out json_records_gen.go
//	//go:generate go run ../../scripts/gencodec -codec footprint -model .. -type Process -out footprint_gen.go
package main

import (
	"fmt"
	"os"

	"github.com/procsnap/procsnap/internal/codegen"
)

func main() {
	c, err := codegen.ParseArgs(".", os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if err := codegen.Write(c); err != nil {
		fmt.Fprintln(os.Stderr, "gencodec:", err)
		os.Exit(1)
	}
}
