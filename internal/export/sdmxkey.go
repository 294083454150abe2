package export

import (
	"slices"
	"strings"

	"indicators/internal/dataset"
)

// KeySelection selects observations by an SDMX series key: per key
// dimension (every dimension but TIME_PERIOD, in DSD order) the codes
// allowed, none for any.
type KeySelection struct {
	d     dsd
	codes [][]string
}

// KeyDimensions are the ids of the series key's dimensions, in order.
func KeyDimensions(cl *dataset.CodeLists, releases []dataset.Release) []string {
	d := newDSD(cl, releases)
	ids := make([]string, 0, len(d.Dimensions)-1)
	for _, c := range d.Dimensions[:len(d.Dimensions)-1] {
		ids = append(ids, c.ID)
	}
	return ids
}

// KeyCodes are the codes of each key dimension's code list, in key order:
// what a condition on a dimension's codes (SDMX 3.0's c[DIM]=ne:…) is
// resolved against.
func KeyCodes(cl *dataset.CodeLists, releases []dataset.Release) [][]string {
	d := newDSD(cl, releases)
	lists := make([][]string, 0, len(d.Dimensions)-1)
	for _, c := range d.Dimensions[:len(d.Dimensions)-1] {
		codes := make([]string, len(c.Codes))
		for i, k := range c.Codes {
			codes[i] = k.ID
		}
		lists = append(lists, codes)
	}
	return lists
}

// NewKeySelection selects by codes, one list per key dimension (an empty
// list allows any code). It errs (BAD_USER_INPUT) when the key has not one
// part per dimension.
func NewKeySelection(cl *dataset.CodeLists, releases []dataset.Release, codes [][]string) (KeySelection, error) {
	d := newDSD(cl, releases)
	if n := len(d.Dimensions) - 1; len(codes) != n {
		return KeySelection{}, dataset.Errorf(dataset.ErrBadInput,
			"the key has %d parts; %s has %d key dimensions: %s", len(codes), DSDID, n, strings.Join(KeyDimensions(cl, releases), "."))
	}
	return KeySelection{d: d, codes: codes}, nil
}

// Filter narrows f to a superset of the observations the key selects, in
// the terms the store filters by, so that Match has few rows to refuse: a
// dimension whose codes are all totals asks for totals over it, one with no
// total among them for its members; a mix of both is left to Match.
func (k KeySelection) Filter(f dataset.Filter) dataset.Filter {
	for i, codes := range k.codes {
		if len(codes) == 0 {
			continue
		}
		switch c := k.d.Dimensions[i]; c.ID {
		case "REF_AREA":
			f.RefAreas = codes
		case "INDICATOR":
			f.Indicators = codes
		default:
			dim, ok := k.d.datasetDimension(i)
			if !ok {
				continue
			}
			totals := 0
			for _, code := range codes {
				if isTotal(code) {
					totals++
				}
			}
			switch totals {
			case len(codes):
				f.TotalOver = append(f.TotalOver, dim)
			case 0:
				f.Members = append(f.Members, dataset.MemberFilter{Dimension: dim, Members: codes})
			}
		}
	}
	return f
}

// Match tells whether o's series key is one the selection allows.
func (k KeySelection) Match(o dataset.Observation) bool {
	key := k.d.observation(o).Key
	for i, codes := range k.codes {
		if len(codes) > 0 && !slices.Contains(codes, key[i]) {
			return false
		}
	}
	return true
}

// datasetDimension is the dataset's dimension code of the DSD dimension at
// position i, when it is a breakdown dimension.
func (d dsd) datasetDimension(i int) (string, bool) {
	for code, pos := range d.breakdown {
		if pos == i {
			return code, true
		}
	}
	return "", false
}

// isTotal tells the codes of an observation that is not broken down by a
// dimension: its total, or not applicable to the indicator.
func isTotal(code string) bool { return code == totalCode || code == notApplicable }

// AttributesAndMeasure are the ids of the DSD's attributes and of its
// measure, OBS_VALUE: the components besides the dimensions.
func AttributesAndMeasure(cl *dataset.CodeLists, releases []dataset.Release) []string {
	d := newDSD(cl, releases)
	var ids []string
	for _, a := range d.Attributes {
		ids = append(ids, a.ID)
	}
	return append(ids, "OBS_VALUE")
}
