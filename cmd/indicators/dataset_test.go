package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
