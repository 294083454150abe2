package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"indicators/internal/synth"
)

// synth writes a synthetic world-sized data file, to measure loads and
// queries at the size of the Global Report. With -o the observations go to
// an observations file beside it (FILE with .csv for its extension), which
// load streams; --inline, or standard output, keeps them in the YAML file.
func (c *cli) synth(_ context.Context, args []string) error {
	var o synth.Options
	var out string
	var inline bool
	if _, err := c.flags("synth", "[--observations N] [--seed S] [--release CODE] [-o FILE [--inline]]", args, func(fs *flag.FlagSet) {
		fs.IntVar(&o.Observations, "observations", synth.WorldObservations, "about how many observations (whole country-years, at most 193 countries x 20 years)")
		fs.Uint64Var(&o.Seed, "seed", 1, "the same seed and size write the same file")
		fs.StringVar(&o.Release, "release", synth.ReleaseCode, "the code of the release the file states")
		fs.StringVar(&out, "o", "", "write to FILE, and the observations to FILE's name with .csv, instead of standard output")
		fs.BoolVar(&inline, "inline", false, "with -o, write the observations into FILE (YAML, decoded whole by load: for small sizes)")
	}); err != nil {
		return err
	}
	if o.Observations <= 0 {
		fmt.Fprintln(c.stderr, "synth: --observations must be positive")
		return errReported
	}
	if out == "" {
		st, err := synth.Write(c.stdout, o)
		if err != nil {
			return err
		}
		fmt.Fprintf(c.stderr, "synth: %s\n", st)
		return nil
	}
	files := []string{out}
	if !inline {
		csvName := strings.TrimSuffix(out, filepath.Ext(out)) + ".csv"
		if csvName == out {
			fmt.Fprintf(c.stderr, "synth: -o %s: name the data file FILE.yaml; its observations go to FILE.csv\n", out)
			return errReported
		}
		files = append(files, csvName)
	}
	writers := make([]*os.File, len(files))
	for i, name := range files {
		f, err := os.Create(name)
		if err != nil {
			return fmt.Errorf("create synthetic data file: %w", err)
		}
		defer f.Close()
		writers[i] = f
	}
	var st synth.Stats
	var err error
	if inline {
		st, err = synth.Write(writers[0], o)
	} else {
		// The data file names its observations file relative to itself.
		st, err = synth.WriteSplit(writers[0], writers[1], filepath.Base(files[1]), o)
	}
	if err != nil {
		return err
	}
	for _, f := range writers {
		if err := f.Close(); err != nil {
			return fmt.Errorf("write synthetic data file: %w", err)
		}
	}
	fmt.Fprintf(c.stderr, "synth: %s; wrote %s\n", st, strings.Join(files, " and "))
	return nil
}
