package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"indicators/internal/report"
)

func (c *cli) verify(_ context.Context, args []string) error {
	flags, err := c.flags("verify", "REPORT.txt DATAFILE...", args, nil)
	if err != nil {
		return err
	}
	if flags.NArg() < 2 {
		flags.Usage()
		return errReported
	}
	reportName, names := flags.Arg(0), flags.Args()[1:]
	text, err := readReport(reportName)
	if err != nil {
		return err
	}
	sets, err := c.datasets(names)
	if err != nil {
		return err
	}
	files := make([]report.DataFile, len(sets))
	for i, ds := range sets {
		files[i] = report.DataFile{Name: names[i], Dataset: ds}
	}
	v := report.Verify(text, files)
	for _, p := range v.Problems {
		fmt.Fprintln(c.stderr, p)
	}
	for _, u := range v.Unaccounted {
		fmt.Fprintf(c.stderr, "%s:%d: %s is not accounted for: %s\n", reportName, u.Line, u.Text, u.Sentence)
	}
	fmt.Fprintf(c.stdout, "%s: %d numbers, %d accounted for, %d not; %d quote problem(s)\n",
		reportName, v.Numbers, v.Numbers-len(v.Unaccounted), len(v.Unaccounted), len(v.Problems))
	c.printReview(files)
	if !v.OK() {
		return errReported
	}
	return nil
}

// printReview lists what is left to review, the doubtful lines first, and
// the breakdowns that do not add up. Neither fails verify: a reviewed line
// may stay doubtful, and a report's parts may not add up.
func (c *cli) printReview(files []report.DataFile) {
	lines := report.Review(files)
	doubtful := 0
	for _, l := range lines {
		if l.Doubt >= report.Doubtful {
			doubtful++
		}
	}
	if len(lines) > 0 {
		fmt.Fprintf(c.stdout, "%d lines to review, %d of them doubtful (doubt >= %.1f), most doubtful first:\n", len(lines), doubtful, report.Doubtful)
		for _, l := range lines[:doubtful] {
			fmt.Fprintln(c.stdout, "  "+l.String())
		}
		if rest := len(lines) - doubtful; rest > 0 {
			fmt.Fprintf(c.stdout, "  … and %d more (grep -n REVIEW)\n", rest)
		}
	}
	imbalances := report.Imbalances(files)
	if len(imbalances) > 0 {
		fmt.Fprintf(c.stdout, "%d breakdown(s) that do not add up:\n", len(imbalances))
		for _, b := range imbalances {
			fmt.Fprintln(c.stdout, "  "+b.String())
		}
	}
}

func (c *cli) extract(_ context.Context, args []string) error {
	var out, codes string
	var year int
	flags, err := c.flags("extract", "[-o FILE] [--codes FILE] [--year YEAR] REPORT.txt", args, func(fs *flag.FlagSet) {
		fs.StringVar(&out, "o", "", "write the draft to FILE, which must not exist yet (default: standard output)")
		fs.StringVar(&codes, "codes", "", "data file whose code lists and observations guide the guesses (default: the bundled dataset)")
		fs.IntVar(&year, "year", 0, "reference year of the report (default: the year its text names most often)")
	})
	if err != nil {
		return err
	}
	if flags.NArg() != 1 {
		flags.Usage()
		return errReported
	}
	text, err := readReport(flags.Arg(0))
	if err != nil {
		return err
	}
	var codeFiles []string
	if codes != "" {
		codeFiles = []string{codes}
	}
	sets, err := c.datasets(codeFiles)
	if err != nil {
		return err
	}
	draft, err := report.Extract(text, sets[0], report.ExtractOptions{Year: year, Source: filepath.Base(flags.Arg(0))})
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := draft.WriteYAML(&buf); err != nil {
		return err
	}
	if err := c.writeDraft(out, buf.Bytes()); err != nil {
		return err
	}
	fmt.Fprintf(c.stderr, "drafted %d observations (%d doubtful) and %d ignored entries for %d, all marked REVIEW; next: review, then indicators verify\n",
		len(draft.Observations), draft.Doubtful(), len(draft.Ignored), draft.Release.ReferenceYear)
	return nil
}

// writeDraft writes to standard output, or creates the file: a draft never
// overwrites a file, which may be the curated dataset.
func (c *cli) writeDraft(name string, data []byte) error {
	if name == "" {
		_, err := c.stdout.Write(data)
		return err
	}
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("write draft: %s already exists; extract does not overwrite files", name)
	}
	if err != nil {
		return fmt.Errorf("write draft: %w", err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("write draft: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write draft: %w", err)
	}
	return nil
}

func readReport(name string) (*report.Text, error) {
	raw, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("read report text: %w", err)
	}
	return report.NewText(string(raw)), nil
}
