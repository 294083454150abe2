package graph

import (
	"context"
	"slices"
	"strings"

	"indicators/internal/dataset"
)

// series follows one cell of an indicator over time: its current
// observation in each period of one length.
func (r *Resolver) series(ctx context.Context, indicator string, refArea *string, members []dataset.Coordinate, from, to, periodLength *int) ([]dataset.Observation, error) {
	key := dataset.SeriesKey{Indicator: indicator, RefArea: deref(refArea), From: deref(from), To: deref(to), PeriodLength: deref(periodLength)}
	if err := checkCell(ctx, key.RefArea, members); err != nil {
		return nil, err
	}
	if err := dataset.ValidateYears("from", key.From, "to", key.To); err != nil {
		return nil, err
	}
	if err := dataset.ValidatePeriodLength("periodLength", periodLength); err != nil {
		return nil, err
	}
	coords := slices.Clone(members)
	slices.SortFunc(coords, func(a, b dataset.Coordinate) int { return strings.Compare(a.Dimension, b.Dimension) })
	key.CoordinateKey = dataset.CoordinateKey(coords)
	return load(ctx, loadersFor(ctx).series, key)
}

// latest is an indicator's headline value; nil when it has none.
func (r *Resolver) latest(ctx context.Context, indicator string, refArea *string, periodLength *int) (*dataset.Headline, error) {
	key := dataset.LatestKey{Indicator: indicator, RefArea: deref(refArea), PeriodLength: deref(periodLength)}
	if err := checkCell(ctx, key.RefArea, nil); err != nil {
		return nil, err
	}
	if err := dataset.ValidatePeriodLength("periodLength", periodLength); err != nil {
		return nil, err
	}
	h, err := load(ctx, loadersFor(ctx).latest, key)
	if err != nil || h.Kind == "" {
		return nil, err
	}
	return &h, nil
}

// breakdown splits an indicator by a dimension for one period, from the
// current observations of that period.
func (r *Resolver) breakdown(ctx context.Context, indicator, by string, period, refArea *string) (*dataset.Split, error) {
	c, err := catalogFor(ctx)
	if err != nil {
		return nil, err
	}
	if err := c.CheckDimension("by", by); err != nil {
		return nil, err
	}
	key := dataset.SliceKey{Indicator: indicator, Dimension: by, RefArea: deref(refArea)}
	if err := c.CheckCell(key.RefArea, nil); err != nil {
		return nil, err
	}
	if period != nil {
		if key.Period, err = dataset.ParsePeriod(*period); err != nil {
			return nil, badInput("period: %v", err)
		}
	}
	cell, err := load(ctx, loadersFor(ctx).slices, key)
	if err != nil || len(cell) == 0 {
		return nil, err
	}
	split, ok := dataset.SplitBy(cell, c.Dimensions[by])
	if !ok {
		return nil, nil
	}
	return &split, nil
}

// checkCell refuses an area or members naming codes the dataset lacks.
func checkCell(ctx context.Context, refArea string, members []dataset.Coordinate) error {
	c, err := catalogFor(ctx)
	if err != nil {
		return err
	}
	return c.CheckCell(refArea, members)
}

// deref is an optional argument's value, or the zero value ("none" in the
// core's keys) when it is not given.
func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
