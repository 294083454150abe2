package graph

import (
	"context"
	"slices"
	"strings"

	"indicators/internal/dataset"
)

// The analyses are batch resolvers: gqlgen hands them every indicator of a
// response that selects the field, so each is one statement however many
// indicators ask, with no loader waiting to collect keys.

// series follows one cell of each indicator over time: its current
// observation in each period.
func (r *Resolver) series(ctx context.Context, indicators []*dataset.Indicator, refArea *string, members []dataset.Coordinate) ([][]dataset.Observation, error) {
	coords := slices.Clone(members)
	slices.SortFunc(coords, func(a, b dataset.Coordinate) int { return strings.Compare(a.Dimension, b.Dimension) })
	keys := make([]dataset.SeriesKey, len(indicators))
	for i, ind := range indicators {
		keys[i] = dataset.SeriesKey{Indicator: ind.Code, CoordinateKey: dataset.CoordinateKey(coords)}
		if refArea != nil {
			keys[i].RefArea = *refArea
		}
	}
	got, err := r.Store.Series(ctx, keys)
	if err != nil {
		return nil, err
	}
	out := make([][]dataset.Observation, len(keys))
	for i, k := range keys {
		out[i] = got[k]
		if out[i] == nil {
			out[i] = []dataset.Observation{}
		}
	}
	return out, nil
}

// breakdown splits each indicator by a dimension for one period, from the
// current observations of that period; null where nothing breaks it down.
func (r *Resolver) breakdown(ctx context.Context, indicators []*dataset.Indicator, by string, period, refArea *string) ([]*dataset.Split, error) {
	c, err := catalogFor(ctx)
	if err != nil {
		return nil, err
	}
	dim, ok := c.Dimensions[by]
	if !ok {
		return nil, badInput("by: unknown dimension %q", by)
	}
	var key dataset.SliceKey
	key.Dimension = by
	if period != nil {
		if key.Period, err = dataset.ParsePeriod(*period); err != nil {
			return nil, badInput("period: %v", err)
		}
	}
	if refArea != nil {
		key.RefArea = *refArea
	}
	keys := make([]dataset.SliceKey, len(indicators))
	for i, ind := range indicators {
		keys[i] = key
		keys[i].Indicator = ind.Code
	}
	got, err := r.Store.Slices(ctx, keys)
	if err != nil {
		return nil, err
	}
	out := make([]*dataset.Split, len(keys))
	for i, k := range keys {
		if cell := got[k]; len(cell) > 0 {
			if split, ok := dataset.SplitBy(cell, dim); ok {
				out[i] = &split
			}
		}
	}
	return out, nil
}
