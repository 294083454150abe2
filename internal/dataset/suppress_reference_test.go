package dataset

import (
	"fmt"
	"maps"
	"math/big"
	"slices"
)

// The secondary suppression rule as it was before the elimination was made
// incremental (commit cf93feb), kept as the reference the tests compare
// Suppress with: it redoes the whole reduction for every cell it hides.

// SuppressReference is Suppress with the reference rule.
func SuppressReference(obs []Observation, dims []Dimension, rels []Relation, threshold int64) *Suppression {
	return suppress(obs, dims, rels, threshold, (*Suppression).secondaryReference)
}

// SuppressionLines lists what s decides, sorted: "cell KEY REASON" for each
// suppressed cell and "text QUOTE" for each withheld text, to record.
func SuppressionLines(s *Suppression) []string {
	var out []string
	if s == nil {
		return out
	}
	for k, r := range s.cells {
		out = append(out, fmt.Sprintf("cell %s %s", k, r))
	}
	for t := range s.texts {
		out = append(out, fmt.Sprintf("text %q", t))
	}
	slices.Sort(out)
	return out
}

// SuppressionDiff describes how a and b differ in what they suppress and
// withhold; "" when they do not.
func SuppressionDiff(a, b *Suppression) string {
	if a == nil || b == nil {
		if a != b {
			return fmt.Sprintf("one is nil: %v, %v", a == nil, b == nil)
		}
		return ""
	}
	var out string
	if a.threshold != b.threshold {
		out += fmt.Sprintf("threshold %d, %d; ", a.threshold, b.threshold)
	}
	for _, k := range slices.Sorted(maps.Keys(a.cells)) {
		if a.cells[k] != b.cells[k] {
			out += fmt.Sprintf("%q: %q, %q; ", k, a.cells[k], b.cells[k])
		}
	}
	for _, k := range slices.Sorted(maps.Keys(b.cells)) {
		if _, ok := a.cells[k]; !ok {
			out += fmt.Sprintf("%q: not suppressed, %q; ", k, b.cells[k])
		}
	}
	if !maps.Equal(a.texts, b.texts) {
		out += fmt.Sprintf("%d and %d texts withheld, not the same; ", len(a.texts), len(b.texts))
	}
	if !maps.Equal(a.restricted, b.restricted) {
		out += "restricted cells differ; "
	}
	return out
}

// secondaryReference hides further cells of one group of equations until no hidden
// cell is determined by the published ones. Each round hides one cell: the
// published cell with the smallest value (then the first key) in an
// equation with the first determined cell, so the result is deterministic
// and hides small members before totals.
func (s *Suppression) secondaryReference(eqs []equation, cells map[string]*suppressCell) {
	for {
		det := s.determinedReference(eqs)
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

// determinedReference returns the suppressed cells of eqs whose value follows from
// the published ones, sorted: x is determined exactly when the unit vector of
// x is in the row space of the equations' coefficients over the hidden cells,
// that is, when the reduced row echelon form has a row with x alone.
func (s *Suppression) determinedReference(eqs []equation) []string {
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
	for _, row := range reducedRowEchelonReference(rows, len(unknown)) {
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

// reducedRowEchelonReference reduces rows (each of n rationals) in place and returns
// the nonzero rows.
func reducedRowEchelonReference(rows [][]*big.Rat, n int) [][]*big.Rat {
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
