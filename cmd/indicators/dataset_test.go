package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"indicators/internal/testdb"
)

func TestCheckAndDictionaryCommands(t *testing.T) {
	fixture, err := os.ReadFile("../../internal/dataset/testdata/fixture.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// The fixture's victims by sex (90 women) do not add up to 91 once the
	// man is missing; make them cover every member to get an inconsistency.
	inconsistent := strings.Replace(string(fixture), "    quote: (90 women, 1 man)\n", "    quote: (90 women, 1 man)\n"+
		"  - indicator: victims_identified\n    period: 2024\n    value: 3\n    agency: MIA_DCTHB\n    by: {SEX: M}\n"+
		"    section: Criminal Prosecution and Work with Victims\n    quote: (90 women, 1 man)\n", 1)
	path := filepath.Join(t.TempDir(), "inconsistent.yaml")
	if err := os.WriteFile(path, []byte(inconsistent), 0o644); err != nil {
		t.Fatal(err)
	}
	dict := filepath.Join(t.TempDir(), "dict.md")
	runCases(t, env(), []cliCase{
		{"bundled: the age bands", []string{"check"}, false, "az-2024: inconsistent: victims_identified AZE 2024 by AGE: 12 + 49 + 29 = 90 of 91 (1 unallocated)", nil},
		{"bundled: relations between indicators hold", []string{"check"}, false, "5 other relations the report implies: 0 do not hold", nil},
		{"all lists the ones that add up", []string{"check", "--all"}, false, "adds up: victims_legal_aid AZE 2024 by PROCEEDINGS_STAGE: 70 + 28 = 98 of 98", nil},
		{"a file", []string{"check", path}, false, "fixture-2024: inconsistent: victims_identified AZE 2024 by SEX: 90 + 3 = 93 of 91 (cells exceed the total by 2)", nil},
		{"strict fails on inconsistency", []string{"check", "--strict", path}, true, "1 inconsistent", nil},
		{"suppress-below lists the small cells", []string{"check", "--suppress-below", "5"}, false, "az-2024: SMALL_CELL: readmitted_persons_identified_as_victims_abroad AZE 2024 = 1 (line 1212)", nil},
		{"suppress-below hides a complement", []string{"check", "--suppress-below", "5"}, false, "az-2024: COMPLEMENT: victims_identified AZE 2024 SEX=F = 90 (line 1580)", nil},
		{"suppress-below sums up", []string{"check", "--suppress-below", "5"}, false, "below 5: 27 observations suppressed (24 small, 3 complements), 77 quotes and notes withheld", nil},
		{"suppress-below 1 suppresses nothing", []string{"check", "--suppress-below", "1"}, true, "", nil},
		{"dictionary to a file", []string{"dictionary", "-o", dict}, false, "", nil},
	})
	committed, _ := os.ReadFile("../../docs/data-dictionary.md")
	if written, _ := os.ReadFile(dict); !bytes.Equal(written, committed) || len(written) == 0 {
		t.Error("dictionary -o wrote something other than the committed docs/data-dictionary.md")
	}
}

// TestRelationsBesideAnObservationsFile: a data file naming an observations
// file may state relations. `check` tests them and suppresses with them
// once it holds the rows, as serve does from the database; a relation to a
// cell no row fills, or to an unknown indicator, is refused at the data
// file's line by `check` and `load` alike, and the load writes nothing (the
// good file's load after it is the database's first revision).
func TestRelationsBesideAnObservationsFile(t *testing.T) {
	dsn := testdb.DSN(t)
	dir := t.TempDir()
	for _, f := range []string{"sums-split.yaml", "sums.csv"} {
		b, err := os.ReadFile(filepath.Join("../../internal/dataset/testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	good := filepath.Join(dir, "sums-split.yaml")
	text, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	const part = "      - {indicator: victims_exploited_abroad, period: 2024}\n"
	broken := func(name, with string) string {
		t.Helper()
		if !strings.Contains(string(text), part) {
			t.Fatalf("sums-split.yaml has no %q", part)
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(strings.Replace(string(text), part, with, 1)), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	missing := broken("missing.yaml", "      - {indicator: victims_exploited_abroad, period: 2024, by: {SEX: F}}\n")
	unknown := broken("unknown.yaml", "      - {indicator: victims_abroad, period: 2024}\n")
	runCases(t, env("DATABASE_URL", dsn), []cliCase{
		{"check: the relation holds", []string{"check", good}, false, "1 other relations the report implies: 0 do not hold", nil},
		{"check: suppression uses it", []string{"check", "--suppress-below", "5", good}, false,
			"sums-2024: COMPLEMENT: victims_exploited_abroad AZE 2024 = 17 (line 4)", nil},
		{"check: a cell no row fills", []string{"check", missing}, true, "",
			[]string{missing + ":36: relation: no observation victims_exploited_abroad AZE 2024 SEX=F in this file"}},
		{"load: a cell no row fills", []string{"load", missing}, true, "",
			[]string{missing + ":36: relation: no observation victims_exploited_abroad AZE 2024 SEX=F in this file", "nothing was loaded"}},
		{"load: an unknown indicator", []string{"load", unknown}, true, "",
			[]string{unknown + ":36: relation: unknown indicator \"victims_abroad\"", "nothing was loaded"}},
		{"load: the good file is the first revision", []string{"load", good}, false, "sums-2024: loaded, 3 observations, revision 1\n", nil},
	})
}
