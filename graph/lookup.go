package graph

import (
	"context"
	"errors"
	"fmt"

	"indicators/graph/model"
	"indicators/internal/store"
)

// errUnknownCode is a code that names nothing. At the root (indicator(code:))
// it means null; nested, where the database guarantees the code, it is a bug.
var errUnknownCode = errors.New("unknown code")

func (r *Resolver) unitByCode(ctx context.Context, code string) (*model.Unit, error) {
	c, err := catalogFor(ctx)
	if err != nil {
		return nil, err
	}
	u, ok := c.units[code]
	if !ok {
		return nil, fmt.Errorf("unit %q: %w", code, errUnknownCode)
	}
	return &model.Unit{Code: u.Code, Name: u.Name}, nil
}

func (r *Resolver) indicatorByCode(ctx context.Context, code string) (*model.Indicator, error) {
	c, err := catalogFor(ctx)
	if err != nil {
		return nil, err
	}
	i, ok := c.indicators[code]
	if !ok {
		return nil, fmt.Errorf("indicator %q: %w", code, errUnknownCode)
	}
	m := indicatorModel(i)
	return &m, nil
}

func (r *Resolver) indicatorsByCode(ctx context.Context, codes []string) ([]model.Indicator, error) {
	out := make([]model.Indicator, 0, len(codes))
	for _, code := range codes {
		i, err := r.indicatorByCode(ctx, code)
		if err != nil {
			return nil, err
		}
		out = append(out, *i)
	}
	return out, nil
}

func (r *Resolver) agencyByCode(ctx context.Context, code string) (*model.Agency, error) {
	c, err := catalogFor(ctx)
	if err != nil {
		return nil, err
	}
	a, ok := c.agencies[code]
	if !ok {
		return nil, fmt.Errorf("agency %q: %w", code, errUnknownCode)
	}
	m := agencyModel(a)
	return &m, nil
}

func (r *Resolver) refAreaByCode(ctx context.Context, code string) (*model.RefArea, error) {
	c, err := catalogFor(ctx)
	if err != nil {
		return nil, err
	}
	a, ok := c.areas[code]
	if !ok {
		return nil, fmt.Errorf("reference area %q: %w", code, errUnknownCode)
	}
	m := refAreaModel(a)
	return &m, nil
}

func (r *Resolver) dimensionByCode(ctx context.Context, code string) (*model.Dimension, error) {
	c, err := catalogFor(ctx)
	if err != nil {
		return nil, err
	}
	d, ok := c.dimensions[code]
	if !ok {
		return nil, fmt.Errorf("dimension %q: %w", code, errUnknownCode)
	}
	m := dimensionModel(d)
	return &m, nil
}

func (r *Resolver) memberByCode(ctx context.Context, dim, code string) (*model.Member, error) {
	c, err := catalogFor(ctx)
	if err != nil {
		return nil, err
	}
	m, ok := c.dimensions[dim].Member(code)
	if !ok {
		return nil, fmt.Errorf("member %s=%s: %w", dim, code, errUnknownCode)
	}
	mm := memberModel(dim, m)
	return &mm, nil
}

func (r *Resolver) releaseByCode(ctx context.Context, code string) (*model.Release, error) {
	c, err := catalogFor(ctx)
	if err != nil {
		return nil, err
	}
	rel, ok := c.releases[code]
	if !ok {
		return nil, fmt.Errorf("release %q: %w", code, errUnknownCode)
	}
	m := releaseModel(rel)
	return &m, nil
}

// previous finds the same cell one period earlier, in any release.
func (r *Resolver) previous(ctx context.Context, obj *model.Observation) (*model.Observation, error) {
	cell := store.CellOf(obj.Observation.Observation)
	cell.Period = cell.Period.Previous()
	o, err := load(ctx, loadersFor(ctx).inCell, cell)
	if err != nil || o.ID == 0 {
		return nil, err
	}
	return &model.Observation{Observation: o}, nil
}
