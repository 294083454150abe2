package graph

import (
	"context"
	"slices"
	"strings"

	"indicators/internal/dataset"
)

// series follows one cell of an indicator over time: its current
// observation in each period.
func (r *Resolver) series(ctx context.Context, indicator string, refArea *string, members []dataset.Coordinate) ([]dataset.Observation, error) {
	coords := slices.Clone(members)
	slices.SortFunc(coords, func(a, b dataset.Coordinate) int { return strings.Compare(a.Dimension, b.Dimension) })
	key := dataset.SeriesKey{Indicator: indicator, CoordinateKey: dataset.CoordinateKey(coords)}
	if refArea != nil {
		key.RefArea = *refArea
	}
	obs, err := load(ctx, loadersFor(ctx).series, key)
	if err != nil {
		return nil, err
	}
	return obs, nil
}

// breakdown splits an indicator by a dimension for one period, from the
// current observations of that period.
func (r *Resolver) breakdown(ctx context.Context, indicator, by string, period, refArea *string) (*dataset.Split, error) {
	c, err := catalogFor(ctx)
	if err != nil {
		return nil, err
	}
	dim, ok := c.Dimensions[by]
	if !ok {
		return nil, badInput("by: unknown dimension %q", by)
	}
	key := dataset.SliceKey{Indicator: indicator, Dimension: by}
	if period != nil {
		if key.Period, err = dataset.ParsePeriod(*period); err != nil {
			return nil, badInput("period: %v", err)
		}
	}
	if refArea != nil {
		key.RefArea = *refArea
	}
	cell, err := load(ctx, loadersFor(ctx).slices, key)
	if err != nil || len(cell) == 0 {
		return nil, err
	}
	split, ok := dataset.SplitBy(cell, dim)
	if !ok {
		return nil, nil
	}
	return &split, nil
}
