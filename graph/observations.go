package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/99designs/gqlgen/graphql"

	"indicators/graph/model"
	"indicators/internal/dataset"
)

// storeFilter turns the GraphQL filter into the store's.
func storeFilter(f *model.ObservationFilter) dataset.Filter {
	var sf dataset.Filter
	if f == nil {
		return sf
	}
	sf.Indicators = f.Indicators
	sf.Agencies = f.Agencies
	sf.RefAreas = f.RefAreas
	sf.Releases = f.Releases
	for _, t := range f.Themes {
		sf.Themes = append(sf.Themes, strings.ToLower(string(t)))
	}
	for _, s := range f.Statuses {
		sf.Statuses = append(sf.Statuses, dataset.Status(strings.ToLower(string(s))))
	}
	for _, q := range f.Qualifiers {
		sf.Qualifiers = append(sf.Qualifiers, dataset.Qualifier(strings.ToLower(string(q))))
	}
	if f.PeriodFrom != nil {
		sf.PeriodFrom = *f.PeriodFrom
	}
	if f.PeriodTo != nil {
		sf.PeriodTo = *f.PeriodTo
	}
	for _, m := range f.Members {
		sf.Members = append(sf.Members, dataset.MemberFilter{Dimension: m.Dimension, Members: m.Members})
	}
	sf.TotalOver = f.TotalOver
	sf.BrokenDownBy = f.BrokenDownBy
	sf.ExactlyBy = f.ExactlyBy
	return sf
}

func storeOrder(o *model.ObservationOrder) dataset.Order {
	if o == nil {
		return dataset.OrderByKey
	}
	switch *o {
	case model.ObservationOrderPeriodDesc:
		return dataset.OrderByPeriodDesc
	case model.ObservationOrderValueDesc:
		return dataset.OrderByValueDesc
	default:
		return dataset.OrderByKey
	}
}

// observationPageArgs validates a connection's arguments; the count is
// asked for only when the query selects totalCount.
func observationPageArgs(ctx context.Context, first *int, after *string, orderBy *model.ObservationOrder) (dataset.PageRequest, error) {
	p := dataset.PageRequest{Order: storeOrder(orderBy), Count: selects(ctx, "totalCount")}
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
func (r *Resolver) listObservations(ctx context.Context, f dataset.Filter, first *int, after *string, orderBy *model.ObservationOrder) (*model.ObservationConnection, error) {
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
func (r *Resolver) nestedObservations(ctx context.Context, parent dataset.Parent, code string, f dataset.Filter, first *int, after *string, orderBy *model.ObservationOrder) (*model.ObservationConnection, error) {
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
	conn := &model.ObservationConnection{
		Edges:      []model.ObservationEdge{},
		Nodes:      []model.Observation{},
		PageInfo:   &model.PageInfo{HasNextPage: page.HasNextPage, HasPreviousPage: afterGiven},
		TotalCount: page.TotalCount,
	}
	for i, o := range page.Observations {
		node := model.Observation{Observation: o}
		conn.Edges = append(conn.Edges, model.ObservationEdge{Cursor: encodeCursor("observation/"+string(order), page.Cursors[i]), Node: &node})
		conn.Nodes = append(conn.Nodes, node)
	}
	if len(conn.Edges) > 0 {
		conn.PageInfo.StartCursor = &conn.Edges[0].Cursor
		conn.PageInfo.EndCursor = &conn.Edges[len(conn.Edges)-1].Cursor
	}
	return conn
}
