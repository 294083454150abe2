package dataset

import "github.com/shopspring/decimal"

// Split is an indicator's value in one area and period, divided by the
// members of one dimension.
type Split struct {
	// Total is the index of the total among the observations split, -1
	// when the report states none.
	Total   int
	Members []MemberSplit
	// Complete is set when every member of the dimension has a value.
	Complete bool
}

// MemberSplit is one member's part of a Split.
type MemberSplit struct {
	Member string
	Value  decimal.Decimal
	// Cells index the observations the value comes from: one, or the cells
	// of a finer breakdown added up.
	Cells []int
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
	split.Total = -1
	for i, o := range obs {
		if o.Status != status {
			continue
		}
		if len(o.Coordinates) == 0 && split.Total < 0 {
			split.Total = i
		}
		if hasDimension(o, dim.Code) && (finest == 0 || len(o.Coordinates) < finest) {
			finest = len(o.Coordinates)
		}
	}
	if finest == 0 {
		return Split{}, false
	}
	byMember := map[string]*MemberSplit{}
	for i, o := range obs {
		if o.Status != status || len(o.Coordinates) != finest || !hasDimension(o, dim.Code) {
			continue
		}
		m := memberOn(o, dim.Code)
		ms := byMember[m]
		if ms == nil {
			ms = &MemberSplit{Member: m}
			byMember[m] = ms
		}
		ms.Value = ms.Value.Add(o.Value)
		ms.Cells = append(ms.Cells, i)
	}
	for _, m := range dim.Members {
		if ms := byMember[m.Code]; ms != nil {
			split.Members = append(split.Members, *ms)
		}
	}
	split.Complete = len(split.Members) == len(dim.Members)
	return split, true
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
