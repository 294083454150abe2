package dataset

import (
	"math/big"
	"slices"
	"strings"

	"github.com/shopspring/decimal"
)

// Small-cell protection. A count below a threshold can identify a person
// (two victims of forced marriage in one district), so a client without a
// key may be given a suppressed cell instead of the count. Hiding the small
// cell alone is not enough: where a total and all its members are published,
// the total minus the other members is the hidden count. Suppress therefore
// decides, once and for every reader, which cells are hidden:
//
//   - primary: a cell any observation of which (any release, any revision)
//     states a value from 1 up to, but not including, the threshold. A zero
//     identifies no one and stays published;
//   - secondary: further cells, chosen until no hidden cell is the solution
//     of the equations a client can form from what is published. The
//     equations are every complete breakdown (a total and members covering
//     its dimensions) and every sum relation of the data file; whether a
//     hidden cell is determined is decided exactly, by Gaussian elimination
//     over the rationals, not by counting unknowns (three cells pairwise in
//     three equations are determined although each equation has two).
//
// The decision is per cell (indicator, area, period, coordinates), not per
// observation: a cell hidden in one release is hidden in every release and
// every earlier revision, so no release, asOf read, previous value or change
// feed entry can state it. Treating every version of a cell as one unknown
// is what a client could at best assume, so the cell-level equations admit
// every combination a client can form across releases and vintages.

// SuppressionReason says why a cell is suppressed.
type SuppressionReason string

// Suppression reasons.
const (
	// SuppressedSmall: the cell's count is below the threshold.
	SuppressedSmall SuppressionReason = "SMALL_CELL"
	// SuppressedComplement: publishing the cell would let a suppressed
	// cell be computed from its breakdown (total minus the other members).
	SuppressedComplement SuppressionReason = "COMPLEMENT"
)

// Suppression is the result of Suppress: which cells a client without a key
// reads as suppressed, and which texts (quotes, notes) state their numbers.
// The nil *Suppression suppresses nothing: the threshold is off.
type Suppression struct {
	threshold int64
	cells     map[string]SuppressionReason // by Observation.Key
	texts     map[string]bool              // quotes and notes of suppressed cells
	// restricted cells are absent for the client: unknowns in its
	// equations, though not suppressed (it is not told they exist).
	restricted map[string]bool
}

// Suppress decides the suppressed cells of obs at threshold: every
// observation a client could read, in every release and revision (current or
// not), restricted ones too: a client without a key does not read them, but
// two equations sharing one can be subtracted. dims are the code lists, which tell complete breakdowns from partial
// ones; rels are the data file's relations. A threshold below 2 suppresses
// nothing and returns nil. The result depends on the cells and values alone,
// not on their order.
func Suppress(obs []Observation, dims []Dimension, rels []Relation, threshold int64) *Suppression {
	if threshold < 2 {
		return nil
	}
	s := &Suppression{threshold: threshold, cells: map[string]SuppressionReason{}, texts: map[string]bool{}, restricted: map[string]bool{}}
	limit := decimal.NewFromInt(threshold)
	cells := map[string]*suppressCell{}
	for _, o := range obs {
		k := o.Key()
		c := cells[k]
		if c == nil {
			c = &suppressCell{key: k, rep: o, smallest: o.Value}
			c.rep.Status = Reported // one representative per cell, whatever it was
			cells[k] = c
		}
		c.versions = append(c.versions, o)
		if o.Restricted && !c.public {
			s.restricted[k] = true
		} else {
			delete(s.restricted, k)
			c.public = true
		}
		if o.Value.LessThan(c.smallest) {
			c.smallest = o.Value
		}
		if o.Value.IsPositive() && o.Value.LessThan(limit) {
			s.cells[k] = SuppressedSmall
		}
	}
	if len(s.cells) == 0 {
		return s
	}
	eqs := suppressionEquations(cells, dims, rels)
	comps := components(eqs)
	for _, comp := range comps {
		s.secondary(comp, cells)
	}
	s.withholdTexts(cells, comps)
	return s
}

