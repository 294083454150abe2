package graph

import (
	"context"

	"indicators/graph/model"
	"indicators/internal/dataset"
	"indicators/internal/export"
)

// coverage serves the coverage tables of the exports as a field.
func (r *Resolver) coverage(ctx context.Context, framework model.ReportingFramework, f dataset.Filter) ([]model.CoverageCell, error) {
	in, err := export.NewInput(ctx, r.Store, f)
	if err != nil {
		return nil, err
	}
	cells, err := export.Coverage(ctx, in, frameworkNames[framework])
	if err != nil {
		return nil, err
	}
	out := make([]model.CoverageCell, len(cells))
	for i, c := range cells {
		out[i] = model.CoverageCell{CoverageCell: c}
	}
	return out, nil
}
