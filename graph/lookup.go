package graph

import (
	"context"
	"errors"
	"fmt"

	"indicators/internal/dataset"
)

// errUnknownCode is a code that names nothing. At the root (indicator(code:))
// it means null; nested, where the database guarantees the code, it is a bug.
var errUnknownCode = errors.New("unknown code")

// lookup finds a code in one of the catalog's code lists.
func lookup[K comparable, V any](ctx context.Context, what string, code K, list func(*dataset.Catalog) map[K]V) (*V, error) {
	c, err := catalogFor(ctx)
	if err != nil {
		return nil, err
	}
	v, ok := list(c)[code]
	if !ok {
		return nil, fmt.Errorf("%s %v: %w", what, code, errUnknownCode)
	}
	return &v, nil
}

func (r *Resolver) unitByCode(ctx context.Context, code string) (*dataset.Unit, error) {
	return lookup(ctx, "unit", code, func(c *dataset.Catalog) map[string]dataset.Unit { return c.Units })
}

func (r *Resolver) indicatorByCode(ctx context.Context, code string) (*dataset.Indicator, error) {
	return lookup(ctx, "indicator", code, func(c *dataset.Catalog) map[string]dataset.Indicator { return c.Indicators })
}

// orNull turns a root lookup's "unknown code" into null, as a client
// expects of indicator(code:) and its kin.
func orNull[T any](v *T, err error) (*T, error) {
	if errors.Is(err, errUnknownCode) {
		return nil, nil
	}
	return v, err
}

// fromCatalog returns one of the request's code lists whole.
func fromCatalog[T any](ctx context.Context, list func(*dataset.Catalog) []T) ([]T, error) {
	c, err := catalogFor(ctx)
	if err != nil {
		return nil, err
	}
	return list(c), nil
}

// byCodes looks up each of codes with one.
func byCodes[V any](ctx context.Context, codes []string, one func(context.Context, string) (*V, error)) ([]V, error) {
	out := make([]V, 0, len(codes))
	for _, code := range codes {
		v, err := one(ctx, code)
		if err != nil {
			return nil, err
		}
		out = append(out, *v)
	}
	return out, nil
}

func (r *Resolver) agencyByCode(ctx context.Context, code string) (*dataset.Agency, error) {
	return lookup(ctx, "agency", code, func(c *dataset.Catalog) map[string]dataset.Agency { return c.Agencies })
}

func (r *Resolver) refAreaByCode(ctx context.Context, code string) (*dataset.RefArea, error) {
	return lookup(ctx, "reference area", code, func(c *dataset.Catalog) map[string]dataset.RefArea { return c.RefAreas })
}

func (r *Resolver) dimensionByCode(ctx context.Context, code string) (*dataset.Dimension, error) {
	return lookup(ctx, "dimension", code, func(c *dataset.Catalog) map[string]dataset.Dimension { return c.Dimensions })
}

func (r *Resolver) memberByCode(ctx context.Context, dim, code string) (*dataset.Member, error) {
	d, err := r.dimensionByCode(ctx, dim)
	if err != nil {
		return nil, err
	}
	m, ok := d.Member(code)
	if !ok {
		return nil, fmt.Errorf("member %s=%s: %w", dim, code, errUnknownCode)
	}
	return &m, nil
}

func (r *Resolver) releaseByCode(ctx context.Context, code string) (*dataset.Release, error) {
	return lookup(ctx, "release", code, func(c *dataset.Catalog) map[string]dataset.Release { return c.ByRelease })
}

func (r *Resolver) revisionByNumber(ctx context.Context, n int64) (*dataset.Revision, error) {
	return lookup(ctx, "revision", n, func(c *dataset.Catalog) map[int64]dataset.Revision { return c.ByRevision })
}

// previous finds the same cell one period earlier: its current observation.
func (r *Resolver) previous(ctx context.Context, obj *dataset.Observation) (*dataset.Observation, error) {
	cell := dataset.CellOf(*obj)
	cell.Period = cell.Period.Previous()
	o, err := load(ctx, loadersFor(ctx).inCell, cell)
	if err != nil || o.ID == 0 {
		return nil, err
	}
	return &o, nil
}
