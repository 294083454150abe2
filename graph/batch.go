package graph

import "context"

// Batch resolvers take every row of a list at once (gqlgen.yml marks them);
// most answer each row on its own, from the fields the core type holds or
// the request's catalog. each and pick make such a per-row answer a batch.

// each answers every row with one, failing the batch on the first error.
func each[T, R any](ctx context.Context, rows []*T, one func(context.Context, *T) (R, error)) ([]R, error) {
	out := make([]R, len(rows))
	for i, row := range rows {
		v, err := one(ctx, row)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// pick answers every row with a value it holds.
func pick[T, R any](rows []*T, value func(*T) R) ([]R, error) {
	out := make([]R, len(rows))
	for i, row := range rows {
		out[i] = value(row)
	}
	return out, nil
}