// withholdTexts lists the quotes and notes that state a suppressed number:
// those of a suppressed cell; every one of the cells it shares an equation
// with, directly or not (the sentence giving a breakdown states its
// members); and any text of the same indicator and area that names a
// suppressed value, in digits or in words. Text then withholds each of them
// wherever it is attached.
func (s *Suppression) withholdTexts(cells map[string]*suppressCell, comps [][]equation) {
	withhold := func(c *suppressCell) {
		for _, o := range c.versions {
			s.withholdText(o.Source.Quote)
			s.withholdText(o.Note)
			for _, a := range o.AlsoStated {
				s.withholdText(a.Quote)
			}
		}
	}
	for _, comp := range comps {
		var in []string
		for _, e := range comp {
			in = append(in, e.cells()...)
		}
		if slices.ContainsFunc(in, func(k string) bool { return s.cells[k] != "" }) {
			for _, k := range in {
				withhold(cells[k])
			}
		}
	}
	values := map[string][]decimal.Decimal{} // suppressed values by indicator and area
	for k := range s.cells {
		for _, o := range cells[k].versions {
			ia := o.Indicator + "|" + o.RefArea
			values[ia] = append(values[ia], o.Value)
		}
	}
	for _, c := range cells {
		for _, v := range values[c.rep.Indicator+"|"+c.rep.RefArea] {
			if c.names(v) {
				withhold(c)
				break
			}
		}
	}
}

// names reports whether a text of c names v.
func (c *suppressCell) names(v decimal.Decimal) bool {
	for _, o := range c.versions {
		texts := []string{o.Source.Quote, o.Note}
		for _, a := range o.AlsoStated {
			texts = append(texts, a.Quote)
		}
		if slices.ContainsFunc(texts, func(t string) bool { return NamesValue(t, v) }) {
			return true
		}
	}
	return false
}

// numberWords are the numbers a report writes in words.
var numberWords = map[string]int64{
	"zero": 0, "no": 0, "one": 1, "a single": 1, "single": 1, "two": 2, "both": 2, "three": 3, "four": 4, "five": 5,
	"six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a dozen": 12,
	"thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
	"nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
	"eighty": 80, "ninety": 90, "hundred": 100, "a hundred": 100,
}

// NamesValue reports whether text names v: as digits (thousands grouped by
// commas or spaces or not, "1,234" and "1 234" name 1234), or, up to a
// hundred, in words ("two", "twenty"; "twenty-one" names 20 and 1, so both
// are withheld with it). It errs on naming: a withheld quote costs
// provenance, a kept one could state a suppressed count.
func NamesValue(text string, v decimal.Decimal) bool {
	type run struct{ start, end int } // of digits, in runes
	rs := []rune(text)
	var runs []run
	for i := 0; i < len(rs); i++ {
		if isDigit(rs[i]) {
			j := i
			for j < len(rs) && isDigit(rs[j]) {
				j++
			}
			runs = append(runs, run{i, j})
			i = j
		}
	}
	is := func(digits string) bool {
		n, err := decimal.NewFromString(digits)
		return err == nil && n.Equal(v)
	}
	for i, r := range runs {
		digits := string(rs[r.start:r.end])
		if is(digits) {
			return true
		}
		for j := i + 1; j < len(runs) && runs[j].start == runs[j-1].end+1; j++ {
			sep, next := rs[runs[j-1].end], string(rs[runs[j].start:runs[j].end])
			if sep == '.' && j == i+1 && is(digits+"."+next) {
				return true
			}
			if len(next) != 3 || !strings.ContainsRune(", \u00a0\u202f", sep) {
				break
			}
			if digits += next; is(digits) {
				return true
			}
		}
	}
	if !v.IsInteger() || v.IsNegative() || v.GreaterThan(decimal.NewFromInt(100)) {
		return false
	}
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !('a' <= r && r <= 'z')
	})
	for i, w := range words {
		for _, phrase := range []string{w, strings.Join(words[max(0, i-1):i+1], " ")} {
			if n, ok := numberWords[phrase]; ok && v.Equal(decimal.NewFromInt(n)) {
				return true
			}
		}
	}
	return false
}

func isDigit(r rune) bool { return '0' <= r && r <= '9' }

type suppressCell struct {
	key      string
	rep      Observation // any version, for the breakdown structure
	smallest decimal.Decimal
	versions []Observation
	public   bool // some version is not restricted
}

// equation is whole = Σ parts, over cell keys; or, for a stated change,
// whole = parts[0] + the change.
type equation struct {
	whole string
	parts []string
	// change: the equation is known only while the change is published,
	// which it is not once either cell is suppressed (Suppression.Change).
	// Until then it tells a restricted cell from a published one.
	change bool
}

func (e equation) cells() []string { return append([]string{e.whole}, e.parts...) }

