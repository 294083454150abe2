package graph

import (
	"context"

	"indicators/graph/model"
	"indicators/internal/dataset"
)

// dataset answers Query.dataset from the catalog: no statement of its own.
func (r *Resolver) dataset(ctx context.Context) (*model.Dataset, error) {
	c, err := catalogFor(ctx)
	if err != nil {
		return nil, err
	}
	v := c.Version()
	d := &model.Dataset{Version: int(v.Revision), Revisions: c.Revisions}
	if !v.UpdatedAt.IsZero() {
		d.UpdatedAt = &v.UpdatedAt
	}
	return d, nil
}

// changes serves Query.changes.
func (r *Resolver) changes(ctx context.Context, since dataset.Vintage, kinds []dataset.ChangeKind, first *int, after *string) (*model.CellChangeConnection, error) {
	req := dataset.ChangeRequest{Since: since, Kinds: kinds, Count: selects(ctx, "totalCount")}
	if kinds == nil {
		req.Kinds = dataset.FigureChanges
	}
	var err error
	if req.First, err = pageSize(first); err != nil {
		return nil, err
	}
	if req.After, err = decodeCursor("change", after); err != nil {
		return nil, err
	}
	if err := req.Validate(); err != nil {
		return nil, err
	}
	page, err := r.Store.Changes(ctx, req)
	if err != nil {
		return nil, err
	}
	conn := &model.CellChangeConnection{
		Edges:      []model.CellChangeEdge{},
		Nodes:      []dataset.Change{},
		PageInfo:   &model.PageInfo{HasNextPage: page.HasNextPage, HasPreviousPage: req.After != ""},
		TotalCount: page.TotalCount,
	}
	for i, ch := range page.Changes {
		node := ch
		conn.Edges = append(conn.Edges, model.CellChangeEdge{Cursor: encodeCursor("change", page.Cursors[i]), Node: &node})
		conn.Nodes = append(conn.Nodes, node)
	}
	if len(conn.Edges) > 0 {
		conn.PageInfo.StartCursor = &conn.Edges[0].Cursor
		conn.PageInfo.EndCursor = &conn.Edges[len(conn.Edges)-1].Cursor
	}
	return conn, nil
}
