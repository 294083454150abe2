package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"indicators/internal/dataset"
)

const (
	bundledReport = "../../internal/dataset/data/az-2024-report.txt"
	bundledData   = "../../internal/dataset/data/az-2024.yaml"
)

// runCommand runs the command line without a database, as verify and
// extract need none.
func runCommand(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err = run(context.Background(), append([]string{"indicators"}, args...), env(), strings.NewReader(""), &out, &errOut)
	return out.String(), errOut.String(), err
}

// changedReport writes a copy of the bundled report with one figure changed
// and one sentence with a number added: both must be caught.
func changedReport(t *testing.T) string {
	t.Helper()
	raw, err := os.ReadFile(bundledReport)
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	for _, edit := range []struct{ old, new string }{
		{"161 (+2) acts of trafficking", "162 (+2) acts of trafficking"},
		{"ongoing in these directions.", "ongoing in these directions. In addition, 27 mobile teams were deployed to border regions."},
	} {
		if strings.Count(text, edit.old) != 1 {
			t.Fatalf("%q is not in the report once", edit.old)
		}
		text = strings.Replace(text, edit.old, edit.new, 1)
	}
	path := filepath.Join(t.TempDir(), "changed-report.txt")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestVerifyCommand(t *testing.T) {
	changed := changedReport(t)
	broken := filepath.Join(t.TempDir(), "broken.yaml")
	if err := os.WriteFile(broken, []byte("format: indicators/v1\nrelease: {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	runCases(t, env(), []cliCase{
		{"the bundled report is fully accounted for", []string{"verify", bundledReport, bundledData}, false,
			"az-2024-report.txt: 230 numbers, 230 accounted for, 0 not; 0 quote problem(s)", nil},
		{"a changed figure and an added sentence are caught", []string{"verify", changed, bundledData}, true,
			"231 numbers, 228 accounted for, 3 not; 1 quote problem(s)", []string{
				bundledData + `:1404: quote "161 (+2) acts of trafficking in persons" does not occur in the report`,
				changed + ":129: 162 is not accounted for: During the reporting period",
				changed + ":173: 27 is not accounted for: In addition, 27 mobile teams were deployed to border regions.",
			}},
		{"an invalid data file is reported, not verified", []string{"verify", bundledReport, broken}, true, "",
			[]string{broken + ":2: release: code is required"}},
		{"a missing report", []string{"verify", filepath.Join(t.TempDir(), "nope.txt"), bundledData}, true, "", nil},
		{"no data file", []string{"verify", bundledReport}, true, "", []string{"usage: indicators verify REPORT.txt DATAFILE..."}},
	})
}

func TestExtractCommand(t *testing.T) {
	dir := t.TempDir()
	draft := filepath.Join(dir, "az-2025.yaml")
	tests := []struct {
		name    string
		args    []string
		wantErr bool
		wantOut string
		wantMsg string // on stderr or in the error
	}{
		{"to standard output", []string{"extract", bundledReport}, false, "format: indicators/v1", "ignored entries for 2024, all marked REVIEW"},
		{"to a new file, for another year", []string{"extract", "-o", draft, "--year", "2025", bundledReport}, false, "", "for 2025"},
		{"never over an existing file", []string{"extract", "-o", draft, bundledReport}, true, "", draft + " already exists"},
		{"with the codes of another file", []string{"extract", "--codes", "../../internal/dataset/testdata/fixture.yaml", bundledReport}, false,
			"code: fixture-2024", ""},
		{"no report", []string{"extract"}, true, "", "usage: indicators extract"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, msg, err := runCommand(t, tc.args...)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v\nstderr: %s", err, tc.wantErr, msg)
			}
			if err != nil {
				msg += err.Error()
			}
			if !strings.Contains(out, tc.wantOut) || !strings.Contains(msg, tc.wantMsg) {
				t.Errorf("stdout %.200q… / messages %q lack %q / %q", out, msg, tc.wantOut, tc.wantMsg)
			}
		})
	}

	t.Run("the draft file parses and verifies", func(t *testing.T) {
		data, err := os.ReadFile(draft)
		if err != nil {
			t.Fatal(err)
		}
		ds, err := dataset.Parse(draft, data)
		if err != nil {
			t.Fatalf("draft does not parse: %v", err)
		}
		if ds.Release.Code != "az-2025" || ds.Release.ReferenceYear != 2025 {
			t.Errorf("release = %+v, want az-2025 for 2025", ds.Release)
		}
		out, errOut, err := runCommand(t, "verify", bundledReport, draft)
		if err != nil || !strings.Contains(out, "0 not; 0 quote problem(s)") {
			t.Errorf("verify on the draft: %v\n%s%s", err, out, errOut)
		}
		// Every drafted line is left to review, the doubtful ones listed
		// first with their file line, most doubtful first.
		reported := 0
		for _, o := range ds.Observations {
			if o.Status == dataset.Reported {
				reported++
			}
		}
		want := fmt.Sprintf("%d lines to review, ", reported+len(ds.Ignored))
		if !strings.Contains(out, want) || !strings.Contains(out, "most doubtful first:\n  "+draft+":") {
			t.Errorf("verify on the draft does not list the lines to review (%q):\n%s", want, out)
		}
		if !strings.Contains(string(data), "# doubt ") {
			t.Error("the draft has no doubt comments")
		}
	})
}
