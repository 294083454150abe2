package dataset

import (
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"
)

// Breakdown is a total and the cells that split it by one or more further
// dimensions: victims identified in 2024 (91) by age (12, 49, 29).
type Breakdown struct {
	Total Observation
	// By are the dimensions the cells add to the total's coordinates, in
	// code order. Usually one; two where the report cross-classifies
	// (country of exploitation x form of exploitation).
	By    []string
	Cells []Observation
	// Complete is set when the cells cover every member of each dimension
	// in By: then the cells should add up to the total. A breakdown that
	// states only some members ("including 6 from previous years") leaves
	// the rest unallocated without being inconsistent. A one-member code
	// list never makes a breakdown complete: the report names the part, not
	// the rest.
	Complete bool
}

// Sum adds the cells' values.
func (b Breakdown) Sum() decimal.Decimal {
	var sum decimal.Decimal
	for _, c := range b.Cells {
		sum = sum.Add(c.Value)
	}
	return sum
}

// Unallocated is the part of the total no cell accounts for; negative when
// the cells add up to more than the total.
func (b Breakdown) Unallocated() decimal.Decimal { return b.Total.Value.Sub(b.Sum()) }

// Consistent reports whether the cells add up to the total exactly.
func (b Breakdown) Consistent() bool { return b.Unallocated().IsZero() }

// Inconsistent reports a breakdown the report gets wrong: exact figures that
// cover every member but do not add up, or parts that exceed their whole.
func (b Breakdown) Inconsistent() bool {
	u := b.Unallocated()
	return b.Checkable() && (u.IsNegative() || (b.Complete && !u.IsZero()))
}

// Checkable reports whether a mismatch would be an inconsistency: a total or
// a cell stated as a bound ("more than 50") cannot be expected to add up.
func (b Breakdown) Checkable() bool {
	if b.Total.Qualifier != Exact {
		return false
	}
	for _, c := range b.Cells {
		if c.Qualifier != Exact {
			return false
		}
	}
	return true
}

func (b Breakdown) String() string {
	parts := make([]string, len(b.Cells))
	for i, c := range b.Cells {
		parts[i] = FormatValue(c.Value)
	}
	s := fmt.Sprintf("%s %s %s", b.Total.Indicator, b.Total.RefArea, b.Total.Period)
	if k := CoordinateKey(b.Total.Coordinates); k != "" {
		s += " " + k
	}
	s += fmt.Sprintf(" by %s: %s = %s of %s", strings.Join(b.By, " x "), strings.Join(parts, " + "),
		FormatValue(b.Sum()), FormatValue(b.Total.Value))
	switch u := b.Unallocated(); {
	case u.IsPositive():
		s += fmt.Sprintf(" (%s unallocated)", FormatValue(u))
	case u.IsNegative():
		s += fmt.Sprintf(" (cells exceed the total by %s)", FormatValue(u.Neg()))
	}
	return s
}

// Breakdowns finds every total in obs that other observations break down:
// same indicator, area, period and status, coordinates that extend the
// total's by the same further dimensions. Totals and cells are kept as
// reported; whether they add up is for the caller to show. dims are the code
// lists, to tell complete breakdowns from partial ones.
func Breakdowns(obs []Observation, dims []Dimension) []Breakdown {
	memberCount := make(map[string]int, len(dims))
	for _, d := range dims {
		memberCount[d.Code] = len(d.Members)
	}
	type cellKey struct {
		series string // indicator, area, period, status
		dims   string // dimensions of the coordinates
	}
	series := func(o Observation) string {
		return fmt.Sprintf("%s|%s|%s|%s", o.Indicator, o.RefArea, o.Period, o.Status)
	}
	groups := map[cellKey][]int{}
	var order []cellKey
	for i, o := range obs {
		k := cellKey{series(o), dimensionsOf(o.Coordinates)}
		if _, seen := groups[k]; !seen {
			order = append(order, k)
		}
		groups[k] = append(groups[k], i)
	}
	var out []Breakdown
	for i, total := range obs {
		totalDims := dimensionNames(total.Coordinates)
		for _, k := range order {
			if k.series != series(total) {
				continue
			}
			cellDims := strings.Split(k.dims, ";")
			by, extends := extraDimensions(totalDims, cellDims)
			if !extends {
				continue
			}
			b := Breakdown{Total: obs[i], By: by}
			for _, j := range groups[k] {
				if agreesOn(obs[j].Coordinates, total.Coordinates) {
					b.Cells = append(b.Cells, obs[j])
				}
			}
			if len(b.Cells) > 0 {
				b.Complete = coversEveryMember(b, memberCount)
				out = append(out, b)
			}
		}
	}
	return out
}

func dimensionNames(cs []Coordinate) []string {
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = c.Dimension
	}
	return names
}

func dimensionsOf(cs []Coordinate) string { return strings.Join(dimensionNames(cs), ";") }

// extraDimensions returns the dimensions cells has beyond total, and whether
// cells strictly extends total.
func extraDimensions(total, cells []string) ([]string, bool) {
	if len(cells) == 1 && cells[0] == "" {
		cells = nil
	}
	if len(cells) <= len(total) {
		return nil, false
	}
	var extra []string
	for _, d := range cells {
		if !slices.Contains(total, d) {
			extra = append(extra, d)
		}
	}
	return extra, len(extra) == len(cells)-len(total)
}

// agreesOn reports whether cell has every coordinate of total.
func agreesOn(cell, total []Coordinate) bool {
	for _, t := range total {
		if !slices.Contains(cell, t) {
			return false
		}
	}
	return true
}

func coversEveryMember(b Breakdown, memberCount map[string]int) bool {
	for _, d := range b.By {
		seen := map[string]bool{}
		for _, c := range b.Cells {
			for _, co := range c.Coordinates {
				if co.Dimension == d {
					seen[co.Member] = true
				}
			}
		}
		if memberCount[d] < 2 || len(seen) < memberCount[d] {
			return false
		}
	}
	return true
}
