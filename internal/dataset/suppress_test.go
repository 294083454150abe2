package dataset_test

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"indicators/internal/dataset"
)

var (
	sexDim = dataset.Dimension{Code: "sex", Members: []dataset.Member{{Code: "F"}, {Code: "M"}}}
	ageDim = dataset.Dimension{Code: "age", Members: []dataset.Member{{Code: "adult"}, {Code: "child"}, {Code: "unknown"}}}
)

// cell is an observation of victims in AZE 2024 in release r, with
// coordinates "dim=member" in dimension code order.
func cell(r string, value int64, coords ...string) dataset.Observation {
	o := dataset.Observation{Release: r, Indicator: "victims", RefArea: "AZE", Period: dataset.Period{Start: 2024, End: 2024},
		Value: decimal.NewFromInt(value), Status: dataset.Reported}
	for _, c := range coords {
		d, m, _ := strings.Cut(c, "=")
		o.Coordinates = append(o.Coordinates, dataset.Coordinate{Dimension: d, Member: m})
	}
	return o
}

func TestSuppress(t *testing.T) {
	dims := []dataset.Dimension{sexDim, ageDim}
	tests := []struct {
		name      string
		obs       []dataset.Observation
		rels      []dataset.Relation
		threshold int64
		want      map[string]dataset.SuppressionReason // by Observation.Key
	}{
		{
			name:      "off",
			obs:       []dataset.Observation{cell("a", 10), cell("a", 2, "sex=F"), cell("a", 8, "sex=M")},
			threshold: 0,
			want:      map[string]dataset.SuppressionReason{},
		},
		{
			name:      "a small member hides the other member of two",
			obs:       []dataset.Observation{cell("a", 10), cell("a", 2, "sex=F"), cell("a", 8, "sex=M")},
			threshold: 3,
			want:      map[string]dataset.SuppressionReason{"victims AZE 2024 sex=F": dataset.SuppressedSmall, "victims AZE 2024 sex=M": dataset.SuppressedComplement},
		},
		{
			name:      "a sum relation across indicators is an equation",
			obs:       []dataset.Observation{cell("a", 10), indicator(cell("a", 2), "adults"), indicator(cell("a", 8), "children")},
			rels:      []dataset.Relation{{Kind: dataset.SumOf, Whole: "victims AZE 2024 ", Parts: []string{"adults AZE 2024 ", "children AZE 2024 "}}},
			threshold: 3,
			want:      map[string]dataset.SuppressionReason{"adults AZE 2024 ": dataset.SuppressedSmall, "children AZE 2024 ": dataset.SuppressedComplement},
		},
		{
			name:      "a part-of relation is no equation",
			obs:       []dataset.Observation{cell("a", 10), indicator(cell("a", 2), "adults")},
			rels:      []dataset.Relation{{Kind: dataset.PartOf, Whole: "victims AZE 2024 ", Parts: []string{"adults AZE 2024 "}}},
			threshold: 3,
			want:      map[string]dataset.SuppressionReason{"adults AZE 2024 ": dataset.SuppressedSmall},
		},
		{
			name:      "the smallest other member is hidden, not the total",
			obs:       []dataset.Observation{cell("a", 20), cell("a", 2, "age=adult"), cell("a", 5, "age=child"), cell("a", 13, "age=unknown")},
			threshold: 3,
			want:      map[string]dataset.SuppressionReason{"victims AZE 2024 age=adult": dataset.SuppressedSmall, "victims AZE 2024 age=child": dataset.SuppressedComplement},
		},
		{
			name:      "zero is published",
			obs:       []dataset.Observation{cell("a", 8), cell("a", 0, "sex=F"), cell("a", 8, "sex=M")},
			threshold: 3,
			want:      map[string]dataset.SuppressionReason{},
		},
		{
			name:      "a partial breakdown is no equation",
			obs:       []dataset.Observation{cell("a", 10), cell("a", 2, "age=child")},
			threshold: 3,
			want:      map[string]dataset.SuppressionReason{"victims AZE 2024 age=child": dataset.SuppressedSmall},
		},
		{
			name: "a small cell in an earlier release hides the cell in every release",
			obs: []dataset.Observation{cell("a", 10), cell("a", 2, "sex=F"), cell("a", 8, "sex=M"),
				cell("b", 12), cell("b", 4, "sex=F"), cell("b", 8, "sex=M")},
			threshold: 3,
			want:      map[string]dataset.SuppressionReason{"victims AZE 2024 sex=F": dataset.SuppressedSmall, "victims AZE 2024 sex=M": dataset.SuppressedComplement},
		},
		{
			name: "the complement of a nested cell spreads to the other breakdown",
			obs: []dataset.Observation{cell("a", 20), cell("a", 9, "sex=F"), cell("a", 11, "sex=M"),
				cell("a", 2, "age=adult", "sex=F"), cell("a", 7, "age=child", "sex=F"),
				cell("a", 6, "age=adult", "sex=M"), cell("a", 5, "age=child", "sex=M")},
			threshold: 3,
			want:      nil, // which cells follow is left to the leak check
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := dataset.Suppress(tc.obs, dims, tc.rels, tc.threshold)
			got := map[string]dataset.SuppressionReason{}
			for _, o := range tc.obs {
				if r, ok := s.Cell(o); ok {
					got[o.Key()] = r
				}
			}
			if tc.want != nil && !equalReasons(got, tc.want) {
				t.Errorf("suppressed %v, want %v", got, tc.want)
			}
			if leaked := leaks(tc.obs, dims, tc.rels, s); len(leaked) > 0 {
				t.Errorf("computable from what is published: %v", leaked)
			}
		})
	}
}

