package framework_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"indicators/internal/dataset"
	"indicators/internal/framework"
)

// codeLists is a small country's code lists: enough members for the
// mappings to pick children and adults, the country itself and abroad, and
// the three forms of exploitation.
var codeLists = &dataset.CodeLists{
	RefAreas: []dataset.RefArea{
		{Code: "AZE", Name: "Azerbaijan", StandardCodes: dataset.StandardCodes{ISO3: "AZE", M49: "031"}},
		{Code: "WLD", Name: "World"}, // no ISO code: no framework asks of it
	},
	Dimensions: []dataset.Dimension{
		{Code: "SEX", Members: []dataset.Member{{Code: "F"}, {Code: "M"}}},
		{Code: "AGE", Members: []dataset.Member{{Code: "Y0T17"}, {Code: "Y18T24"}, {Code: "Y_GE25"}}},
		{Code: "COUNTRY_OF_EXPLOITATION", Members: []dataset.Member{
			{Code: "AZE", StandardCodes: dataset.StandardCodes{ISO3: "AZE"}},
			{Code: "TUR", StandardCodes: dataset.StandardCodes{ISO3: "TUR"}},
			{Code: "ARE", StandardCodes: dataset.StandardCodes{ISO3: "ARE"}},
		}},
		{Code: "FORM_OF_EXPLOITATION", Members: []dataset.Member{{Code: "SEXUAL"}, {Code: "LABOUR"}, {Code: "CRIMINAL_BEGGING_OTHER"}}},
	},
}

