package graph

import (
	"context"

	"indicators/graph/model"
	"indicators/internal/dataset"
)

// node resolves a global id. An id that does not decode is the client's
// mistake (BAD_USER_INPUT); one that decodes but names nothing is null, as
// Relay expects.
func (r *Resolver) node(ctx context.Context, id string) (model.Node, error) {
	kind, key, ok := parseNodeID(id)
	if !ok {
		return nil, badInput("id: %q is not a global id", id)
	}
	want := map[string]int{"Indicator": 1, "Agency": 1, "Dimension": 1, "Member": 2, "RefArea": 1, "Release": 1, "Observation": 5}
	if n, known := want[kind]; !known || n != len(key) {
		return nil, badInput("id: %q is not a global id", id)
	}
	var (
		node model.Node
		err  error
	)
	switch kind {
	case "Indicator":
		node, err = orNil(r.indicatorByCode(ctx, key[0]))
	case "Agency":
		node, err = orNil(r.agencyByCode(ctx, key[0]))
	case "Dimension":
		node, err = orNil(r.dimensionByCode(ctx, key[0]))
	case "Member":
		node, err = orNil(r.memberByCode(ctx, key[0], key[1]))
	case "RefArea":
		node, err = orNil(r.refAreaByCode(ctx, key[0]))
	case "Release":
		node, err = orNil(r.releaseByCode(ctx, key[0]))
	case "Observation":
		period, perr := dataset.ParsePeriod(key[3])
		if perr != nil {
			return nil, badInput("id: %q is not a global id", id)
		}
		o, found, ferr := r.Store.ObservationOfCellInRelease(ctx, key[0], dataset.Cell{Indicator: key[1], RefArea: key[2], Period: period, CoordinateKey: key[4]})
		if ferr != nil || !found {
			return nil, ferr
		}
		return o, nil
	}
	return node, err
}

// orNil turns a lookup's "unknown code" into a null node.
func orNil[T model.Node](v *T, err error) (model.Node, error) {
	if v, err = orNull(v, err); v == nil || err != nil {
		return nil, err
	}
	return *v, nil
}
