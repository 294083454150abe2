package dataset

import (
	"bufio"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// An observations file is a data file's observations in CSV beside it, named
// by the data file's `observations_file` key: at world size (millions of
// observations) a YAML file is decoded whole, while CSV is read a row at a
// time. Each row is checked by the rules of a YAML observation (the rows are
// handed to the same parser as one-line mappings), so the two forms accept
// the same figures; the checks that need every row (duplicate keys) are the
// loader's, over its staging table (store.Load).

// ObservationColumns are the columns an observations file may have: the keys
// of a YAML observation, but `also` (a figure stated in several places is
// written in YAML). by is "DIM=MEMBER;DIM=MEMBER", as a coordinate key.
var ObservationColumns = []string{"indicator", "period", "value", "change", "qualifier", "agency", "area", "unit", "by",
	"section", "quote", "note", "restricted"}

// observationRequired are the columns without which no row is valid: a file
// without one is refused once, at its header, instead of at every row.
var observationRequired = []string{"indicator", "period", "value", "agency", "section", "quote"}

// MaxStreamProblems bounds the problems a streamed file reports, so a file
// wrong on every one of its million rows does not hold a million messages;
// the count of the others is reported.
const MaxStreamProblems = 1000

// companion is what streaming an observations file needs of its data file.
type companion struct {
	dataFile  string // the data file naming it, for the problems found there
	line      int    // of observations_file in the data file
	refs      references
	release   Release
	headlines []headlineCheck
	hashed    bool // the checksum holds the file's bytes already
}

// companion reads observations_file: the file is resolved against the data
// file's directory, and the observations are left to StreamObservations.
func (p *parser) companion(top map[string]*yaml.Node, ds *Dataset, refs references, headlines []declaredHeadline, line int) {
	name := p.text(top, "observations_file", "file", line, true)
	at := top["observations_file"].Line
	if n := top["observations"]; n != nil {
		p.fail(n.Line, "file: observations and observations_file exclude each other (write every observation in one of them)")
	}
	// The cells relations name are checked against the rows once they are
	// staged (store.Load) or held (CheckRelationCells).
	p.relations(top["relations"], ds, refs)
	p.ignored(top["ignored"], ds)
	if name == "" {
		return
	}
	if !filepath.IsAbs(name) {
		name = filepath.Join(filepath.Dir(p.file), name)
	}
	ds.ObservationsFile = name
	c := &companion{dataFile: p.file, line: at, refs: refs, release: ds.Release}
	for _, h := range headlines {
		c.headlines = append(c.headlines, headlineCheck{indicator: refs.indicators[h.indicator], line: h.line})
	}
	ds.companion = c
}

// HashObservationsFile adds the observations file's bytes to the release's
// checksum, so a load sees a changed observations file as a changed release
// and the same two files again as unchanged. A file that cannot be read is a
// problem of the data file's observations_file line.
func (ds *Dataset) HashObservationsFile() error {
	if ds.companion == nil || ds.companion.hashed {
		return nil
	}
	f, err := os.Open(ds.ObservationsFile)
	if err != nil {
		return ds.companion.problem(fmt.Sprintf("observations_file: %v", err))
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return ds.companion.problem(fmt.Sprintf("observations_file: %v", err))
	}
	both := sha256.Sum256([]byte(ds.Release.Checksum + " " + hex.EncodeToString(h.Sum(nil))))
	ds.Release.Checksum = hex.EncodeToString(both[:])
	ds.companion.hashed = true
	return nil
}

func (c *companion) problem(reason string) error {
	return &ValidationError{Problems: []Problem{{File: c.dataFile, Line: c.line, Reason: reason}}}
}

// StreamProgress is told, now and then while a file streams, how many of its
// bytes were read of how many.
type StreamProgress func(read, size int64)

// StreamObservations reads the dataset's observations file and calls emit
// with each valid observation in file order, the one a change derives right
// after the observation stating it (its DerivedFrom is the index of that one
// in the stream). Once a row is wrong, emit is not called again; every
// problem (up to MaxStreamProblems) is returned as a *ValidationError at
// FILE:LINE. Only one row is held at a time.
func (ds *Dataset) StreamObservations(progress StreamProgress, emit func(Observation) error) error {
	c := ds.companion
	if c == nil {
		return fmt.Errorf("stream observations of %s: the data file names no observations_file", ds.Release.Code)
	}
	f, err := os.Open(ds.ObservationsFile)
	if err != nil {
		return c.problem(fmt.Sprintf("observations_file: %v", err))
	}
	defer f.Close()
	var size int64
	if st, err := f.Stat(); err == nil {
		size = st.Size()
	}
	counted := &countingReader{r: bufio.NewReaderSize(f, 1<<20)}
	s := stream{p: parser{file: ds.ObservationsFile}, c: c}
	err = s.read(csv.NewReader(counted), func(o Observation) error {
		if progress != nil && s.rows%65536 == 0 {
			progress(counted.n, size)
		}
		return emit(o)
	})
	if err != nil {
		return err
	}
	if progress != nil {
		progress(counted.n, size)
	}
	for _, h := range c.headlines {
		if problem := h.problem(); problem != "" {
			s.p.problems = append(s.p.problems, Problem{File: c.dataFile, Line: h.line,
				Reason: fmt.Sprintf("indicator %s: headline: %s", h.indicator.Code, problem)})
		}
	}
	if len(s.p.problems) == 0 {
		return nil
	}
	if s.dropped > 0 {
		s.p.fail(s.lastLine, "and %d more problems in this file, not listed", s.dropped)
	}
	return &ValidationError{Problems: s.p.problems}
}

type stream struct {
	p        parser
	c        *companion
	rows     int // observations emitted
	dropped  int // problems past MaxStreamProblems
	lastLine int
}

func (s *stream) read(r *csv.Reader, emit func(Observation) error) error {
	r.ReuseRecord = true
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		s.p.fail(1, "observations file: empty (want a header row: %s)", strings.Join(ObservationColumns, ","))
		return nil
	}
	if err != nil {
		s.p.fail(csvErrorLine(err), "observations file: %v", err)
		return nil
	}
	columns := slices.Clone(header)
	if len(columns) > 0 {
		columns[0] = strings.TrimPrefix(columns[0], "\ufeff")
	}
	if !s.header(columns) {
		return nil
	}
	for {
		record, err := r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		var o Observation
		ok := false
		if err != nil {
			s.lastLine = csvErrorLine(err)
			s.p.fail(s.lastLine, "observations file: %v", err)
		} else {
			s.lastLine, _ = r.FieldPos(0)
			o, ok = s.row(columns, record, s.lastLine)
		}
		if len(s.p.problems) > MaxStreamProblems {
			s.dropped += len(s.p.problems) - MaxStreamProblems
			s.p.problems = s.p.problems[:MaxStreamProblems]
		}
		// Once a row is wrong nothing will be loaded: the rest is only
		// checked.
		if !ok || len(s.p.problems) > 0 {
			continue
		}
		if err := s.emit(o, emit); err != nil {
			return err
		}
	}
}