// obs is an observation of AZE in 2024: an exact reported figure unless
// the options say otherwise.
func obs(indicator, value string, opts ...func(*dataset.Observation)) dataset.Observation {
	o := dataset.Observation{Indicator: indicator, RefArea: "AZE", Period: dataset.Period{Start: 2024, End: 2024},
		Value: decimal.RequireFromString(value), Qualifier: dataset.Exact, Status: dataset.Reported,
		Release: "az-2024", Agency: "MIA", Source: dataset.Source{Quote: indicator + " " + value}}
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

func on(dim, member string) func(*dataset.Observation) {
	return func(o *dataset.Observation) {
		o.Coordinates = append(o.Coordinates, dataset.Coordinate{Dimension: dim, Member: member})
		slices.SortFunc(o.Coordinates, func(a, b dataset.Coordinate) int { return strings.Compare(a.Dimension, b.Dimension) })
	}
}

func qualified(q dataset.Qualifier) func(*dataset.Observation) {
	return func(o *dataset.Observation) { o.Qualifier = q }
}

func derived(o *dataset.Observation) { o.Status = dataset.Derived }

// query streams the observations of the indicators f names, as a store
// would, and refuses a query for anything but current observations.
func query(all []dataset.Observation) framework.Query {
	return func(_ context.Context, f dataset.Filter, fn func(dataset.Observation) error) error {
		if !f.Current {
			return errors.New("the evaluation asked for every observation, not the current ones")
		}
		for _, o := range all {
			if len(f.Indicators) > 0 && !slices.Contains(f.Indicators, o.Indicator) {
				continue
			}
			if err := fn(o); err != nil {
				return err
			}
		}
		return nil
	}
}

const (
	victims    = "victims_identified"
	population = "population"
	identified = "Identified victims"
	glotipAll  = "Total: Total; sex: Total; age: Total"
	sdgAll     = "SEX _T, AGE _T"
)

func TestEvaluate(t *testing.T) {
	total91 := obs(victims, "91")
	tests := []struct {
		name                 string
		fw                   framework.Framework
		filter               dataset.Filter
		obs                  []dataset.Observation
		statistic, breakdown string
		// want: the value, or "" when not available; how or, when not
		// available, a part of the reason.
		want, how, note string
		qualifier       dataset.Qualifier
		sources         int
	}{
		{name: "stated directly", fw: framework.GRETA, obs: []dataset.Observation{total91},
			statistic: identified, want: "91", how: framework.HowStated, qualifier: dataset.Exact, sources: 1},
		{name: "derived from a stated change", fw: framework.GRETA, obs: []dataset.Observation{obs(victims, "89", derived)},
			statistic: identified, want: "89", how: framework.HowDerived, qualifier: dataset.Exact, sources: 1},
		{name: "stated cell of a breakdown", fw: framework.GRETA,
			obs:       []dataset.Observation{total91, obs(victims, "90", on("SEX", "F")), obs(victims, "1", on("SEX", "M"))},
			statistic: identified, breakdown: "sex: female", want: "90", how: framework.HowStated, qualifier: dataset.Exact, sources: 1},
		{name: "summed from a breakdown that adds up", fw: framework.GRETA,
			obs: []dataset.Observation{total91, obs(victims, "1", on("COUNTRY_OF_EXPLOITATION", "AZE")),
				obs(victims, "53", on("COUNTRY_OF_EXPLOITATION", "TUR")), obs(victims, "37", on("COUNTRY_OF_EXPLOITATION", "ARE"))},
			statistic: identified, breakdown: "exploitation: transnational (abroad)",
			want: "90", how: framework.HowSum, note: "53 + 37 = 90, summed from the report's figures by country of exploitation", qualifier: dataset.Exact, sources: 2},
		{name: "the one cell of a breakdown that adds up", fw: framework.GRETA,
			obs: []dataset.Observation{total91, obs(victims, "1", on("COUNTRY_OF_EXPLOITATION", "AZE")),
				obs(victims, "90", on("COUNTRY_OF_EXPLOITATION", "TUR"))},
			statistic: identified, breakdown: "exploitation: transnational (abroad)",
			want: "90", how: framework.HowSum, note: "the report's only figure for this category by country of exploitation", qualifier: dataset.Exact, sources: 1},
		{name: "breakdown that does not add up", fw: framework.GRETA,
			obs:       []dataset.Observation{total91, obs(victims, "50", on("AGE", "Y18T24")), obs(victims, "40", on("AGE", "Y_GE25"))},
			statistic: identified, breakdown: "age: adults (18 and over)",
			note: "the AGE breakdown adds up to 90, not the total 91, so its parts cannot be summed"},
		{name: "breakdown with an approximate cell", fw: framework.GRETA,
			obs: []dataset.Observation{total91, obs(victims, "51", on("AGE", "Y18T24"), qualified(dataset.Approximately)),
				obs(victims, "40", on("AGE", "Y_GE25"))},
			statistic: identified, breakdown: "age: adults (18 and over)", note: "the AGE breakdown has approximate figures"},
		{name: "breakdown without an exact total", fw: framework.GRETA,
			obs:       []dataset.Observation{obs(victims, "50", on("AGE", "Y18T24")), obs(victims, "40", on("AGE", "Y_GE25"))},
			statistic: identified, breakdown: "age: adults (18 and over)", note: "there is no exact total to check the AGE breakdown against"},
		{name: "no breakdown by the dimension", fw: framework.GRETA, obs: []dataset.Observation{total91},
			statistic: identified, breakdown: "sex: female", note: "the report gives no figure for victims_identified by SEX"},
		{name: "bound excluded where the framework takes exact counts only", fw: framework.GLOTIP,
			obs:       []dataset.Observation{obs(victims, "100", qualified(dataset.MoreThan))},
			statistic: "Detected trafficking victims", breakdown: glotipAll,
			note: "the report gives only a bound or an approximation (more than 100)"},
		{name: "bound kept where the framework takes bounds", fw: framework.GRETA,
			obs:       []dataset.Observation{obs(victims, "100", qualified(dataset.MoreThan))},
			statistic: identified, want: "100", how: framework.HowStated, qualifier: dataset.MoreThan, sources: 1},
		{name: "nothing in the dataset measures it", fw: framework.GRETA, obs: []dataset.Observation{total91},
			statistic: "Convictions", note: "the report gives no court figures on convictions"},
		{name: "a rate with a population figure", fw: framework.SDG1622,
			obs:       []dataset.Observation{total91, obs(population, "10123456")},
			statistic: "VC_HTF_DETVR", breakdown: sdgAll,
			want: "0.899", how: framework.HowRate, note: "91 × 100,000 / 10123456 (population, az-2024) = 0.899, rounded to 3 decimals",
			qualifier: dataset.Exact, sources: 2},
		{name: "a rate's population is read whatever the filter selects", fw: framework.SDG1622,
			filter:    dataset.Filter{Indicators: []string{victims}},
			obs:       []dataset.Observation{total91, obs(population, "10000000")},
			statistic: "VC_HTF_DETVR", breakdown: sdgAll, want: "0.91", how: framework.HowRate, qualifier: dataset.Exact, sources: 2},
		{name: "a rate without a population figure", fw: framework.SDG1622, obs: []dataset.Observation{total91},
			statistic: "VC_HTF_DETVR", breakdown: sdgAll, note: "no population figure for this group is loaded"},
		{name: "the count beside the rate", fw: framework.SDG1622, obs: []dataset.Observation{total91},
			statistic: "VC_HTF_DETV", breakdown: sdgAll, want: "91", how: framework.HowStated, qualifier: dataset.Exact, sources: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cells, err := tc.fw.Evaluate(context.Background(), codeLists, query(tc.obs), tc.filter)
			if err != nil {
				t.Fatal(err)
			}
			i := slices.IndexFunc(cells, func(c framework.Evaluated) bool {
				return c.Statistic == tc.statistic && c.Breakdown == tc.breakdown
			})
			if i < 0 {
				t.Fatalf("no cell %s / %s among %d", tc.statistic, tc.breakdown, len(cells))
			}
			c := cells[i]
			if c.Area.Code != "AZE" || c.Year != 2024 {
				t.Errorf("cell of %s %d, want AZE 2024", c.Area.Code, c.Year)
			}
			if tc.want == "" {
				if c.Found || !strings.Contains(c.Figure.Note, tc.note) {
					t.Errorf("found %v, note %q; want not available because %q", c.Found, c.Figure.Note, tc.note)
				}
				return
			}
			if !c.Found || dataset.FormatValue(c.Value) != tc.want || c.How != tc.how || c.Qualifier != tc.qualifier {
				t.Errorf("found %v, %s %s (%s); want %s %s (%s)", c.Found, c.Qualifier, dataset.FormatValue(c.Value), c.How, tc.qualifier, tc.want, tc.how)
			}
			if len(c.Sources) != tc.sources || !strings.Contains(c.Figure.Note, tc.note) {
				t.Errorf("%d sources, note %q; want %d, %q", len(c.Sources), c.Figure.Note, tc.sources, tc.note)
			}
		})
	}
}

