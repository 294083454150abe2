package main

//go:generate go run . dictionary -o ../../docs/data-dictionary.md

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"

	"indicators/internal/dataset"
)

// datasets parses the named files, or the bundled dataset when none is named,
// printing every problem.
func (c *cli) datasets(names []string) ([]*dataset.Dataset, error) {
	if len(names) == 0 {
		ds, err := dataset.Bundled()
		if err != nil {
			return nil, fmt.Errorf("parse bundled dataset: %w", err)
		}
		return []*dataset.Dataset{ds}, nil
	}
	return c.parseFiles(names)
}

// parseFiles reads and validates data files, printing every problem of all
// of them before giving up.
func (c *cli) parseFiles(names []string) ([]*dataset.Dataset, error) {
	files := make([]dataset.NamedFile, 0, len(names))
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("read data file: %w", err)
		}
		files = append(files, dataset.NamedFile{Name: name, Data: data})
	}
	sets, err := dataset.ParseFiles(files)
	if err == nil {
		// An observations file is part of its release's checksum.
		var problems []error
		for _, ds := range sets {
			if herr := ds.HashObservationsFile(); herr != nil {
				problems = append(problems, herr)
			}
		}
		err = errors.Join(problems...)
	}
	if c.reportProblems(err) {
		return nil, errReported
	}
	return sets, err
}

// reportProblems prints every data-file problem err lists, FILE:LINE:
// reason a line, and says whether it listed any.
func (c *cli) reportProblems(err error) bool {
	var all []dataset.Problem
	for _, e := range unjoin(err) {
		var verr *dataset.ValidationError
		if errors.As(e, &verr) {
			all = append(all, verr.Problems...)
		}
	}
	if len(all) == 0 {
		return false
	}
	for _, p := range all {
		fmt.Fprintln(c.stderr, p)
	}
	fmt.Fprintf(c.stderr, "%d problem(s)\n", len(all))
	return true
}

// unjoin lists the errors errors.Join put together, or err alone.
func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

func (c *cli) check(_ context.Context, args []string) error {
	var all, strict bool
	var below int64
	fs, err := c.flags("check", "[--all] [--strict] [--suppress-below N] [FILE...]", args, func(fs *flag.FlagSet) {
		fs.BoolVar(&all, "all", false, "also list the breakdowns that add up")
		fs.BoolVar(&strict, "strict", false, "exit non-zero when any breakdown is inconsistent")
		fs.Int64Var(&below, "suppress-below", 0, "instead, list the cells small-cell protection would suppress at threshold `N`, across the files")
	})
	if err != nil {
		return err
	}
	sets, err := c.datasets(fs.Args())
	if err != nil {
		return err
	}
	// check compares observations with each other, so it holds them all,
	// an observations file's too (load streams them instead).
	for _, ds := range sets {
		if ds.ObservationsFile == "" {
			continue
		}
		err := ds.StreamObservations(nil, func(o dataset.Observation) error {
			ds.Observations = append(ds.Observations, o)
			return nil
		})
		if c.reportProblems(err) {
			return errReported
		}
		if err != nil {
			return err
		}
		// What the parser checks of a YAML file's relations, now that the
		// rows are here (load checks them against its staged rows).
		if c.reportProblems(ds.CheckRelationCells()) {
			return errReported
		}
	}
	if below != 0 {
		return c.suppressed(sets, below)
	}
	var consistent, partial, inconsistent int
	for _, ds := range sets {
		for _, b := range dataset.Breakdowns(ds.Observations, ds.Dimensions) {
			switch {
			case b.Inconsistent():
				inconsistent++
				fmt.Fprintf(c.stdout, "%s: inconsistent: %s (line %d)\n", ds.Release.Code, b, b.Total.Line)
			case !b.Consistent():
				partial++
				if all {
					fmt.Fprintf(c.stdout, "%s: partial: %s\n", ds.Release.Code, b)
				}
			default:
				consistent++
				if all {
					fmt.Fprintf(c.stdout, "%s: adds up: %s\n", ds.Release.Code, b)
				}
			}
		}
	}
	var relations, broken int
	for _, ds := range sets {
		for _, rc := range dataset.CheckRelations(ds) {
			relations++
			switch {
			case rc.Checkable() && !rc.Holds():
				broken++
				fmt.Fprintf(c.stdout, "%s: inconsistent: %s (line %d)\n", ds.Release.Code, rc, rc.Relation.Line)
			case all:
				fmt.Fprintf(c.stdout, "%s: holds: %s\n", ds.Release.Code, rc)
			}
		}
	}
	fmt.Fprintf(c.stdout, "%d breakdowns: %d inconsistent, %d partial (only some members stated), %d add up\n",
		consistent+partial+inconsistent, inconsistent, partial, consistent)
	fmt.Fprintf(c.stdout, "%d other relations the report implies: %d do not hold; the data stay as reported\n", relations, broken)
	inconsistent += broken
	if strict && inconsistent > 0 {
		return errReported
	}
	return nil
}

