package dataset

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// WriteDictionary writes the data dictionary of ds as Markdown: every
// indicator, unit, dimension with its code list, reference area and agency,
// generated from the data so it cannot drift from it.
func WriteDictionary(w io.Writer, ds *Dataset) error {
	p := &mdWriter{w: w}
	p.line("# Data dictionary")
	p.line("")
	p.line("Generated from `internal/dataset/data/%s` by `go generate ./...` (`indicators dictionary`); do not edit by hand.", BundledName)
	p.line("")
	p.line("Release `%s`: %s. Reference year %d, %d observations (%d reported, %d derived from stated changes).",
		ds.Release.Code, ds.Release.Title, ds.Release.ReferenceYear, len(ds.Observations), countStatus(ds, Reported), countStatus(ds, Derived))

	counts := map[string]int{}
	periods := map[string][]string{}
	dimsUsed := map[string][]string{}
	for _, o := range ds.Observations {
		counts[o.Indicator]++
		if p := o.Period.String(); !slices.Contains(periods[o.Indicator], p) {
			periods[o.Indicator] = append(periods[o.Indicator], p)
		}
		for _, c := range o.Coordinates {
			if !slices.Contains(dimsUsed[o.Indicator], c.Dimension) {
				dimsUsed[o.Indicator] = append(dimsUsed[o.Indicator], c.Dimension)
			}
		}
	}

	p.line("")
	p.line("## Indicators")
	for _, theme := range Themes {
		p.line("")
		p.line("### %s", strings.ToUpper(string(theme[:1]))+string(theme[1:]))
		p.line("")
		p.line("| code | name | unit | periods | broken down by | observations | description |")
		p.line("|---|---|---|---|---|---|---|")
		for _, ind := range ds.Indicators {
			if ind.Theme != theme {
				continue
			}
			ps := periods[ind.Code]
			slices.Sort(ps)
			ds := dimsUsed[ind.Code]
			slices.Sort(ds)
			desc := ind.Description
			if len(ind.Headline) > 0 {
				// What `latest` answers for it, since the report states no total.
				desc += " Headline cell (no total stated): `" + CoordinateKey(ind.Headline) + "`."
			}
			p.line("| `%s` | %s | %s | %s | %s | %d | %s |", ind.Code, cell(ind.Name), ind.Unit,
				strings.Join(ps, ", "), strings.Join(ds, ", "), counts[ind.Code], cell(desc))
		}
	}

	p.line("")
	p.line("## Units")
	p.line("")
	p.line("| code | name |")
	p.line("|---|---|")
	for _, u := range ds.Units {
		p.line("| `%s` | %s |", u.Code, cell(u.Name))
	}

	p.line("")
	p.line("## Dimensions and code lists")
	p.line("")
	p.line("An observation without a coordinate on a dimension is the total over it (SDMX `_T`) when its indicator is broken down by that dimension; the dimensions an indicator is never broken down by do not apply to it (SDMX `_Z`).")
	for _, d := range ds.Dimensions {
		p.line("")
		p.line("### `%s` — %s", d.Code, d.Name)
		if d.Description != "" {
			p.line("")
			p.line("%s", d.Description)
		}
		p.line("")
		p.codesHeader()
		for _, m := range d.Members {
			p.codesRow(m.Code, m.Name, m.StandardCodes)
		}
	}

	p.line("")
	p.line("## Reference areas")
	p.line("")
	p.codesHeader()
	for _, a := range ds.RefAreas {
		p.codesRow(a.Code, a.Name, a.StandardCodes)
	}

	p.line("")
	p.line("## Agencies")
	p.line("")
	p.line("| code | name | kind | part of |")
	p.line("|---|---|---|---|")
	for _, a := range ds.Agencies {
		parent := ""
		if a.Parent != "" {
			parent = "`" + a.Parent + "`"
		}
		p.line("| `%s` | %s | %s | %s |", a.Code, cell(a.Name), a.Kind, parent)
	}
	return p.err
}

func countStatus(ds *Dataset, s Status) int {
	n := 0
	for _, o := range ds.Observations {
		if o.Status == s {
			n++
		}
	}
	return n
}

// cell keeps text from breaking a Markdown table row.
func cell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}

type mdWriter struct {
	w   io.Writer
	err error
}

func (m *mdWriter) line(format string, args ...any) {
	if m.err == nil {
		_, m.err = fmt.Fprintf(m.w, format+"\n", args...)
	}
}

// codesHeader and codesRow write a code list with its standard codes.
func (m *mdWriter) codesHeader() {
	m.line("| code | name | ISO alpha-2 | ISO alpha-3 | M49 |")
	m.line("|---|---|---|---|---|")
}

func (m *mdWriter) codesRow(code, name string, sc StandardCodes) {
	m.line("| `%s` | %s | %s | %s | %s |", code, cell(name), sc.ISO2, sc.ISO3, sc.M49)
}
