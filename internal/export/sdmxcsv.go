package export

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"

	"indicators/internal/dataset"
)

// writeSDMXCSV writes one observation a row, the columns in DSD order so an
// SDMX tool reading the structure (structure.json) can load it as it is.
func writeSDMXCSV(ctx context.Context, w io.Writer, in Input) error {
	d := newDSD(in.CodeLists, in.Releases)
	cw := csv.NewWriter(w)
	header := []string{"DATAFLOW"}
	for _, c := range d.Dimensions {
		header = append(header, c.ID)
	}
	header = append(header, "OBS_VALUE")
	for _, c := range d.Attributes {
		header = append(header, c.ID)
	}
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("write header: %w", err)
	}
	flow := DataflowRef()
	err := in.Each(ctx, func(o dataset.Observation) error {
		so := d.observation(o)
		row := append([]string{flow}, so.Key...)
		row = append(row, dataset.FormatValue(so.Value))
		return cw.Write(append(row, so.Attrs...))
	})
	if err != nil {
		return fmt.Errorf("write observations: %w", err)
	}
	cw.Flush()
	return cw.Error()
}