// TestEvaluateAreasAndYears: every cell of the framework for each country
// and year with a figure, countries in code-list order, newest year first;
// no cells for an area without an ISO code, nor for a year with only
// figures the framework does not ask for.
func TestEvaluateAreasAndYears(t *testing.T) {
	inYear := func(y int) func(*dataset.Observation) {
		return func(o *dataset.Observation) { o.Period = dataset.Period{Start: y, End: y} }
	}
	world := func(o *dataset.Observation) { o.RefArea = "WLD" }
	all := []dataset.Observation{obs(victims, "80", inYear(2023)), obs(victims, "91"), obs(victims, "50000", world),
		obs("unrelated", "1", inYear(2022)), obs(victims, "900", func(o *dataset.Observation) { o.Period = dataset.Period{Start: 2005, End: 2024} })}
	cells, err := framework.GRETA.Evaluate(context.Background(), codeLists, query(all), dataset.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	n := len(framework.GRETA.Cells(codeLists, codeLists.RefAreas[0]))
	if len(cells) != 2*n {
		t.Fatalf("%d cells, want %d for each of 2 years", len(cells), n)
	}
	if cells[0].Year != 2024 || cells[n].Year != 2023 || cells[0].Value.String() != "91" || cells[n].Value.String() != "80" {
		t.Errorf("first cells %d = %s, %d = %s; want 2024 = 91, then 2023 = 80", cells[0].Year, cells[0].Value, cells[n].Year, cells[n].Value)
	}
}

func TestCoverage(t *testing.T) {
	all := []dataset.Observation{obs(victims, "91"), obs("victims_compensated", "7")}
	cells, err := framework.GRETA.Coverage(context.Background(), codeLists, query(all), dataset.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, statistic string
		available       bool
		note            string
	}{
		{"stated", identified, true, ""},
		{"stated, with the mapping's caveat", "Victims who received compensation", true,
			"Mapping: the state's one-time financial compensation; the report gives no compensation ordered by courts or paid by offenders."},
		{"not measured", "Convictions", false, "the report gives no court figures on convictions"},
		{"not stated, with the mapping's caveat", "Investigations (criminal cases initiated)", false,
			"no figure for criminal_cases_initiated in 2024 Mapping: cases on trafficking in persons, forced labour and related offences together."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			i := slices.IndexFunc(cells, func(c framework.CoverageCell) bool { return c.Statistic == tc.statistic && c.Breakdown == "" })
			if i < 0 {
				t.Fatal("no such cell")
			}
			c := cells[i]
			if c.Framework != "greta" || c.RefArea != "AZE" || c.Year != 2024 || c.Available != tc.available || c.Note != tc.note {
				t.Errorf("cell %+v", c)
			}
			if c.Available && (len(c.Sources) != 1 || c.Sources[0].Quote == "" || c.Sources[0].Release != "az-2024") {
				t.Errorf("sources %+v", c.Sources)
			}
		})
	}
}

func TestLookup(t *testing.T) {
	for _, fw := range framework.All() {
		if got, ok := framework.Lookup(fw.Name); !ok || got.Name != fw.Name || got.Title == "" {
			t.Errorf("Lookup(%q) = %+v, %v", fw.Name, got, ok)
		}
	}
	if _, ok := framework.Lookup("ilo"); ok {
		t.Error("Lookup of an unknown framework succeeded")
	}
}

// TestQueryError: a failing read is the evaluation's error, not an empty table.
func TestQueryError(t *testing.T) {
	failing := func(context.Context, dataset.Filter, func(dataset.Observation) error) error {
		return errors.New("connection lost")
	}
	if _, err := framework.SDG1622.Coverage(context.Background(), codeLists, failing, dataset.Filter{}); err == nil || !strings.Contains(err.Error(), "connection lost") {
		t.Errorf("err = %v", err)
	}
}
