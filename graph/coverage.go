package graph

import (
	"context"
	"fmt"

	"indicators/graph/model"
	"indicators/internal/dataset"
	"indicators/internal/framework"
)

// coverage serves a framework's coverage table, the same as the
// *-coverage.csv exports: the code lists from the process's catalog, the
// observations from the API's pool (a snapshot would hold a connection of
// the export share, which a GraphQL request must not wait for).
func (r *Resolver) coverage(ctx context.Context, name model.ReportingFramework, f dataset.Filter) ([]framework.CoverageCell, error) {
	if err := validFilter(ctx, f); err != nil {
		return nil, err
	}
	fw, ok := framework.Lookup(frameworkNames[name])
	if !ok {
		return nil, fmt.Errorf("coverage: no framework %s", name)
	}
	c, err := catalogFor(ctx)
	if err != nil {
		return nil, err
	}
	return fw.Coverage(ctx, c.Lists, r.Store.EachObservation, f)
}
