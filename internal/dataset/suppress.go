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
	return suppress(obs, dims, rels, threshold, (*Suppression).secondary)
}

// suppress is Suppress with the rule choosing the secondary suppressions of
// one group of equations (the tests compare it with the one it replaced).
func suppress(obs []Observation, dims []Dimension, rels []Relation, threshold int64,
	secondary func(*Suppression, []equation, map[string]*suppressCell)) *Suppression {
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
		secondary(s, comp, cells)
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
	values := map[string][]decimal.Decimal{} // suppressed values by indicator and area, each once
	seen := map[string]bool{}
	for k := range s.cells {
		for _, o := range cells[k].versions {
			ia := o.Indicator + "|" + o.RefArea
			if v := ia + "|" + o.Value.String(); !seen[v] {
				seen[v] = true
				values[ia] = append(values[ia], o.Value)
			}
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
	series := map[string][]*suppressCell{}
	for _, c := range cells {
		k := c.rep.Indicator + "|" + c.rep.RefArea + "|" + c.rep.Period.String()
		series[k] = append(series[k], c)
	}
	var eqs []equation
	for _, in := range series {
		slices.SortFunc(in, func(a, b *suppressCell) int { return strings.Compare(a.key, b.key) })
		obs := make([]Observation, len(in))
		for i, c := range in {
			obs[i] = c.rep
		}
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
	type sorted struct { // an equation by its cells joined
		key string
		e   equation
	}
	by := make([]sorted, len(eqs))
	for i, e := range eqs {
		by[i] = sorted{strings.Join(e.cells(), "\x00"), e}
	}
	slices.SortStableFunc(by, func(a, b sorted) int { return strings.Compare(a.key, b.key) })
	for i := range by {
		eqs[i] = by[i].e
	}
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
// and hides small members before totals. Which hidden cells are determined
// is kept up to date as each is hidden (elimination), not decided anew.
func (s *Suppression) secondary(eqs []equation, cells map[string]*suppressCell) {
	x := newElimination(s, eqs, cells)
	for {
		det := x.first()
		if det == "" {
			return
		}
		next := x.complement(det)
		if next == "" { // determined by hidden cells alone: only forced to zero
			next = s.complement(eqs, cells, func(e equation) bool {
				return slices.ContainsFunc(e.cells(), func(k string) bool { return s.cells[k] != "" })
			})
		}
		if next == "" {
			return
		}
		s.cells[next] = SuppressedComplement
		x.hide(next)
	}
}

// elimination tells, for one group of equations, which suppressed cells the
// published ones determine, and is updated one hidden cell at a time.
//
// Write the equations as A·x = b over the hidden cells (each row an equation
// the client can form, b what it knows from published values). A hidden
// cell x is determined exactly when every solution of A·v = 0 has v_x = 0:
// otherwise a published value could be moved along v. Hiding a cell adds a
// column to A; withholding a stated change removes its row, which is the same
// as adding a column that is 1 in that row alone (an unknown change, which
// the row then only determines). So only columns are ever added, and the null
// space of A only grows: a column independent of the earlier ones adds
// nothing to it (the new cell is determined), and a column that is a
// combination of them adds one vector, the column minus that combination,
// whose every cell is then free for good.
//
// The columns so far are kept as an echelon basis of their span (each basis
// vector's first nonzero row, its lead, is 1 and is no other's lead), each
// with the combination of inserted columns it is, counted only over the
// suppressed cells that are still determined (the null vectors are needed
// only there). Arithmetic is exact (math/big), so the answer is the one
// Gaussian elimination of the whole system gives, in any order of hiding.
type elimination struct {
	s      *Suppression
	eqs    []equation
	cells  map[string]*suppressCell
	byCell map[string][]int // the equations holding each cell, ascending
	gone   []bool           // a change equation withheld (its column added)
	basis  []vector         // over equations
	exprs  []vector         // basis[j] as a combination of cells (by id)
	lead   map[int]int      // lead equation → basis index
	// each equation's cells by ascending smallest value, then key, and
	// the first of them that may be published (hiding only ever adds)
	ranked [][]string
	next   []int
	id     map[string]int // suppressed cells by id, for exprs
	keys   []string
	open   map[string]bool // suppressed cells the published ones determine
	free   map[string]bool // suppressed cells some null vector moves
}

// term is one nonzero entry of a sparse vector.
type term struct {
	at int
	v  *big.Rat
}

// vector is a sparse vector: its nonzero entries by ascending index.
type vector []term

func newElimination(s *Suppression, eqs []equation, cells map[string]*suppressCell) *elimination {
	x := &elimination{s: s, eqs: eqs, cells: cells, byCell: map[string][]int{}, gone: make([]bool, len(eqs)),
		lead: map[int]int{}, id: map[string]int{}, open: map[string]bool{}, free: map[string]bool{},
		ranked: make([][]string, len(eqs)), next: make([]int, len(eqs))}
	var keys []string
	for i, e := range eqs {
		x.ranked[i] = slices.SortedFunc(slices.Values(e.cells()), x.rank)
		for _, k := range e.cells() {
			in := x.byCell[k]
			if len(in) > 0 && in[len(in)-1] == i {
				continue
			}
			if len(in) == 0 {
				keys = append(keys, k)
			}
			x.byCell[k] = append(in, i)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		if s.hidden(k) {
			x.hide(k)
		}
	}
	return x
}

// hide adds the hidden cell k: its column, and, if it is suppressed, the
// columns of the stated changes withheld with it.
func (x *elimination) hide(k string) {
	suppressed := x.s.cells[k] != ""
	if suppressed {
		for _, i := range x.byCell[k] {
			if x.eqs[i].change && !x.gone[i] {
				x.gone[i] = true
				x.insert(vector{{i, big.NewRat(1, 1)}}, "")
			}
		}
	}
	var col vector
	for _, i := range x.byCell[k] {
		e := x.eqs[i]
		var c int64
		if e.whole == k {
			c++
		}
		for _, p := range e.parts {
			if p == k {
				c--
			}
		}
		if c != 0 {
			col = append(col, term{i, big.NewRat(c, 1)})
		}
	}
	cell := ""
	if suppressed {
		cell = k
	}
	x.insert(col, cell)
}

// insert adds column v, the column of the suppressed cell when cell is not
// empty: it is reduced by the basis; what is left is a new basis vector,
// and nothing left makes the combination a null vector.
func (x *elimination) insert(v vector, cell string) {
	acc := map[int]*big.Rat{}
	if cell != "" {
		x.id[cell] = len(x.keys)
		x.keys = append(x.keys, cell)
		acc[x.id[cell]] = big.NewRat(1, 1)
	}
	for len(v) > 0 {
		j, ok := x.lead[v[0].at]
		if !ok {
			break
		}
		f := v[0].v
		for _, t := range x.exprs[j] {
			if x.free[x.keys[t.at]] {
				continue
			}
			a := acc[t.at]
			if a == nil {
				a = new(big.Rat)
				acc[t.at] = a
			}
			a.Sub(a, new(big.Rat).Mul(f, t.v))
		}
		v = v.minus(f, x.basis[j])
	}
	if len(v) == 0 { // a null vector: every cell it moves is free
		for id, c := range acc {
			if k := x.keys[id]; c.Sign() != 0 {
				x.free[k] = true
				delete(x.open, k)
			}
		}
		return
	}
	inv := new(big.Rat).Inv(v[0].v)
	for i := range v {
		v[i].v = new(big.Rat).Mul(v[i].v, inv)
	}
	var expr vector
	for id, c := range acc {
		if c.Sign() != 0 {
			expr = append(expr, term{id, c.Mul(c, inv)})
		}
	}
	slices.SortFunc(expr, func(a, b term) int { return a.at - b.at })
	x.lead[v[0].at] = len(x.basis)
	x.basis = append(x.basis, v)
	x.exprs = append(x.exprs, expr)
	if cell != "" {
		x.open[cell] = true
	}
}

// minus is v − f·b, with new entries where they change.
func (v vector) minus(f *big.Rat, b vector) vector {
	out := make(vector, 0, len(v)+len(b))
	i, j := 0, 0
	for i < len(v) || j < len(b) {
		switch {
		case j == len(b) || i < len(v) && v[i].at < b[j].at:
			out = append(out, v[i])
			i++
		case i == len(v) || b[j].at < v[i].at:
			out = append(out, term{b[j].at, new(big.Rat).Neg(new(big.Rat).Mul(f, b[j].v))})
			j++
		default:
			d := new(big.Rat).Mul(f, b[j].v)
			if d.Sub(v[i].v, d); d.Sign() != 0 {
				out = append(out, term{v[i].at, d})
			}
			i++
			j++
		}
	}
	return out
}

// first is the first determined suppressed cell by key; "" when none is.
func (x *elimination) first() string {
	first := ""
	for k := range x.open {
		if first == "" || k < first {
			first = k
		}
	}
	return first
}

// rank orders cells as complements are chosen: by smallest value, then key.
func (x *elimination) rank(a, b string) int {
	if c := x.cells[a].smallest.Cmp(x.cells[b].smallest); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

// complement is Suppression.complement over the equations holding k: the
// published cell with the smallest value (then the first key) in one the
// client can form.
func (x *elimination) complement(k string) string {
	best := ""
	for _, i := range x.byCell[k] {
		if x.gone[i] {
			continue
		}
		r := x.ranked[i]
		for x.next[i] < len(r) && x.s.hidden(r[x.next[i]]) {
			x.next[i]++
		}
		if x.next[i] == len(r) {
			continue
		}
		if c := r[x.next[i]]; best == "" || x.rank(c, best) < 0 {
			best = c
		}
	}
	return best
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
