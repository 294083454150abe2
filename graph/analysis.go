package graph

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"indicators/graph/model"
	"indicators/internal/dataset"
)

// series follows one cell of an indicator over time.
func (r *Resolver) series(ctx context.Context, indicator string, refArea *string, members []model.CoordinateInput) ([]model.Observation, error) {
	c, err := catalogFor(ctx)
	if err != nil {
		return nil, err
	}
	obs, err := load(ctx, loadersFor(ctx).ofIndicator, indicator)
	if err != nil {
		return nil, err
	}
	coords := make([]dataset.Coordinate, len(members))
	for i, m := range members {
		coords[i] = dataset.Coordinate{Dimension: m.Dimension, Member: m.Member}
	}
	slices.SortFunc(coords, func(a, b dataset.Coordinate) int { return strings.Compare(a.Dimension, b.Dimension) })
	key := dataset.CoordinateKey(coords)
	area := areaOf(obs, refArea)
	// One observation per period: reported before derived, newer release
	// before older (releases overlap when a report restates last year).
	best := map[dataset.Period]dataset.Observation{}
	for _, o := range obs {
		if o.RefArea != area || dataset.CoordinateKey(o.Coordinates) != key {
			continue
		}
		if cur, ok := best[o.Period]; !ok || c.better(o, cur) {
			best[o.Period] = o
		}
	}
	out := make([]dataset.Observation, 0, len(best))
	for _, o := range best {
		out = append(out, o)
	}
	slices.SortFunc(out, func(a, b dataset.Observation) int {
		return cmp.Or(cmp.Compare(a.Period.Start, b.Period.Start), cmp.Compare(a.Period.End, b.Period.End))
	})
	return observationModels(out), nil
}

// better orders two observations of one cell as the store's
// ObservationsInCells does: reported first, then the newer release.
func (c *catalog) better(a, b dataset.Observation) bool {
	if a.Status != b.Status {
		return a.Status == dataset.Reported
	}
	ya, yb := c.releases[a.Release].ReferenceYear, c.releases[b.Release].ReferenceYear
	if ya != yb {
		return ya > yb
	}
	return a.Release > b.Release
}

// areaOf is the requested area, or the one most of the observations are for.
func areaOf(obs []dataset.Observation, requested *string) string {
	if requested != nil {
		return *requested
	}
	counts := map[string]int{}
	best := ""
	for _, o := range obs {
		counts[o.RefArea]++
		if c := counts[o.RefArea]; c > counts[best] || (c == counts[best] && o.RefArea < best) {
			best = o.RefArea
		}
	}
	return best
}

// breakdown splits an indicator by a dimension for one period.
func (r *Resolver) breakdown(ctx context.Context, indicator, by string, period, refArea *string) (*model.Breakdown, error) {
	c, err := catalogFor(ctx)
	if err != nil {
		return nil, err
	}
	dim, ok := c.dimensions[by]
	if !ok {
		return nil, badInput("by: unknown dimension %q", by)
	}
	var want dataset.Period
	if period != nil {
		if want, err = dataset.ParsePeriod(*period); err != nil {
			return nil, badInput("period: %v", err)
		}
	}
	obs, err := load(ctx, loadersFor(ctx).ofIndicator, indicator)
	if err != nil {
		return nil, err
	}
	area := areaOf(obs, refArea)
	// Default period: the latest one with a breakdown by the dimension.
	if period == nil {
		for _, o := range obs {
			if o.RefArea == area && hasCoordinate(o, by) && (o.Period.End > want.End || o.Period.End == want.End && o.Period.Start > want.Start) {
				want = o.Period
			}
		}
	}
	// One observation per cell and status: releases overlap when a report
	// restates last year, and the same cell must not be added twice.
	kept := map[string]int{}
	var cell []dataset.Observation
	for _, o := range obs {
		if o.RefArea != area || o.Period != want {
			continue
		}
		key := dataset.CoordinateKey(o.Coordinates) + "|" + string(o.Status)
		if i, seen := kept[key]; seen {
			if c.better(o, cell[i]) {
				cell[i] = o
			}
			continue
		}
		kept[key] = len(cell)
		cell = append(cell, o)
	}
	domain := make([]dataset.Observation, len(cell))
	for i, o := range cell {
		domain[i] = o
	}
	split, ok := dataset.SplitBy(domain, dim)
	if !ok {
		return nil, nil
	}
	b := &model.Breakdown{IndicatorCode: indicator, Period: want, RefAreaCode: area, DimensionCode: by, Complete: split.Complete}
	if split.Total >= 0 {
		b.Total = &model.Observation{Observation: cell[split.Total]}
	}
	for _, m := range split.Members {
		bm := model.BreakdownMember{DimensionCode: by, MemberCode: m.Member, Value: m.Value}
		for _, i := range m.Cells {
			bm.Observations = append(bm.Observations, model.Observation{Observation: cell[i]})
		}
		b.Sum += m.Value
		if b.Total != nil && b.Total.Value != 0 {
			share := m.Value / b.Total.Value
			bm.Share = &share
		}
		b.Members = append(b.Members, bm)
	}
	if b.Total != nil {
		u := b.Total.Value - b.Sum
		b.Unallocated = &u
		b.Consistent = u == 0
	}
	return b, nil
}

func hasCoordinate(o dataset.Observation, dim string) bool {
	for _, c := range o.Coordinates {
		if c.Dimension == dim {
			return true
		}
	}
	return false
}
