package store_test

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"

	"indicators/internal/dataset"
	"indicators/internal/store"
	"indicators/internal/testdb"
)

func loadedFixture(t *testing.T) *store.Store {
	t.Helper()
	s := testdb.New(t)
	if _, err := s.Load(context.Background(), []*dataset.Dataset{parseFixture(t, nil)}, false); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestObservationFilters(t *testing.T) {
	s := loadedFixture(t)
	tests := []struct {
		name   string
		filter dataset.Filter
		want   int
	}{
		{"everything", dataset.Filter{}, 7},
		{"one indicator", dataset.Filter{Indicators: []string{"hotline_calls"}}, 2},
		{"theme", dataset.Filter{Themes: []dataset.Theme{dataset.ThemeProtection}}, 7},
		{"agency", dataset.Filter{Agencies: []string{"MIA"}}, 3},
		{"derived only", dataset.Filter{Statuses: []dataset.Status{dataset.Derived}}, 2},
		{"period bounds", dataset.Filter{PeriodFrom: 2024, PeriodTo: 2024}, 4},
		{"cumulative within 2005-2024", dataset.Filter{PeriodFrom: 2005, Indicators: []string{"victims_identified"}}, 5},
		{"member", dataset.Filter{Members: []dataset.MemberFilter{{Dimension: "SEX", Members: []string{"F"}}}}, 2},
		{"members OR within a dimension", dataset.Filter{Members: []dataset.MemberFilter{{Dimension: "SEX", Members: []string{"F", "M"}}}}, 2},
		{"members AND across dimensions", dataset.Filter{Members: []dataset.MemberFilter{
			{Dimension: "SEX", Members: []string{"F"}}, {Dimension: "COUNTRY_OF_EXPLOITATION", Members: []string{"TUR"}}}}, 1},
		{"total over sex", dataset.Filter{TotalOver: []string{"SEX"}}, 5},
		{"broken down by sex", dataset.Filter{BrokenDownBy: []string{"SEX"}}, 2},
		{"exactly by sex", dataset.Filter{ExactlyBy: []string{"SEX"}}, 1},
		{"exactly total", dataset.Filter{ExactlyBy: []string{}}, 5},
		{"unknown code matches nothing", dataset.Filter{Indicators: []string{"nope"}}, 0},
		{"area", dataset.Filter{RefAreas: []string{"WLD"}}, 0},
		{"qualifier", dataset.Filter{Qualifiers: []dataset.Qualifier{dataset.Exact}}, 7},
		{"release", dataset.Filter{Releases: []string{"fixture-2024"}}, 7},
		// Series: victims total (2005-2024, 2023, 2024), by F (2024), by F
		// and TUR (2024), hotline calls (2023, 2024).
		{"last period of each series", dataset.Filter{LastN: ptr(1)}, 4},
		{"last two periods: 2005-2024 ends last after 2024", dataset.Filter{LastN: ptr(2)}, 6},
		{"first period of each series", dataset.Filter{FirstN: ptr(1)}, 4},
		{"first and last", dataset.Filter{FirstN: ptr(1), LastN: ptr(1)}, 6},
		{"last within the other conditions", dataset.Filter{LastN: ptr(1), PeriodTo: 2023}, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			page, err := s.Observations(context.Background(), tc.filter, dataset.PageRequest{Order: dataset.OrderByKey, First: 100, Count: true})
			if err != nil {
				t.Fatal(err)
			}
			if page.TotalCount != tc.want || len(page.Observations) != tc.want {
				t.Errorf("totalCount %d, rows %d, want %d", page.TotalCount, len(page.Observations), tc.want)
			}
		})
	}
}

