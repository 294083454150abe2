package graph

import (
	"context"
	"errors"
	"fmt"

	"indicators/graph/model"
	"indicators/internal/dataset"
)

// errUnknownCode is a code that names nothing. At the root (indicator(code:))
// it means null; nested, where the database guarantees the code, it is a bug.
var errUnknownCode = errors.New("unknown code")

// lookup finds a code in one of the catalog's code lists and converts it.
func lookup[V, M any](ctx context.Context, what, code string, list func(*dataset.Catalog) map[string]V, convert func(V) M) (*M, error) {
	c, err := catalogFor(ctx)
	if err != nil {
		return nil, err
	}
	v, ok := list(c)[code]
	if !ok {
		return nil, fmt.Errorf("%s %q: %w", what, code, errUnknownCode)
	}
	m := convert(v)
	return &m, nil
}

func (r *Resolver) unitByCode(ctx context.Context, code string) (*model.Unit, error) {
	return lookup(ctx, "unit", code, func(c *dataset.Catalog) map[string]dataset.Unit { return c.Units },
		func(u dataset.Unit) model.Unit { return model.Unit{Code: u.Code, Name: u.Name} })
}

func (r *Resolver) indicatorByCode(ctx context.Context, code string) (*model.Indicator, error) {
	return lookup(ctx, "indicator", code, func(c *dataset.Catalog) map[string]dataset.Indicator { return c.Indicators }, indicatorModel)
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
	return lookup(ctx, "agency", code, func(c *dataset.Catalog) map[string]dataset.Agency { return c.Agencies }, agencyModel)
}

func (r *Resolver) refAreaByCode(ctx context.Context, code string) (*model.RefArea, error) {
	return lookup(ctx, "reference area", code, func(c *dataset.Catalog) map[string]dataset.RefArea { return c.RefAreas }, refAreaModel)
}

func (r *Resolver) dimensionByCode(ctx context.Context, code string) (*model.Dimension, error) {
	return lookup(ctx, "dimension", code, func(c *dataset.Catalog) map[string]dataset.Dimension { return c.Dimensions }, dimensionModel)
}

func (r *Resolver) memberByCode(ctx context.Context, dim, code string) (*model.Member, error) {
	d, err := lookup(ctx, "dimension", dim, func(c *dataset.Catalog) map[string]dataset.Dimension { return c.Dimensions },
		func(d dataset.Dimension) dataset.Dimension { return d })
	if err != nil {
		return nil, err
	}
	m, ok := d.Member(code)
	if !ok {
		return nil, fmt.Errorf("member %s=%s: %w", dim, code, errUnknownCode)
	}
	mm := memberModel(dim, m)
	return &mm, nil
}

func (r *Resolver) releaseByCode(ctx context.Context, code string) (*model.Release, error) {
	return lookup(ctx, "release", code, func(c *dataset.Catalog) map[string]dataset.Release { return c.ByRelease }, releaseModel)
}

// previous finds the same cell one period earlier, in any release.
func (r *Resolver) previous(ctx context.Context, obj *model.Observation) (*model.Observation, error) {
	cell := dataset.CellOf(obj.Observation)
	cell.Period = cell.Period.Previous()
	o, err := load(ctx, loadersFor(ctx).inCell, cell)
	if err != nil || o.ID == 0 {
		return nil, err
	}
	return &model.Observation{Observation: o}, nil
}
