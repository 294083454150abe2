package dataset_test

import (
	"slices"
	"testing"

	"indicators/internal/dataset"
)

func TestBundledBreakdowns(t *testing.T) {
	ds := bundled(t)
	found := map[string]dataset.Breakdown{}
	for _, b := range dataset.Breakdowns(ds.Observations, ds.Dimensions) {
		found[b.String()] = b
	}
	tests := []struct {
		name       string
		breakdown  string
		consistent bool
		complete   bool
	}{
		{"victims by age: 90 of 91", "victims_identified AZE 2024 by AGE: 12 + 49 + 29 = 90 of 91 (1 unallocated)", false, true},
		{"victims by sex", "victims_identified AZE 2024 by SEX: 90 + 1 = 91 of 91", true, true},
		{"legal aid by stage", "victims_legal_aid AZE 2024 by PROCEEDINGS_STAGE: 70 + 28 = 98 of 98", true, true},
		{"referrals by NGO", "victims_referred_to_ngos AZE 2024 by REFERRAL_ORGANISATION: 18 + 10 + 11 + 10 + 7 + 6 + 7 = 69 of 69", true, true},
		{"a part is not an inconsistency", "criminal_cases_completed AZE 2024 by CASE_ORIGIN: 6 = 6 of 13 (7 unallocated)", false, false},
		{"derived totals break down too", "criminal_cases_initiated AZE 2023 by OFFENCE_TYPE: 2 = 2 of 16 (14 unallocated)", false, false},
		{"victims by country and form", "victims_identified AZE 2024 by COUNTRY_OF_EXPLOITATION x FORM_OF_EXPLOITATION: 53 + 35 + 2 + 1 = 91 of 91", true, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, ok := found[tc.breakdown]
			if !ok {
				t.Fatalf("breakdown %q not found among %d", tc.breakdown, len(found))
			}
			if b.Consistent() != tc.consistent || b.Complete != tc.complete || !b.Checkable() {
				t.Errorf("consistent = %v, complete = %v, checkable = %v", b.Consistent(), b.Complete, b.Checkable())
			}
			if b.Inconsistent() != (tc.complete && !tc.consistent) {
				t.Errorf("inconsistent = %v", b.Inconsistent())
			}
		})
	}
}

// TestBundledInconsistencies pins the list `indicators check` prints: the
// report's known inconsistencies, kept as reported.
func TestBundledInconsistencies(t *testing.T) {
	ds := bundled(t)
	var got []string
	for _, b := range dataset.Breakdowns(ds.Observations, ds.Dimensions) {
		if b.Inconsistent() {
			got = append(got, b.String())
		}
	}
	want := []string{"victims_identified AZE 2024 by AGE: 12 + 49 + 29 = 90 of 91 (1 unallocated)"}
	if !slices.Equal(got, want) {
		t.Errorf("inconsistencies = %q, want %q", got, want)
	}
}