// TestObservationPaginationNeverSkipsOrRepeats walks every ordering one and
// two rows at a time and compares with the single-page result.
func TestObservationPaginationNeverSkipsOrRepeats(t *testing.T) {
	s := loadedFixture(t)
	ctx := context.Background()
	for _, order := range []dataset.Order{dataset.OrderByKey, dataset.OrderByPeriodDesc, dataset.OrderByValueDesc} {
		all, err := s.Observations(ctx, dataset.Filter{}, dataset.PageRequest{Order: order, First: 100, Count: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, size := range []int{1, 2, 3} {
			var ids []int64
			after := ""
			for pages := 0; ; pages++ {
				if pages > 10 {
					t.Fatalf("%s by %d: pagination does not end", order, size)
				}
				page, err := s.Observations(ctx, dataset.Filter{}, dataset.PageRequest{Order: order, First: size, After: after, Count: true})
				if err != nil {
					t.Fatal(err)
				}
				for _, o := range page.Observations {
					ids = append(ids, o.ID)
				}
				if !page.HasNextPage {
					break
				}
				after = page.Cursors[len(page.Cursors)-1]
			}
			if len(ids) != len(all.Observations) {
				t.Fatalf("%s by %d: %d rows, want %d", order, size, len(ids), len(all.Observations))
			}
			for i, o := range all.Observations {
				if ids[i] != o.ID {
					t.Errorf("%s by %d: row %d is %d, want %d", order, size, i, ids[i], o.ID)
				}
			}
		}
	}
	if _, err := s.Observations(ctx, dataset.Filter{}, dataset.PageRequest{Order: dataset.OrderByValueDesc, First: 1, After: "a\x1fb\x1fc", Count: true}); dataset.CodeOf(err) != dataset.ErrBadInput {
		t.Errorf("cursor of another ordering: err = %v, want BAD_USER_INPUT", err)
	}
}

func TestObservationRoundTrip(t *testing.T) {
	s := loadedFixture(t)
	page, err := s.Observations(context.Background(), dataset.Filter{
		Members: []dataset.MemberFilter{{Dimension: "COUNTRY_OF_EXPLOITATION", Members: []string{"TUR"}}},
	}, dataset.PageRequest{Order: dataset.OrderByKey, First: 10})
	if err != nil || len(page.Observations) != 1 {
		t.Fatalf("got %v, %v", page, err)
	}
	o := page.Observations[0]
	if dataset.FormatValue(o.Value) != "53" || o.Release != "fixture-2024" || dataset.CoordinateKey(o.Coordinates) != "COUNTRY_OF_EXPLOITATION=TUR;SEX=F" ||
		o.Source.Quote != "53 were subjected to sexual exploitation in the Republic of Türkiye" || o.Agency != "MIA_DCTHB" || o.Unit != "persons" {
		t.Errorf("observation read back as %+v", o)
	}
}

// TestValuesReadBackExactly loads values a float8 would round (decimals,
// and integers beyond 2^53 that differ in the last digit) and reads them
// back exactly, in value order across pages.
func TestValuesReadBackExactly(t *testing.T) {
	s := testdb.New(t)
	ctx := context.Background()
	ds := parseFixture(t, func(text string) string {
		return strings.NewReplacer(
			"value: 10254\n", "value: 9007199254740993\n",
			`change: "+628"`, `change: "+0.1"`,
			"value: 1441\n", "value: 9007199254740992.5\n",
			"value: 53\n", "value: 12.35\n",
			"value: 90\n", "value: 2643000\n",
		).Replace(text)
	})
	if _, err := s.Load(ctx, []*dataset.Dataset{ds}, false); err != nil {
		t.Fatal(err)
	}
	var got []string
	after := ""
	for {
		page, err := s.Observations(ctx, dataset.Filter{}, dataset.PageRequest{Order: dataset.OrderByValueDesc, First: 2, After: after})
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range page.Observations {
			v := dataset.FormatValue(o.Value)
			if o.Change != nil {
				v += " (" + dataset.FormatValue(*o.Change) + ")"
			}
			got = append(got, v)
		}
		if !page.HasNextPage {
			break
		}
		after = page.Cursors[len(page.Cursors)-1]
	}
	want := []string{"9007199254740993 (0.1)", "9007199254740992.9", "9007199254740992.5", "2643000", "91", "91 (0)", "12.35"}
	if !slices.Equal(got, want) {
		t.Errorf("values by VALUE_DESC = %q, want %q", got, want)
	}
}

func TestCodeListsReadBackAsLoaded(t *testing.T) {
	s := loadedFixture(t)
	got, err := s.CodeLists(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := parseFixture(t, nil).CodeLists
	if !reflect.DeepEqual(*got, want) {
		t.Errorf("code lists read back differ:\n got %+v\nwant %+v", *got, want)
	}
	rels, err := s.Releases(context.Background())
	if err != nil || len(rels) != 1 || rels[0].Code != "fixture-2024" || rels[0].Published != "2025-03-01" || len(rels[0].Checksum) != 64 {
		t.Errorf("releases = %+v, %v", rels, err)
	}
}
