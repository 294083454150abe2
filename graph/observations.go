package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/99designs/gqlgen/graphql"

	"indicators/graph/model"
	"indicators/internal/dataset"
)

// validFilter applies the core's checks, after one of its own: gqlparser
// accepts an enum in variables in any case ("reported" for REPORTED) and
// gqlgen then binds no value, which must not read as "any" or fail deeper.
// Codes must be in the catalog: a typo is UNKNOWN_CODE, not an empty page.
func validFilter(ctx context.Context, f dataset.Filter) error {
	for _, e := range []struct {
		field, values string
		given         bool
	}{
		{"statuses", "REPORTED, DERIVED", slices.Contains(f.Statuses, "")},
		{"qualifiers", "EXACT, MORE_THAN, AT_LEAST, APPROXIMATELY", slices.Contains(f.Qualifiers, "")},
		{"themes", "PREVENTION, PROTECTION, PROSECUTION, PARTNERSHIP, CONTEXT", slices.Contains(f.Themes, "")},
	} {
		if e.given {
			return badInput("%s: enum values are written as the schema spells them: %s", e.field, e.values)
		}
	}
	if err := f.Validate(); err != nil {
		return err
	}
	c, err := catalogFor(ctx)
	if err != nil {
		return err
	}
	return c.CheckCodes(f)
}

// filterOf is the filter a connection was given, or none.
func filterOf(f *dataset.Filter) dataset.Filter {
	if f == nil {
		return dataset.Filter{}
	}
	return *f
}

// observationPageArgs validates a connection's arguments; the count is
// asked for only when the query selects totalCount.
func observationPageArgs(ctx context.Context, first *int, after *string, orderBy *dataset.Order) (dataset.PageRequest, error) {
	p := dataset.PageRequest{Order: dataset.OrderByKey, Count: selects(ctx, "totalCount")}
	if orderBy != nil {
		if *orderBy == "" {
			return p, badInput("orderBy: enum values are written as the schema spells them: KEY, PERIOD_DESC, VALUE_DESC")
		}
		p.Order = *orderBy
	}
	if err := p.Order.Validate(); err != nil {
		return p, err
	}
	var err error
	if p.First, err = pageSize(first); err != nil {
		return p, err
	}
	p.After, err = decodeCursor("observation/"+string(p.Order), after)
	return p, err
}

// selects reports whether the field being resolved selects a field of the
// given name, through fragments too.
func selects(ctx context.Context, name string) bool {
	for _, f := range graphql.CollectFieldsCtx(ctx, nil) {
		if f.Name == name {
			return true
		}
	}
	return false
}

// listObservations serves a top-level observations connection.
func (r *Resolver) listObservations(ctx context.Context, f dataset.Filter, first *int, after *string, orderBy *dataset.Order) (*model.ObservationConnection, error) {
	if err := validFilter(ctx, f); err != nil {
		return nil, err
	}
	p, err := observationPageArgs(ctx, first, after, orderBy)
	if err != nil {
		return nil, err
	}
	page, err := r.Store.Observations(ctx, f, p)
	if err != nil {
		return nil, err
	}
	return observationConnection(page, p.Order, p.After != ""), nil
}

// nestedObservations serves an indicator's or agency's observations: first
// pages of every parent in a response come from one batched query. The
// parent replaces whatever the filter says about its own kind.
func (r *Resolver) nestedObservations(ctx context.Context, parent dataset.Parent, code string, f dataset.Filter, first *int, after *string, orderBy *dataset.Order) (*model.ObservationConnection, error) {
	switch parent {
	case dataset.ByIndicator:
		f.Indicators = nil
	case dataset.ByAgency:
		f.Agencies = nil
	}
	if after != nil && *after != "" {
		// Later pages differ per parent; each is its own query.
		if parent == dataset.ByIndicator {
			f.Indicators = []string{code}
		} else {
			f.Agencies = []string{code}
		}
		return r.listObservations(ctx, f, first, after, orderBy)
	}
	if err := validFilter(ctx, f); err != nil {
		return nil, err
	}
	p, err := observationPageArgs(ctx, first, nil, orderBy)
	if err != nil {
		return nil, err
	}
	filterJSON, err := json.Marshal(f)
	if err != nil {
		return nil, fmt.Errorf("encode filter: %w", err)
	}
	page, err := load(ctx, loadersFor(ctx).firstPages, pageKey{parent: parent, code: code, filter: string(filterJSON), page: p})
	if err != nil {
		return nil, err
	}
	return observationConnection(page, p.Order, false), nil
}

func observationConnection(page dataset.Page, order dataset.Order, afterGiven bool) *model.ObservationConnection {
	// The edges point into the nodes: a page's observations are held once.
	nodes := page.Observations
	if nodes == nil {
		nodes = []dataset.Observation{}
	}
	conn := &model.ObservationConnection{
		Edges:      make([]model.ObservationEdge, len(nodes)),
		Nodes:      nodes,
		PageInfo:   &model.PageInfo{HasNextPage: page.HasNextPage, HasPreviousPage: afterGiven},
		TotalCount: page.TotalCount,
	}
	kind := "observation/" + string(order)
	for i := range nodes {
		conn.Edges[i] = model.ObservationEdge{Cursor: encodeCursor(kind, page.Cursors[i]), Node: &nodes[i]}
	}
	if len(conn.Edges) > 0 {
		conn.PageInfo.StartCursor = &conn.Edges[0].Cursor
		conn.PageInfo.EndCursor = &conn.Edges[len(conn.Edges)-1].Cursor
	}
	return conn
}