// header checks the column names: each known, none twice, the required ones
// there.
func (s *stream) header(columns []string) bool {
	before := len(s.p.problems)
	for i, col := range columns {
		switch {
		case !slices.Contains(ObservationColumns, col):
			s.p.fail(1, "observations file: unknown column %q (allowed: %s)", col, strings.Join(ObservationColumns, ", "))
		case slices.Index(columns, col) < i:
			s.p.fail(1, "observations file: column %q given twice", col)
		}
	}
	for _, col := range observationRequired {
		if !slices.Contains(columns, col) {
			s.p.fail(1, "observations file: column %q is required", col)
		}
	}
	return len(s.p.problems) == before
}

// row checks one row as the YAML observation {column: value, …} on its line,
// an empty cell being an absent key.
func (s *stream) row(columns, record []string, line int) (Observation, bool) {
	n := &yaml.Node{Kind: yaml.MappingNode, Line: line}
	for i, col := range columns {
		v := record[i]
		if v == "" {
			continue
		}
		value := &yaml.Node{Kind: yaml.ScalarNode, Value: v, Line: line}
		if col == "by" {
			value = s.by(v, line)
		}
		n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: col, Line: line}, value)
	}
	before := len(s.p.problems)
	o, ok := s.p.observation(n, s.c.release, s.c.refs)
	return o, ok && len(s.p.problems) == before
}

// by reads "DIM=MEMBER;DIM=MEMBER" as the mapping a YAML `by` is.
func (s *stream) by(v string, line int) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode, Line: line}
	for part := range strings.SplitSeq(v, ";") {
		dim, member, ok := strings.Cut(part, "=")
		if !ok {
			s.p.fail(line, "observation: by: %q is not DIMENSION=MEMBER (write by as SEX=F;AGE=Y_LT18)", part)
			continue
		}
		n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: strings.TrimSpace(dim), Line: line},
			&yaml.Node{Kind: yaml.ScalarNode, Value: strings.TrimSpace(member), Line: line})
	}
	return n
}

// emit hands on a valid row's observation and the one its change derives.
func (s *stream) emit(o Observation, emit func(Observation) error) error {
	o.DerivedFrom = -1
	all := []Observation{o}
	if o.Change != nil {
		all = append(all, o.derived(s.rows))
	}
	for _, o := range all {
		for i := range s.c.headlines {
			s.c.headlines[i].see(o)
		}
		if err := emit(o); err != nil {
			return err
		}
		s.rows++
	}
	return nil
}

func csvErrorLine(err error) int {
	var perr *csv.ParseError
	if errors.As(err, &perr) {
		return perr.Line
	}
	return 1
}

// countingReader counts the bytes read through it, for progress.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n += int64(n)
	return n, err
}
