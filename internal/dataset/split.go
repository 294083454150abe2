package dataset

import (
	"slices"

	"github.com/shopspring/decimal"
)

// Split is an indicator's value in one area and period, divided by the
// members of one dimension, with what the members add up to. It is what
// the API answers for a breakdown.
type Split struct {
	Indicator string
	RefArea   string
	Period    Period
	Dimension string
	// Total is the figure the members are part of; nil when the report
	// states none.
	Total   *Observation
	Members []MemberSplit
	// Complete is set when every member of the dimension has a value.
	Complete bool
	// Sum, Unallocated and Consistent are Breakdown's arithmetic over the
	// members' observations; Unallocated is nil without a total, and
	// Consistent false. Each is nil when a figure it is computed from is
	// suppressed for the viewer (Observation.Suppressed): a sum or a
	// difference would state it, and whether the members add up to the
	// total tells it from the others.
	Sum         *decimal.Decimal
	Unallocated *decimal.Decimal
	Consistent  *bool
}

// MemberSplit is one member's part of a Split.
type MemberSplit struct {
	Dimension string
	Member    string
	// Value is nil when one of its observations is suppressed.
	Value *decimal.Decimal
	// Share is Value / the total (Ratio); nil without a total, when it is
	// zero, or when either is suppressed.
	Share *decimal.Decimal
	// Observations are what the value comes from: one, or the cells of a
	// finer breakdown added up.
	Observations []Observation
}

// SplitBy divides the observations of one indicator, area and period by dim.
// It uses the coarsest breakdown that includes dim: the cells broken down by
// dim alone when the report states them, otherwise the cells of the finer
// breakdown (country x form of exploitation) added up per member. Reported
// figures are preferred over derived ones. ok is false when nothing breaks
// the observations down by dim.
func SplitBy(obs []Observation, dim Dimension) (split Split, ok bool) {
	status := Derived
	for _, o := range obs {
		if o.Status == Reported && hasDimension(o, dim.Code) {
			status = Reported
		}
	}
	finest := 0
	for i, o := range obs {
		if o.Status != status {
			continue
		}
		if len(o.Coordinates) == 0 && split.Total == nil {
			split.Total = &obs[i]
		}
		if hasDimension(o, dim.Code) && (finest == 0 || len(o.Coordinates) < finest) {
			finest = len(o.Coordinates)
		}
	}
	if finest == 0 {
		return Split{}, false
	}
	byMember := map[string]*MemberSplit{}
	var cells []Observation
	for _, o := range obs {
		if o.Status != status || len(o.Coordinates) != finest || !hasDimension(o, dim.Code) {
			continue
		}
		m := memberOn(o, dim.Code)
		ms := byMember[m]
		if ms == nil {
			ms = &MemberSplit{Dimension: dim.Code, Member: m}
			byMember[m] = ms
		}
		ms.Observations = append(ms.Observations, o)
		cells = append(cells, o)
	}
	split.Indicator, split.RefArea, split.Period, split.Dimension = obs[0].Indicator, obs[0].RefArea, obs[0].Period, dim.Code
	for _, m := range dim.Members {
		if ms := byMember[m.Code]; ms != nil {
			if !anySuppressed(ms.Observations) {
				v := Breakdown{Cells: ms.Observations}.Sum()
				ms.Value = &v
			}
			split.Members = append(split.Members, *ms)
		}
	}
	split.Complete = len(split.Members) == len(dim.Members)
	if anySuppressed(cells) {
		return split, true
	}
	b := Breakdown{Cells: cells}
	sum := b.Sum()
	split.Sum = &sum
	if split.Total == nil {
		consistent := false
		split.Consistent = &consistent
	} else if split.Total.Suppressed == "" {
		b.Total = *split.Total
		u, consistent := b.Unallocated(), b.Consistent()
		split.Unallocated, split.Consistent = &u, &consistent
		for i := range split.Members {
			if share, ok := Ratio(*split.Members[i].Value, split.Total.Value); ok {
				split.Members[i].Share = &share
			}
		}
	}
	return split, true
}

// anySuppressed reports whether a figure computed from obs would state a
// suppressed value.
func anySuppressed(obs []Observation) bool {
	return slices.ContainsFunc(obs, func(o Observation) bool { return o.Suppressed != "" })
}

func hasDimension(o Observation, dim string) bool { return memberOn(o, dim) != "" }

func memberOn(o Observation, dim string) string {
	for _, c := range o.Coordinates {
		if c.Dimension == dim {
			return c.Member
		}
	}
	return ""
}
