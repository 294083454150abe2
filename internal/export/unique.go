package export

import (
	"context"

	"indicators/internal/dataset"
)

// eachUnique streams the observations matching f with one observation per
// cell (indicator, area, period, coordinates). A key is unique within a
// release, but two releases may state the same cell: the 2025 report's
// "(+2)" derives a 2024 value the 2024 report states. The international
// formats have no release in their keys, so they keep one: a reported figure
// over a derived one, then the newer release (reference year, then code: the
// order of in.Releases). Filter by release to choose explicitly.
//
// The store streams in key order with the cell's rows adjacent, so this holds
// one observation at a time, however large the export.
func eachUnique(ctx context.Context, in Input, f dataset.Filter, fn func(dataset.Observation) error) error {
	rank := make(map[string]int, len(in.Releases))
	for i, r := range in.Releases {
		rank[r.Code] = i
	}
	better := func(a, b dataset.Observation) bool {
		if (a.Status == dataset.Reported) != (b.Status == dataset.Reported) {
			return a.Status == dataset.Reported
		}
		return rank[a.Release] > rank[b.Release]
	}
	var held *dataset.Observation
	err := in.Query(ctx, f, func(o dataset.Observation) error {
		if held != nil && held.Key() == o.Key() {
			if better(o, *held) {
				held = &o
			}
			return nil
		}
		if held != nil {
			if err := fn(*held); err != nil {
				return err
			}
		}
		held = &o
		return nil
	})
	if err != nil {
		return err
	}
	if held != nil {
		return fn(*held)
	}
	return nil
}