func indicator(o dataset.Observation, code string) dataset.Observation {
	o.Indicator = code
	return o
}

func equalReasons(a, b map[string]dataset.SuppressionReason) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestLeaksFindsPrimaryOnly holds the property's checker to account: with
// the small cell alone hidden, total minus the other member is found.
func TestLeaksFindsPrimaryOnly(t *testing.T) {
	obs := []dataset.Observation{cell("a", 10), cell("a", 2, "sex=F"), cell("a", 8, "sex=M")}
	dims := []dataset.Dimension{sexDim}
	hidden := map[int]bool{1: true}
	if got := determinedVersions(obs, dims, nil, hidden, nil); !slices.Equal(got, []int{1}) {
		t.Errorf("determined %v, want [1] (10 − 8)", got)
	}
	if got := determinedVersions(obs, []dataset.Dimension{sexDim}, nil, map[int]bool{1: true, 2: true}, nil); len(got) != 0 {
		t.Errorf("determined %v with both members hidden", got)
	}
}

func TestSuppressTexts(t *testing.T) {
	small := cell("a", 2, "sex=F")
	small.Source.Quote, small.Note = "of whom 2 were women", "women, one case"
	small.AlsoStated = []dataset.Source{{Quote: "a pair of women"}}
	other := cell("a", 8, "sex=M")
	other.Source.Quote = "eight men"
	total := cell("a", 10)
	total.Source.Quote = "ten victims"
	earlier := cell("a", 7)
	earlier.Period = dataset.Period{Start: 2023, End: 2023}
	earlier.Source.Quote = "seven victims in 2023, two of them women"
	earlierOwn := cell("a", 3)
	earlierOwn.Period = dataset.Period{Start: 2022, End: 2022}
	earlierOwn.Source.Quote = "eleven victims in 2022"
	elsewhere := indicator(cell("a", 40), "shelters")
	elsewhere.Source.Quote = "two shelters housed 40 people"
	obs := []dataset.Observation{total, small, other, earlier, earlierOwn, elsewhere}
	s := dataset.Suppress(obs, []dataset.Dimension{sexDim}, nil, 3)
	tests := []struct {
		name string
		text string
		want bool
	}{
		{"quote", "of whom 2 were women", true},
		{"also", "a pair of women", true},
		{"note", "women, one case", true},
		{"a complement's quote", "eight men", true},
		{"the quote of the breakdown's total", "ten victims", true},
		{"another period's quote naming the number", "seven victims in 2023, two of them women", true},
		{"a published cell's quote naming no suppressed number", "eleven victims in 2022", false},
		{"another indicator's quote", "two shelters housed 40 people", false},
		{"empty", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := s.Text(tc.text); got != tc.want {
				t.Errorf("Text(%q) = %v, want %v", tc.text, got, tc.want)
			}
		})
	}
	var off *dataset.Suppression
	if off.Text("of whom 2 were women") || off.Threshold() != 0 {
		t.Error("the nil suppression withholds")
	}
}

