package store_test

import (
	"context"
	"maps"
	"strings"
	"testing"

	"indicators/internal/dataset"
	"indicators/internal/testdb"
)

// labelledFixture gives the fixture labels in other languages. They are test
// text, not translations anyone compiled.
func labelledFixture(s string) string {
	s = strings.Replace(s, "- {code: F, name: Female}", "- {code: F, name: {en: Female, az: test-az Female, ru: test-ru Female}}", 1)
	s = strings.Replace(s, "- {code: calls, name: Calls}", "- {code: calls, name: {en: Calls, ru: test-ru Calls}}", 1)
	s = strings.Replace(s, "short_name: Ministry of Internal Affairs\n", "short_name: {en: Ministry of Internal Affairs, az: test-az MIA}\n", 1)
	return s
}

// TestLoadLabels: labels are stored, read with the code lists, and replaced
// with the file's when a corrected file drops one.
func TestLoadLabels(t *testing.T) {
	s := testdb.New(t)
	ctx := context.Background()
	if _, err := s.Load(ctx, []*dataset.Dataset{parseFixture(t, labelledFixture)}, false); err != nil {
		t.Fatal(err)
	}
	lists, err := s.CodeLists(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := lists.Dimensions[0].Members[0].Names, (dataset.Labels{"az": "test-az Female", "ru": "test-ru Female"}); !maps.Equal(got, want) {
		t.Errorf("SEX=F names %v, want %v", got, want)
	}
	if got := lists.Units[1].Names["ru"]; got != "test-ru Calls" {
		t.Errorf("unit calls in ru = %q", got)
	}
	for _, a := range lists.Agencies {
		if a.Code == "MIA" && !maps.Equal(a.ShortNames, dataset.Labels{"az": "test-az MIA"}) {
			t.Errorf("MIA short names %v", a.ShortNames)
		}
	}
	corrected := parseFixture(t, func(s string) string {
		return strings.Replace(labelledFixture(s), ", az: test-az Female", "", 1)
	})
	if _, err := s.Load(ctx, []*dataset.Dataset{corrected}, false); err != nil {
		t.Fatal(err)
	}
	if lists, err = s.CodeLists(ctx); err != nil {
		t.Fatal(err)
	}
	if got, want := lists.Dimensions[0].Members[0].Names, (dataset.Labels{"ru": "test-ru Female"}); !maps.Equal(got, want) {
		t.Errorf("after the correction SEX=F names %v, want %v", got, want)
	}
	if got := count(t, s, `SELECT count(*) FROM label`); got != 3 {
		t.Errorf("labels stored = %d, want 3", got)
	}
}
