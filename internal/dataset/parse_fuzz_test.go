package dataset

import (
	"bytes"
	"errors"
	"os"
	"testing"
)

// FuzzParse feeds arbitrary bytes to the data-file parser. Whatever the
// input, it must answer a dataset or a ValidationError whose every problem
// names the file, a line within it and a reason: what `indicators load`
// shows the person who wrote the file. The seeds are the fixture and the
// decimals file (the bundled data is too large to mutate usefully), plus the
// corpus in testdata/fuzz/FuzzParse; fuzz with
// `go test ./internal/dataset -run '^$' -fuzz FuzzParse -fuzztime 10s`.
func FuzzParse(f *testing.F) {
	for _, path := range []string{"testdata/fixture.yaml", "testdata/decimals.yaml"} {
		b, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ds, err := Parse("fuzz.yaml", data)
		if err == nil {
			if ds == nil {
				t.Fatal("no dataset and no error")
			}
			return
		}
		var invalid *ValidationError
		if !errors.As(err, &invalid) || len(invalid.Problems) == 0 {
			t.Fatalf("not a list of problems: %v", err)
		}
		// Counted independently of the parser's own clamp: at CR LF, LF and a
		// lone CR, as an editor counts them.
		lines := bytes.Count(data, []byte("\n")) + bytes.Count(data, []byte("\r")) - bytes.Count(data, []byte("\r\n")) + 1
		for _, p := range invalid.Problems {
			if p.File != "fuzz.yaml" || p.Line < 1 || p.Line > lines || p.Reason == "" {
				t.Errorf("problem %q lacks its file, a line of the file's %d, or a reason", p, lines)
			}
		}
	})
}