func TestNamesValue(t *testing.T) {
	tests := []struct {
		text  string
		value int64
		want  bool
	}{
		{"of whom 2 were women", 2, true},
		{"of whom two were women", 2, true},
		{"Two women", 2, true},
		{"twenty-two victims", 20, true},
		{"twenty-two victims", 2, true},
		{"a dozen victims", 12, true},
		{"in 2024, 12 victims", 2, false},
		{"in 2024, 12 victims", 12, true},
		{"1,234 victims", 1234, true},
		{"1 234 victims", 1234, true},
		{"1,234 victims", 234, true}, // errs on naming: the groups alone too
		{"in 2024 5 victims", 5, true},
		{"12.5 per cent", 12, true},
		{"network of 3", 3, true},
		{"no victim", 0, true},
		{"one hundred", 100, true},
		{"three hundred", 300, false}, // words name up to a hundred
		{"victims", 2, false},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%s/%d", tc.text, tc.value), func(t *testing.T) {
			if got := dataset.NamesValue(tc.text, decimal.NewFromInt(tc.value)); got != tc.want {
				t.Errorf("NamesValue(%q, %d) = %v, want %v", tc.text, tc.value, got, tc.want)
			}
		})
	}
}

func TestSuppressChange(t *testing.T) {
	stated := cell("a", 12, "sex=F")
	prev := cell("a", 2, "sex=F")
	prev.Period = stated.Period.Previous()
	prev.Status = dataset.Derived
	s := dataset.Suppress([]dataset.Observation{stated, prev}, []dataset.Dimension{sexDim}, nil, 3)
	if _, ok := s.Cell(stated); ok {
		t.Fatalf("12 suppressed")
	}
	if !s.Change(stated) {
		t.Error("the change from a suppressed previous value is published")
	}
	if !s.Change(prev) {
		t.Error("the change of a suppressed cell is published")
	}
}

// TestSuppressRestrictedUnknown: a restricted cell is absent for the client,
// but two equations sharing it subtract to one without it: M = M×x + M×y and
// y = F×y + M×y give M×x = M − y + F×y.
func TestSuppressRestrictedUnknown(t *testing.T) {
	kind := dataset.Dimension{Code: "kind", Members: []dataset.Member{{Code: "x"}, {Code: "y"}}}
	dims := []dataset.Dimension{kind, sexDim}
	r := cell("a", 5, "kind=y", "sex=M")
	r.Restricted = true
	obs := []dataset.Observation{cell("a", 23), cell("a", 16, "sex=F"), cell("a", 7, "sex=M"),
		cell("a", 12, "kind=x"), cell("a", 11, "kind=y"),
		cell("a", 10, "kind=x", "sex=F"), cell("a", 6, "kind=y", "sex=F"), cell("a", 2, "kind=x", "sex=M"), r}
	s := dataset.Suppress(obs, dims, nil, 3)
	if _, ok := s.Cell(r); ok {
		t.Error("the restricted cell is suppressed: its existence would be told")
	}
	if leaked := leaks(obs, dims, nil, s); len(leaked) > 0 {
		t.Errorf("computable: %v", leaked)
	}
}

// TestSuppressionProperty: for random datasets (totals of 2–4 members, some
// cross-classified, in two releases, one corrected in a later revision, some
// cells restricted, some with a stated change and the previous period's value
// derived from it) and thresholds, no suppressed value can be computed
// exactly from what a client without a key reads: the published values of
// every release and revision, the equations each of them satisfies, the
// published changes, and, as if the client knew which values a revision left
// unchanged, equality of a cell's equal values.
func TestSuppressionProperty(t *testing.T) {
	for seed := range uint64(400) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 11))
			obs, dims := randomDataset(r)
			restricted := map[string]bool{}
			for i, o := range obs {
				if _, seen := restricted[o.Key()]; !seen {
					restricted[o.Key()] = r.IntN(10) == 0
				}
				obs[i].Restricted = restricted[o.Key()]
			}
			threshold := int64(r.IntN(8))
			s := dataset.Suppress(obs, dims, nil, threshold)
			limit := decimal.NewFromInt(threshold)
			for _, o := range obs {
				_, hidden := s.Cell(o)
				if small := threshold >= 2 && o.Value.IsPositive() && o.Value.LessThan(limit); small && !hidden {
					t.Errorf("%s = %s published below %d", o.Key(), o.Value, threshold)
				}
				if threshold < 2 && hidden {
					t.Errorf("%s suppressed with the threshold off", o.Key())
				}
			}
			if leaked := leaks(obs, dims, nil, s); len(leaked) > 0 {
				t.Errorf("threshold %d: computable: %v", threshold, leaked)
			}
		})
	}
}

