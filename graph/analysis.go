package graph

import (
	"context"
	"slices"
	"strings"

	"indicators/graph/model"
	"indicators/internal/dataset"
)

// series follows one cell of an indicator over time: its current
// observation in each period.
func (r *Resolver) series(ctx context.Context, indicator string, refArea *string, members []model.CoordinateInput) ([]model.Observation, error) {
	coords := make([]dataset.Coordinate, len(members))
	for i, m := range members {
		coords[i] = dataset.Coordinate{Dimension: m.Dimension, Member: m.Member}
	}
	slices.SortFunc(coords, func(a, b dataset.Coordinate) int { return strings.Compare(a.Dimension, b.Dimension) })
	key := dataset.SeriesKey{Indicator: indicator, CoordinateKey: dataset.CoordinateKey(coords)}
	if refArea != nil {
		key.RefArea = *refArea
	}
	obs, err := load(ctx, loadersFor(ctx).series, key)
	if err != nil {
		return nil, err
	}
	return observationModels(obs), nil
}

// breakdown splits an indicator by a dimension for one period, from the
// current observations of that period.
func (r *Resolver) breakdown(ctx context.Context, indicator, by string, period, refArea *string) (*model.Breakdown, error) {
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
	b := &model.Breakdown{IndicatorCode: indicator, Period: cell[0].Period, RefAreaCode: cell[0].RefArea, DimensionCode: by, Complete: split.Complete}
	if split.Total >= 0 {
		b.Total = &model.Observation{Observation: cell[split.Total]}
	}
	for _, m := range split.Members {
		bm := model.BreakdownMember{DimensionCode: by, MemberCode: m.Member, Value: m.Value}
		for _, i := range m.Cells {
			bm.Observations = append(bm.Observations, model.Observation{Observation: cell[i]})
		}
		b.Sum = b.Sum.Add(m.Value)
		if b.Total != nil {
			if share, ok := dataset.Ratio(m.Value, b.Total.Value); ok {
				bm.Share = &share
			}
		}
		b.Members = append(b.Members, bm)
	}
	if b.Total != nil {
		u := b.Total.Value.Sub(b.Sum)
		b.Unallocated = &u
		b.Consistent = u.IsZero()
	}
	return b, nil
}
