package export

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"slices"

	"indicators/internal/dataset"
)

func writeSDMXCSV(ctx context.Context, w io.Writer, in Input) error {
	return WriteSDMXCSV(ctx, w, in, 1, DataOptions{})
}

// WriteSDMXCSV writes SDMX-CSV (version 1 or 2) one observation a row, the
// columns in DSD order so an SDMX tool reading the structure can load it as
// it is. Version 1 leads with DATAFLOW; version 2 with STRUCTURE,
// STRUCTURE_ID and ACTION. Only DetailFull and DetailDataOnly (no
// attribute columns) apply to a flat table.
func WriteSDMXCSV(ctx context.Context, w io.Writer, in Input, version int, opts DataOptions) error {
	opts = opts.withDefaults()
	d := newDSD(in.CodeLists, in.Releases)
	cw := csv.NewWriter(w)
	lead := []string{"DATAFLOW"}
	first := []string{DataflowRef()}
	if version == 2 {
		lead = []string{"STRUCTURE", "STRUCTURE_ID", "ACTION"}
		first = []string{ClassDataflow, DataflowRef(), "I"}
	}
	withAttrs := opts.Detail != DetailDataOnly
	header := lead
	for _, c := range d.Dimensions {
		header = append(header, c.ID)
	}
	header = append(header, "OBS_VALUE")
	if withAttrs {
		for _, c := range d.Attributes {
			header = append(header, c.ID)
		}
	}
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("write header: %w", err)
	}
	err := in.Each(ctx, func(o dataset.Observation) error {
		so := d.observation(o)
		row := append(slices.Clone(first), so.Key...)
		row = append(row, so.obsValue())
		if withAttrs {
			row = append(row, so.Attrs...)
		}
		return cw.Write(row)
	})
	if err != nil {
		return fmt.Errorf("write observations: %w", err)
	}
	cw.Flush()
	return cw.Error()
}