// randomDimension is a dimension of n members, code0 to code(n-1).
func randomDimension(code string, n int) dataset.Dimension {
	d := dataset.Dimension{Code: code}
	for i := range n {
		d.Members = append(d.Members, dataset.Member{Code: fmt.Sprintf("%s%d", code, i)})
	}
	return d
}

// randomDataset draws one to three series (victims in an area and period)
// with totals that add up, broken down by one dimension, or two with their
// cross-classified cells or without; release b restates some series with
// other values, and release a's revision 2 corrects one of them.
func randomDataset(r *rand.Rand) ([]dataset.Observation, []dataset.Dimension) {
	d1, d2 := randomDimension("d1", 2+r.IntN(3)), randomDimension("d2", 2+r.IntN(3))
	var obs []dataset.Observation
	for s := range 1 + r.IntN(3) {
		var dims []dataset.Dimension
		switch r.IntN(3) {
		case 0:
			dims = []dataset.Dimension{d1}
		case 1:
			dims = []dataset.Dimension{d2}
		default:
			dims = []dataset.Dimension{d1, d2}
		}
		cross := len(dims) == 2 && r.IntN(3) > 0
		for v, rel := range []string{"a", "a2", "b"} {
			if v > 0 && r.IntN(2) == 0 {
				continue // not restated
			}
			cells := seriesCells(r, rel, s, dims, cross)
			if r.IntN(2) == 0 {
				cells = append(cells, withChanges(r, cells)...)
			}
			obs = append(obs, cells...)
		}
	}
	return obs, []dataset.Dimension{d1, d2}
}

// seriesCells states one series in one release: random finest cells and the
// sums they make.
func seriesCells(r *rand.Rand, rel string, s int, dims []dataset.Dimension, cross bool) []dataset.Observation {
	base := dataset.Observation{Release: rel, Indicator: "victims", RefArea: fmt.Sprint("A", s), Period: dataset.Period{Start: 2024, End: 2024}, Status: dataset.Reported}
	at := func(v int64, cs ...dataset.Coordinate) dataset.Observation {
		o := base
		o.Value = decimal.NewFromInt(v)
		o.Coordinates = cs
		return o
	}
	coord := func(d dataset.Dimension, i int) dataset.Coordinate {
		return dataset.Coordinate{Dimension: d.Code, Member: d.Members[i].Code}
	}
	draw := func() int64 { return int64(r.IntN(12)) }
	if len(dims) == 1 {
		var total int64
		var out []dataset.Observation
		for i := range dims[0].Members {
			v := draw()
			total += v
			out = append(out, at(v, coord(dims[0], i)))
		}
		return append(out, at(total))
	}
	a, b := dims[0], dims[1]
	rows, cols := make([]int64, len(a.Members)), make([]int64, len(b.Members))
	var total int64
	var out []dataset.Observation
	for i := range a.Members {
		for j := range b.Members {
			v := draw()
			rows[i] += v
			cols[j] += v
			total += v
			if cross {
				out = append(out, at(v, coord(a, i), coord(b, j)))
			}
		}
	}
	for i, v := range rows {
		out = append(out, at(v, coord(a, i)))
	}
	for j, v := range cols {
		out = append(out, at(v, coord(b, j)))
	}
	return append(out, at(total))
}

// withChanges states a change on some of cells, and returns the previous
// period's values derived from them, as the data file's parser does.
func withChanges(r *rand.Rand, cells []dataset.Observation) []dataset.Observation {
	var derived []dataset.Observation
	for i := range cells {
		if r.IntN(2) == 0 {
			continue
		}
		prev := cells[i]
		prev.Period = prev.Period.Previous()
		prev.Value = decimal.NewFromInt(int64(r.IntN(12)))
		prev.Status = dataset.Derived
		change := cells[i].Value.Sub(prev.Value)
		cells[i].Change = &change
		derived = append(derived, prev)
	}
	return derived
}

// leaks returns the keys of suppressed observations whose value a client
// can compute from what s publishes.
func leaks(obs []dataset.Observation, dims []dataset.Dimension, rels []dataset.Relation, s *dataset.Suppression) []string {
	hidden := map[int]bool{}
	changes := map[int]bool{}
	for i, o := range obs {
		if _, ok := s.Cell(o); ok || o.Restricted {
			hidden[i] = true
		}
		if o.Change != nil && !s.Change(o) && !o.Restricted {
			changes[i] = true
		}
	}
	var out []string
	for _, i := range determinedVersions(obs, dims, rels, hidden, changes) {
		if _, ok := s.Cell(obs[i]); ok {
			out = append(out, obs[i].Release+" "+obs[i].Key())
		}
	}
	return out
}