// suppressionEquations lists the equations a client may form: complete
// breakdowns within each indicator, area and period, the sum relations and
// the stated changes.
// A breakdown counted complete in the union of releases though no single
// release states it whole only adds an equation, and so only hides more.
func suppressionEquations(cells map[string]*suppressCell, dims []Dimension, rels []Relation) []equation {
	series := map[string][]Observation{}
	for _, c := range cells {
		k := c.rep.Indicator + "|" + c.rep.RefArea + "|" + c.rep.Period.String()
		series[k] = append(series[k], c.rep)
	}
	var eqs []equation
	for _, obs := range series {
		slices.SortFunc(obs, func(a, b Observation) int { return strings.Compare(a.Key(), b.Key()) })
		for _, b := range Breakdowns(obs, dims) {
			if !b.Complete {
				continue
			}
			e := equation{whole: b.Total.Key()}
			for _, c := range b.Cells {
				e.parts = append(e.parts, c.Key())
			}
			eqs = append(eqs, e)
		}
	}
	for _, c := range cells {
		for _, o := range c.versions {
			if o.Change == nil {
				continue
			}
			prev := o
			prev.Period = o.Period.Previous()
			if cells[prev.Key()] != nil {
				eqs = append(eqs, equation{whole: c.key, parts: []string{prev.Key()}, change: true})
				break
			}
		}
	}
	for _, r := range rels {
		if r.Kind != SumOf {
			continue
		}
		e := equation{whole: r.Whole, parts: r.Parts}
		if !slices.ContainsFunc(e.cells(), func(k string) bool { return cells[k] == nil }) {
			eqs = append(eqs, e)
		}
	}
	slices.SortFunc(eqs, func(a, b equation) int {
		return strings.Compare(strings.Join(a.cells(), "\x00"), strings.Join(b.cells(), "\x00"))
	})
	return eqs
}

// components splits the equations into groups sharing no cell, each solved
// on its own: a hidden cell's equations never reach beyond its group.
func components(eqs []equation) [][]equation {
	parent := map[string]string{}
	var find func(string) string
	find = func(k string) string {
		p, ok := parent[k]
		if !ok || p == k {
			parent[k] = k
			return k
		}
		r := find(p)
		parent[k] = r
		return r
	}
	for _, e := range eqs {
		for _, k := range e.parts {
			parent[find(k)] = find(e.whole)
		}
	}
	var order []string
	groups := map[string][]equation{}
	for _, e := range eqs {
		r := find(e.whole)
		if _, seen := groups[r]; !seen {
			order = append(order, r)
		}
		groups[r] = append(groups[r], e)
	}
	out := make([][]equation, len(order))
	for i, r := range order {
		out[i] = groups[r]
	}
	return out
}

// secondary hides further cells of one group of equations until no hidden
// cell is determined by the published ones. Each round hides one cell: the
// published cell with the smallest value (then the first key) in an
// equation with the first determined cell, so the result is deterministic
// and hides small members before totals.
func (s *Suppression) secondary(eqs []equation, cells map[string]*suppressCell) {
	for {
		det := s.determined(eqs)
		if len(det) == 0 {
			return
		}
		next := s.complement(eqs, cells, func(e equation) bool { return slices.Contains(e.cells(), det[0]) })
		if next == "" { // determined by hidden cells alone: only forced to zero
			next = s.complement(eqs, cells, func(e equation) bool {
				return slices.ContainsFunc(e.cells(), func(k string) bool { return s.cells[k] != "" })
			})
		}
		if next == "" {
			return
		}
		s.cells[next] = SuppressedComplement
	}
}

// complement is the published cell, in the equations in chooses, with the
// smallest value; "" when they have none.
func (s *Suppression) complement(eqs []equation, cells map[string]*suppressCell, in func(equation) bool) string {
	best := ""
	for _, e := range eqs {
		if !s.known(e) || !in(e) {
			continue
		}
		for _, k := range e.cells() {
			if s.hidden(k) {
				continue
			}
			if best == "" || cells[k].smallest.LessThan(cells[best].smallest) ||
				(cells[k].smallest.Equal(cells[best].smallest) && k < best) {
				best = k
			}
		}
	}
	return best
}