// suppressed lists the cells dataset.Suppress hides at threshold below,
// deciding over every file together as over every release of a database,
// and how many quotes and notes are withheld with them.
func (c *cli) suppressed(sets []*dataset.Dataset, below int64) error {
	if below < 2 {
		return fmt.Errorf("--suppress-below %d: a threshold below 2 suppresses nothing", below)
	}
	var obs []dataset.Observation
	var rels []dataset.Relation
	dims := map[string]dataset.Dimension{}
	for _, ds := range sets {
		for _, o := range ds.Observations {
			o.Release = ds.Release.Code
			obs = append(obs, o)
		}
		rels = append(rels, ds.Relations...)
		// Of two files' code lists, the shorter: a breakdown complete in
		// it is an equation, and more equations only suppress more.
		for _, d := range ds.Dimensions {
			if old, ok := dims[d.Code]; !ok || len(d.Members) < len(old.Members) {
				dims[d.Code] = d
			}
		}
	}
	s := dataset.Suppress(obs, slices.Collect(maps.Values(dims)), rels, below)
	reasons := map[dataset.SuppressionReason]int{}
	withheld := 0
	for _, o := range obs {
		if r, ok := s.Cell(o); ok {
			reasons[r]++
			fmt.Fprintf(c.stdout, "%s: %s: %s = %s (line %d)\n", o.Release, r, strings.TrimSpace(o.Key()), dataset.FormatValue(o.Value), o.Line)
		}
		texts := []string{o.Source.Quote, o.Note}
		for _, a := range o.AlsoStated {
			texts = append(texts, a.Quote)
		}
		for _, t := range texts {
			if s.Text(t) {
				withheld++
			}
		}
	}
	fmt.Fprintf(c.stdout, "below %d: %d observations suppressed (%d small, %d complements), %d quotes and notes withheld\n",
		below, reasons[dataset.SuppressedSmall]+reasons[dataset.SuppressedComplement],
		reasons[dataset.SuppressedSmall], reasons[dataset.SuppressedComplement], withheld)
	return nil
}

func (c *cli) dictionary(_ context.Context, args []string) error {
	var out string
	if _, err := c.flags("dictionary", "[-o FILE]", args, func(fs *flag.FlagSet) {
		fs.StringVar(&out, "o", "", "write to FILE instead of standard output")
	}); err != nil {
		return err
	}
	ds, err := dataset.Bundled()
	if err != nil {
		return fmt.Errorf("parse bundled dataset: %w", err)
	}
	var buf bytes.Buffer
	if err := dataset.WriteDictionary(&buf, ds); err != nil {
		return fmt.Errorf("write dictionary: %w", err)
	}
	if out == "" {
		_, err := c.stdout.Write(buf.Bytes())
		return err
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("write dictionary: %w", err)
	}
	return nil
}