// determinedVersions is the checker, written apart from dataset.Suppress
// and with an unknown per observation rather than per cell: the equations
// are each release's own breakdowns (a total equals its members, as the
// random data is built: every member of each dimension, or of both for
// cross-classified cells) and sum relations, the published changes (obs[i] minus the previous
// period's value, for i in changes) and a cell's equal values across
// releases. It returns the indexes of hidden observations whose value follows, by
// Gaussian elimination over the rationals.
func determinedVersions(obs []dataset.Observation, dims []dataset.Dimension, rels []dataset.Relation, hidden, changes map[int]bool) []int {
	members := map[string]int{}
	for _, d := range dims {
		members[d.Code] = len(d.Members)
	}
	type series struct{ rel, indicator, area, period string }
	var eqs [][]int // indexes; [0] is the whole
	bySeries := map[series][]int{}
	for i, o := range obs {
		k := series{o.Release, o.Indicator, o.RefArea, o.Period.String()}
		bySeries[k] = append(bySeries[k], i)
	}
	// extends reports whether part has whole's coordinates and one or two
	// more, which dimensions, and how many cells those make; none for a
	// one-member code list, which names a part ("of which from previous
	// years") and never the whole.
	extends := func(whole, part dataset.Observation) (string, int, bool) {
		if len(part.Coordinates) <= len(whole.Coordinates) {
			return "", 0, false
		}
		var extra []string
		n := 1
		for _, c := range part.Coordinates {
			if !slices.Contains(whole.Coordinates, c) {
				extra = append(extra, c.Dimension)
				if n *= members[c.Dimension]; members[c.Dimension] < 2 {
					n = -1
				}
			}
		}
		if len(extra) != len(part.Coordinates)-len(whole.Coordinates) {
			return "", 0, false
		}
		return fmt.Sprint(extra), n, true
	}
	for _, idx := range bySeries {
		for _, w := range idx {
			groups := map[string][]int{}
			cells := map[string]int{} // the product of the extra dimensions' sizes
			for _, p := range idx {
				if by, n, ok := extends(obs[w], obs[p]); ok {
					groups[by] = append(groups[by], p)
					cells[by] = n
				}
			}
			for by, parts := range groups {
				if len(parts) == cells[by] { // every member: an equation
					eqs = append(eqs, append([]int{w}, parts...))
				}
			}
		}
	}
	byKey := map[[2]string]int{}
	for i, o := range obs {
		byKey[[2]string{o.Release, o.Key()}] = i
	}
	for _, rel := range rels {
		if rel.Kind != dataset.SumOf {
			continue
		}
		for i, o := range obs {
			if o.Key() != rel.Whole {
				continue
			}
			e := []int{i}
			for _, k := range rel.Parts {
				if j, ok := byKey[[2]string{o.Release, k}]; ok {
					e = append(e, j)
				}
			}
			if len(e) == len(rel.Parts)+1 {
				eqs = append(eqs, e)
			}
		}
	}
	var rows [][]*big.Rat
	var unknown []int
	col := map[int]int{}
	for i := range obs {
		if hidden[i] {
			col[i] = len(unknown)
			unknown = append(unknown, i)
		}
	}
	newRow := func() []*big.Rat {
		row := make([]*big.Rat, len(unknown))
		for i := range row {
			row[i] = new(big.Rat)
		}
		return row
	}
	for _, e := range eqs {
		row := newRow()
		for n, i := range e {
			if c, ok := col[i]; ok {
				if n == 0 {
					row[c].SetInt64(1)
				} else {
					row[c].SetInt64(-1)
				}
			}
		}
		rows = append(rows, row)
	}
	pair := func(i, j int) {
		row := newRow()
		if c, ok := col[i]; ok {
			row[c].SetInt64(1)
		}
		if c, ok := col[j]; ok {
			row[c].SetInt64(-1)
		}
		rows = append(rows, row)
	}
	for i := range changes {
		prev := obs[i]
		prev.Period = prev.Period.Previous()
		for j, o := range obs {
			if o.Release == prev.Release && o.Key() == prev.Key() {
				pair(i, j) // obs[i] − obs[j] = the change
			}
		}
	}
	for i := range obs {
		for j := i + 1; j < len(obs); j++ {
			if obs[i].Key() == obs[j].Key() && obs[i].Value.Equal(obs[j].Value) {
				pair(i, j)
			}
		}
	}
	// Gaussian elimination to reduced row echelon form
	r := 0
	for c := 0; c < len(unknown) && r < len(rows); c++ {
		p := slices.IndexFunc(rows[r:], func(row []*big.Rat) bool { return row[c].Sign() != 0 })
		if p < 0 {
			continue
		}
		rows[r], rows[r+p] = rows[r+p], rows[r]
		inv := new(big.Rat).Inv(rows[r][c])
		for j := range rows[r] {
			rows[r][j].Mul(rows[r][j], inv)
		}
		for i := range rows {
			if i != r && rows[i][c].Sign() != 0 {
				f := new(big.Rat).Set(rows[i][c])
				for j := range rows[i] {
					rows[i][j].Sub(rows[i][j], new(big.Rat).Mul(f, rows[r][j]))
				}
			}
		}
		r++
	}
	var out []int
	for _, row := range rows[:r] {
		nonzero := 0
		at := -1
		for j, v := range row {
			if v.Sign() != 0 {
				nonzero++
				at = j
			}
		}
		if nonzero == 1 {
			out = append(out, unknown[at])
		}
	}
	slices.Sort(out)
	return out
}

