package store

import (
	"context"
	"fmt"

	"indicators/internal/dataset"
)

// Which rows a viewer may read is decided here, once, from the viewer in the
// request's context (dataset.ViewerOf): every statement reading observations
// or indicators adds one of these conditions, so GraphQL, the exports and
// SDMX cannot differ. A partner's condition is TRUE; the statement texts of
// the two tiers differ, and each is prepared once.

// visibleObservation is the condition on observation alias t for the viewer
// of ctx: restricted observations are absent for anonymous viewers.
func visibleObservation(ctx context.Context, t string) string {
	if dataset.ViewerOf(ctx).SeesRestricted() {
		return "TRUE"
	}
	return "NOT " + t + ".restricted"
}

// visibleIndicator is the condition on indicator alias t for the viewer of
// ctx: an indicator marked restricted, or one with observations that are all
// restricted, is absent for anonymous viewers. An indicator without any
// observation yet is as public as its own flag says. Both are asked of the
// tally (migration 0012), whose key leads with the indicator and the tier:
// asked of the observations, an indicator whose rows are all restricted,
// or lie late in the table, was a scan of millions of rows.
//
// Each is the first tally row in the key's order, not an EXISTS: for an
// EXISTS the planner expects a match within the first rows of a sequential
// scan (1 in 60 rows is the indicator's), but the tally lies in indicator
// order, so each indicator's scan read up to the rows of all before it
// (950 ms for 60 indicators over peerbench's 470,920 tally rows, the
// catalog read after every load; 2 ms walking the key).
func visibleIndicator(ctx context.Context, t string) string {
	if dataset.ViewerOf(ctx).SeesRestricted() {
		return "TRUE"
	}
	return "(NOT " + t + ".restricted AND ((SELECT 1 FROM observation_tally po WHERE po.indicator_id = " + t + ".id AND NOT po.restricted AND po.n > 0" +
		" ORDER BY po.is_current, po.agency_id LIMIT 1) IS NOT NULL" +
		" OR (SELECT 1 FROM observation_tally ao WHERE ao.indicator_id = " + t + ".id AND ao.n > 0 ORDER BY ao.restricted, ao.is_current LIMIT 1) IS NULL))"
}

// Reads names what the viewer of ctx reads, for cache validators: its tier,
// and the threshold when small-cell protection masks what it reads (the
// tier alone when it is off, so validators stay as they were).
func (s *Store) Reads(ctx context.Context) string {
	v := dataset.ViewerOf(ctx)
	if s.suppression == nil || v.SeesRestricted() {
		return string(v.Tier)
	}
	return fmt.Sprintf("%s, below %d suppressed", v.Tier, s.suppression.threshold)
}

// suppressionOf is small-cell protection for the viewer of ctx: nil for a
// partner, who reads the values, and when it is off; otherwise every
// observation a statement returns is masked with it (observationRow.domain)
// and a value ordering sorts its cells as no value (orderFor).
func (s *Store) suppressionOf(ctx context.Context) (*suppressed, error) {
	if s.suppression == nil || dataset.ViewerOf(ctx).SeesRestricted() {
		return nil, nil
	}
	return s.suppression.get(ctx, s)
}
