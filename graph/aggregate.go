package graph

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"indicators/graph/model"
	"indicators/internal/dataset"
)

// maxAggregated bounds the observations one aggregate reads; the checks run
// in memory.
const maxAggregated = 10_000

var errTooMany = errors.New("too many observations")

// aggregate sums and counts the observations matching f by group. Adding
// figures in different units, or a total together with its own breakdown,
// would give a number that means nothing, so both are refused.
func (r *Resolver) aggregate(ctx context.Context, f dataset.Filter, groupBy []model.AggregateGrouping) ([]model.AggregateGroup, error) {
	for _, g := range groupBy {
		if (g.Field == nil) == (g.Dimension == nil) {
			return nil, badInput("groupBy: give either field or dimension in each grouping")
		}
	}
	if err := validFilter(ctx, f); err != nil {
		return nil, err
	}
	// Current cells: releases that restate each other's figures are counted
	// once. Only a filter that names several overlapping releases can still
	// hold a cell twice, and checkAddable refuses that.
	f.Current = true
	var obs []dataset.Observation
	err := r.Store.EachObservation(ctx, f, func(o dataset.Observation) error {
		if len(obs) == maxAggregated {
			return errTooMany
		}
		obs = append(obs, o)
		return nil
	})
	if errors.Is(err, errTooMany) {
		return nil, dataset.Errorf(dataset.ErrTooManyObservations, "%s", "the filter selects more than 10000 observations; narrow it")
	}
	if err != nil {
		return nil, err
	}
	type group struct {
		key   []model.AggregateKey
		items []dataset.Observation
	}
	var order []string
	groups := map[string]*group{}
	for _, o := range obs {
		key := groupKey(o, groupBy)
		id := keyString(key)
		g := groups[id]
		if g == nil {
			g = &group{key: key}
			groups[id] = g
			order = append(order, id)
		}
		g.items = append(g.items, o)
	}
	out := make([]model.AggregateGroup, 0, len(groups))
	for _, id := range order {
		g := groups[id]
		if err := checkAddable(g.items); err != nil {
			return nil, err
		}
		ag := model.AggregateGroup{Key: g.key, Count: len(g.items), Qualifier: dataset.Exact}
		sum := decimal.Zero
		for _, o := range g.items {
			sum = sum.Add(o.Value)
			ag.Qualifier = weaker(ag.Qualifier, o.Qualifier)
		}
		// A sum with a suppressed part would state it, with the others.
		if !slices.ContainsFunc(g.items, func(o dataset.Observation) bool { return o.Suppressed != "" }) {
			ag.Sum = &sum
		}
		unit, err := r.unitByCode(ctx, g.items[0].Unit)
		if err != nil {
			return nil, err
		}
		ag.Unit = unit
		out = append(out, ag)
	}
	return out, nil
}

func groupKey(o dataset.Observation, groupBy []model.AggregateGrouping) []model.AggregateKey {
	key := make([]model.AggregateKey, len(groupBy))
	for i, g := range groupBy {
		var value *string
		if g.Dimension != nil {
			key[i].Grouping = *g.Dimension
			for _, c := range o.Coordinates {
				if c.Dimension == *g.Dimension {
					value = &c.Member
				}
			}
		} else {
			key[i].Grouping = string(*g.Field)
			var v string
			switch *g.Field {
			case model.AggregateFieldIndicator:
				v = o.Indicator
			case model.AggregateFieldPeriod:
				v = o.Period.String()
			case model.AggregateFieldAgency:
				v = o.Agency
			case model.AggregateFieldRefArea:
				v = o.RefArea
			}
			value = &v
		}
		key[i].Value = value
	}
	return key
}

func keyString(key []model.AggregateKey) string {
	parts := make([]string, len(key))
	for i, k := range key {
		if k.Value != nil {
			parts[i] = "=" + *k.Value
		}
	}
	return strings.Join(parts, "\x1f")
}

// checkAddable refuses a group whose sum would mean nothing.
func checkAddable(items []dataset.Observation) error {
	for _, o := range items[1:] {
		if o.Unit != items[0].Unit {
			return dataset.Errorf(dataset.ErrIncompatibleUnits, "%s", "cannot add "+items[0].Unit+" ("+items[0].Indicator+") and "+
				o.Unit+" ("+o.Indicator+"); filter by indicator or group by INDICATOR")
		}
	}
	// The same cell twice (the filter names two releases that state it)
	// would be counted twice.
	cells := map[string]bool{}
	for _, o := range items {
		key := cellKey(o, o.Coordinates)
		if cells[key] {
			return dataset.Errorf(dataset.ErrDoubleCounting, "%s", "the set holds "+o.Indicator+" "+o.Period.String()+
				" more than once (the releases filtered by both state it); name one release, or none for the current figures")
		}
		cells[key] = true
	}
	// A cell whose coordinates extend another's in the same indicator, area
	// and period is part of that total.
	for _, o := range items {
		for _, sub := range properSubsets(o.Coordinates) {
			if cells[cellKey(o, sub)] {
				return dataset.Errorf(dataset.ErrDoubleCounting, "%s", "the set holds "+o.Indicator+" "+o.Period.String()+
					" both as a total and broken down by "+dimensionsNotIn(o.Coordinates, sub)+
					"; narrow the filter with exactlyBy or totalOver")
			}
		}
	}
	return nil
}

func cellKey(o dataset.Observation, cs []dataset.Coordinate) string {
	return o.Indicator + "|" + o.RefArea + "|" + o.Period.String() + "|" + dataset.CoordinateKey(cs)
}

// properSubsets lists every subset of cs smaller than cs (cs is short: one
// coordinate per dimension an observation is broken down by).
func properSubsets(cs []dataset.Coordinate) [][]dataset.Coordinate {
	var out [][]dataset.Coordinate
	for mask := 0; mask < 1<<len(cs)-1; mask++ {
		var sub []dataset.Coordinate
		for i, c := range cs {
			if mask&(1<<i) != 0 {
				sub = append(sub, c)
			}
		}
		out = append(out, sub)
	}
	return out
}

func dimensionsNotIn(all, sub []dataset.Coordinate) string {
	var dims []string
	for _, c := range all {
		found := false
		for _, s := range sub {
			found = found || s.Dimension == c.Dimension
		}
		if !found {
			dims = append(dims, c.Dimension)
		}
	}
	return strings.Join(dims, ", ")
}

// weaker combines qualifiers: a sum is exact only if every part is; with a
// lower bound among its parts it is itself a lower bound.
func weaker(acc, q dataset.Qualifier) dataset.Qualifier {
	rank := map[dataset.Qualifier]int{dataset.Exact: 0, dataset.AtLeast: 1, dataset.MoreThan: 2, dataset.Approximately: 3}
	if rank[q] > rank[acc] {
		return q
	}
	return acc
}
