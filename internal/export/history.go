package export

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"indicators/internal/dataset"
)

// History is a selection's versions, as SDMX REST's includeHistory=true
// asks for them: for each revision that changed the selection, what it
// disseminated, as one or two data sets valid from the revision's load (in
// SDMX-ML 2.1 and SDMX-JSON 2.0 alike): the observations it added or changed (action Replace)
// and those it removed (action Delete). Replayed in order, the data sets
// give the selection as it stood after any revision, the last one the
// current data; a revision that left the selection as it was has none.
type History struct {
	sets []historySet
}

type historySet struct {
	action    string
	validFrom time.Time
	obs       []dataset.Observation
}

// SDMX-ML actions of a data set of versions.
const (
	actionReplace = "Replace"
	actionDelete  = "Delete"
)

// Empty tells a history in which the selection never held an observation.
func (h History) Empty() bool { return len(h.sets) == 0 }

// ReadHistory reads in's selection as it stood at each of the revisions
// (oldest first), through in.Query with the filter read as of the
// revision, and keeps what each changed: an observation whose value or any
// attribute differs from the one before it is a change, as a corrected
// quote is a revision of the figure's metadata.
func ReadHistory(ctx context.Context, in Input, revisions []dataset.Revision) (History, error) {
	d := newDSD(in.CodeLists, in.Releases)
	var h History
	before := map[string]dataset.Observation{}
	for i, f := range HistoryFilters(in.Filter, revisions) {
		r := revisions[i]
		now := map[string]dataset.Observation{}
		var changed []dataset.Observation
		err := in.Query(ctx, f, func(o dataset.Observation) error {
			so := d.observation(o)
			k := strings.Join(so.Key, "\x1f")
			now[k] = o
			if b, ok := before[k]; !ok || !sameSDMX(d.observation(b), so) {
				changed = append(changed, o)
			}
			return nil
		})
		if err != nil {
			return h, fmt.Errorf("read the selection as of revision %d: %w", r.Number, err)
		}
		var removed []string
		for k := range before {
			if _, ok := now[k]; !ok {
				removed = append(removed, k)
			}
		}
		slices.Sort(removed)
		if len(changed) > 0 {
			h.sets = append(h.sets, historySet{action: actionReplace, validFrom: r.LoadedAt, obs: changed})
		}
		if len(removed) > 0 {
			set := historySet{action: actionDelete, validFrom: r.LoadedAt}
			for _, k := range removed {
				set.obs = append(set.obs, before[k])
			}
			h.sets = append(h.sets, set)
		}
		before = now
	}
	return h, nil
}

// sameSDMX tells whether two observations read the same in SDMX: the same
// value (or both suppressed, so a history tells no change of a suppressed
// value) under the same attributes.
func sameSDMX(a, b sdmxObservation) bool {
	sameValue := a.Value == nil && b.Value == nil || a.Value != nil && b.Value != nil && a.Value.Equal(*b.Value)
	return sameValue && slices.Equal(a.Attrs, b.Attrs)
}

// HistoryFilters are f as of each of the revisions: what a history reads.
func HistoryFilters(f dataset.Filter, revisions []dataset.Revision) []dataset.Filter {
	out := make([]dataset.Filter, len(revisions))
	for i, r := range revisions {
		n := int(r.Number)
		out[i] = f
		out[i].AsOf = &dataset.Vintage{Revision: &n}
	}
	return out
}

// WriteGenericDataHistory writes a history as an SDMX-ML 2.1 GenericData
// message: one data set per action of a revision, oldest first.
func WriteGenericDataHistory(ctx context.Context, w io.Writer, in Input, opts DataOptions, h History) error {
	return writeHistoryML(ctx, w, in, opts, h, false)
}

// WriteStructureSpecificDataHistory writes a history as an SDMX-ML 2.1
// StructureSpecificData message.
func WriteStructureSpecificDataHistory(ctx context.Context, w io.Writer, in Input, opts DataOptions, h History) error {
	return writeHistoryML(ctx, w, in, opts, h, true)
}

func writeHistoryML(ctx context.Context, out io.Writer, in Input, opts DataOptions, h History, specific bool) error {
	return writeDataMessage(ctx, out, in, opts, specific, func(d dsd, obsDim int) ([]dataSetML, error) {
		sets := make([]dataSetML, len(h.sets))
		for i, s := range h.sets {
			obs := make([]sdmxObservation, len(s.obs))
			for j, o := range s.obs {
				obs[j] = d.observation(o)
			}
			sets[i] = dataSetML{series: toSeries(obs, obsDim), action: s.action, validFrom: s.validFrom}
		}
		return sets, nil
	})
}

// WriteSDMXJSONHistory writes a history as an SDMX-JSON 2.0 data message:
// one data set per action of a revision, oldest first, with its validFrom.
func WriteSDMXJSONHistory(ctx context.Context, w io.Writer, in Input, opts DataOptions, h History) error {
	sets := make([]jsonDataSet, len(h.sets))
	for i, s := range h.sets {
		sets[i] = jsonDataSet{action: s.action, validFrom: s.validFrom,
			each: func(ctx context.Context, fn func(dataset.Observation) error) error {
				for _, o := range s.obs {
					if err := fn(o); err != nil {
						return err
					}
				}
				return ctx.Err()
			}}
	}
	return writeJSONData(ctx, w, in, opts, sets)
}
