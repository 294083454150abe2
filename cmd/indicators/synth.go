package main

import (
	"context"
	"flag"
	"fmt"

	"os"

	"indicators/internal/synth"
)

// synth writes a synthetic world-sized data file, to measure loads and
// queries at the size of the Global Report.
func (c *cli) synth(_ context.Context, args []string) error {
	var o synth.Options
	var out string
	if _, err := c.flags("synth", "[--observations N] [--seed S] [-o FILE]", args, func(fs *flag.FlagSet) {
		fs.IntVar(&o.Observations, "observations", synth.WorldObservations, "about how many observations (whole country-years, at most 193 countries x 20 years)")
		fs.Uint64Var(&o.Seed, "seed", 1, "the same seed and size write the same file")
		fs.StringVar(&out, "o", "", "write to FILE instead of standard output")
	}); err != nil {
		return err
	}
	if o.Observations <= 0 {
		fmt.Fprintln(c.stderr, "synth: --observations must be positive")
		return errReported
	}
	w := c.stdout
	var f *os.File
	if out != "" {
		var err error
		if f, err = os.Create(out); err != nil {
			return fmt.Errorf("create synthetic data file: %w", err)
		}
		defer f.Close()
		w = f
	}
	st, err := synth.Write(w, o)
	if err != nil {
		return err
	}
	if f != nil {
		if err := f.Close(); err != nil {
			return fmt.Errorf("write synthetic data file: %w", err)
		}
	}
	fmt.Fprintf(c.stderr, "synth: %s\n", st)
	return nil
}