// determined returns the suppressed cells of eqs whose value follows from
// the published ones, sorted: x is determined exactly when the unit vector of
// x is in the row space of the equations' coefficients over the hidden cells,
// that is, when the reduced row echelon form has a row with x alone.
func (s *Suppression) determined(eqs []equation) []string {
	eqs = slices.DeleteFunc(slices.Clone(eqs), func(e equation) bool { return !s.known(e) })
	col := map[string]int{}
	var unknown []string
	for _, e := range eqs {
		for _, k := range e.cells() {
			if _, seen := col[k]; !seen && s.hidden(k) {
				col[k] = len(unknown)
				unknown = append(unknown, k)
			}
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	rows := make([][]*big.Rat, 0, len(eqs))
	for _, e := range eqs {
		row := make([]*big.Rat, len(unknown))
		for i := range row {
			row[i] = new(big.Rat)
		}
		add := func(k string, v int64) {
			if i, ok := col[k]; ok {
				row[i].Add(row[i], big.NewRat(v, 1))
			}
		}
		add(e.whole, 1)
		for _, k := range e.parts {
			add(k, -1)
		}
		rows = append(rows, row)
	}
	var out []string
	for _, row := range reducedRowEchelon(rows, len(unknown)) {
		only := -1
		for i, v := range row {
			if v.Sign() != 0 {
				if only >= 0 {
					only = -2
					break
				}
				only = i
			}
		}
		if only >= 0 && s.cells[unknown[only]] != "" {
			out = append(out, unknown[only])
		}
	}
	slices.Sort(out)
	return out
}

// reducedRowEchelon reduces rows (each of n rationals) in place and returns
// the nonzero rows.
func reducedRowEchelon(rows [][]*big.Rat, n int) [][]*big.Rat {
	r := 0
	for c := 0; c < n && r < len(rows); c++ {
		p := -1
		for i := r; i < len(rows); i++ {
			if rows[i][c].Sign() != 0 {
				p = i
				break
			}
		}
		if p < 0 {
			continue
		}
		rows[r], rows[p] = rows[p], rows[r]
		inv := new(big.Rat).Inv(rows[r][c])
		for j := c; j < n; j++ {
			rows[r][j].Mul(rows[r][j], inv)
		}
		for i := range rows {
			if i == r || rows[i][c].Sign() == 0 {
				continue
			}
			f := new(big.Rat).Set(rows[i][c])
			for j := c; j < n; j++ {
				rows[i][j].Sub(rows[i][j], new(big.Rat).Mul(f, rows[r][j]))
			}
		}
		r++
	}
	return rows[:r]
}

// known reports whether the client can form e: a change equation is
// withheld with the change once one of its cells is suppressed.
func (s *Suppression) known(e equation) bool {
	return !e.change || !slices.ContainsFunc(e.cells(), func(k string) bool { return s.cells[k] != "" })
}

// hidden reports whether the client cannot read k's value.
func (s *Suppression) hidden(k string) bool { return s.cells[k] != "" || s.restricted[k] }

func (s *Suppression) withholdText(t string) {
	if t != "" {
		s.texts[t] = true
	}
}

// Threshold is the count below which cells are suppressed; 0 when off.
func (s *Suppression) Threshold() int64 {
	if s == nil {
		return 0
	}
	return s.threshold
}

// Cell reports whether o's cell is suppressed, and why.
func (s *Suppression) Cell(o Observation) (SuppressionReason, bool) {
	if s == nil {
		return "", false
	}
	r, ok := s.cells[o.Key()]
	return r, ok
}

// Explain is the sentence a client reads with a suppressed cell.
func (r SuppressionReason) Explain() string {
	switch r {
	case SuppressedSmall:
		return "suppressed: a count below the threshold of small-cell protection, which could identify a person"
	case SuppressedComplement:
		return "suppressed: it would reveal a suppressed count as a total minus the other members"
	}
	return ""
}

// Text reports whether a quote or note must be withheld: it is the text of
// a suppressed cell (its quote, an `also` quote or its note), which states
// the number in words, wherever else it is attached.
func (s *Suppression) Text(t string) bool { return s != nil && t != "" && s.texts[t] }

// Mask makes o what a client without a key reads: a suppressed value
// zeroed with the reason in Suppressed, the withheld change, quote, note
// and also-stated quotes emptied and flagged. Every reader of observations
// for such a client masks them through it (the store does, as it reads), so
// no writer has the number to leak. The nil Suppression masks nothing.
func (s *Suppression) Mask(o *Observation) {
	if s == nil {
		return
	}
	if r, ok := s.Cell(*o); ok {
		o.Suppressed, o.Value = r, decimal.Zero
	}
	if s.Change(*o) {
		o.ChangeWithheld, o.Change = true, nil
	}
	if s.Text(o.Note) {
		o.NoteWithheld, o.Note = true, ""
	}
	s.MaskSource(&o.Source)
	for i := range o.AlsoStated {
		s.MaskSource(&o.AlsoStated[i])
	}
}

// MaskSource withholds a quote that states a suppressed number.
func (s *Suppression) MaskSource(src *Source) {
	if s.Text(src.Quote) {
		src.Withheld, src.Quote = true, ""
	}
}

// Change reports whether the change on the previous period must be withheld
// with o (the stated change and the one computed from `previous`): the
// change and one of the two values give the other, so it is withheld when
// either o's cell or the previous period's is suppressed.
func (s *Suppression) Change(o Observation) bool {
	if s == nil {
		return false
	}
	prev := o
	prev.Period = o.Period.Previous()
	_, here := s.Cell(o)
	_, before := s.Cell(prev)
	return here || before
}