// TestSuppressBundled runs the rule over the 2024 report at thresholds from
// 2 to 20: every small cell is suppressed and none can be computed from the
// rest, in the report's own breakdowns.
func TestSuppressBundled(t *testing.T) {
	ds, err := dataset.Bundled()
	if err != nil {
		t.Fatal(err)
	}
	for _, threshold := range []int64{2, 5, 10, 20} {
		t.Run(fmt.Sprint(threshold), func(t *testing.T) {
			s := dataset.Suppress(ds.Observations, ds.Dimensions, ds.Relations, threshold)
			n := 0
			for _, o := range ds.Observations {
				if _, ok := s.Cell(o); ok {
					n++
				} else if o.Value.IsPositive() && o.Value.LessThan(decimal.NewFromInt(threshold)) {
					t.Errorf("%s = %s published", o.Key(), o.Value)
				}
			}
			if n == 0 {
				t.Errorf("nothing suppressed below %d", threshold)
			}
			if leaked := leaks(ds.Observations, ds.Dimensions, ds.Relations, s); len(leaked) > 0 {
				t.Errorf("computable: %v", leaked)
			}
		})
	}
}

// BenchmarkSuppress decides the suppressed cells of the bundled report, of
// 1,000 random series (about 35,000 observations) and of the smallest
// world-shaped file (`indicators synth`: one country in two years, 2,714
// observations, cross-classified and linked across the years by stated
// changes), each by the reference rule (the whole elimination redone for each
// hidden cell, as before it was incremental) and by Suppress, one after the
// other; with SUPPRESS_BENCH_OBSERVATIONS=N also a world-shaped file of about
// N observations, by Suppress alone.
func BenchmarkSuppress(b *testing.B) {
	rules := []struct {
		name string
		rule func([]dataset.Observation, []dataset.Dimension, []dataset.Relation, int64) *dataset.Suppression
	}{{"reference", dataset.SuppressReference}, {"incremental", dataset.Suppress}}
	run := func(name string, ds *dataset.Dataset, threshold int64, reference bool) {
		for _, r := range rules {
			if r.name == "reference" && !reference {
				continue
			}
			b.Run(name+"/"+r.name, func(b *testing.B) {
				for b.Loop() {
					r.rule(ds.Observations, ds.Dimensions, ds.Relations, threshold)
				}
			})
		}
	}
	ds, err := dataset.Bundled()
	if err != nil {
		b.Fatal(err)
	}
	run("bundled", ds, 10, true)
	r := rand.New(rand.NewPCG(1, 2))
	random := &dataset.Dataset{}
	for i := range 1000 {
		o, d := randomDataset(r)
		for j := range o {
			o[j].RefArea += fmt.Sprint("-", i)
		}
		random.Observations, random.Dimensions = append(random.Observations, o...), d
	}
	run(fmt.Sprint("random-", len(random.Observations)), random, 5, true)
	world := syntheticWorld(b, 1)
	run(fmt.Sprint("synthetic-", len(world.Observations)), world, 5, true)
	if n, _ := strconv.Atoi(os.Getenv("SUPPRESS_BENCH_OBSERVATIONS")); n > 0 {
		world := syntheticWorld(b, n)
		run(fmt.Sprint("synthetic-", len(world.Observations)), world, 5, false)
	}
}
