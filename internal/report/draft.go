package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"indicators/internal/dataset"
)

// blockStyle is yaml.v3's default style, named for symmetry with
// yaml.FlowStyle.
const blockStyle yaml.Style = 0

// WriteYAML writes the draft in the data-file format (docs/data-format.md),
// laid out like the curated file: code lists compact, one observation a
// block, a comment before each section's first entry.
func (d *Draft) WriteYAML(w io.Writer) error {
	doc := mapping(blockStyle,
		"format", str(dataset.FormatVersion),
		"release", d.release(),
		"units", list(d.Codes.Units, func(u dataset.Unit) *yaml.Node {
			return mapping(yaml.FlowStyle, "code", str(u.Code), "name", str(u.Name))
		}),
		"ref_areas", list(d.Codes.RefAreas, func(a dataset.RefArea) *yaml.Node {
			return mapping(yaml.FlowStyle, append([]any{"code", str(a.Code), "name", str(a.Name)}, standardCodes(a.StandardCodes)...)...)
		}),
		"agencies", list(d.Codes.Agencies, func(a dataset.Agency) *yaml.Node {
			return mapping(blockStyle, "code", str(a.Code), "name", str(a.Name), "short_name", optional(a.ShortName),
				"kind", str(string(a.Kind)), "parent", optional(a.Parent))
		}),
		"dimensions", list(d.Codes.Dimensions, dimension),
		"indicators", list(d.Codes.Indicators, d.indicator),
		"observations", d.observations(),
		"ignored", list(d.Ignored, func(ig dataset.Ignored) *yaml.Node {
			return mapping(blockStyle, "quote", quoted(ig.Quote), "reason", str(ig.Reason))
		}),
	)
	doc.HeadComment = fmt.Sprintf(`Draft data file written by "indicators extract" from %s.
Every observation and ignored entry is a guess: its note or reason starts with %q
and says what it rests on. Check each against the report, correct it, delete the
REVIEW note, then run "indicators verify" and "indicators load --dry-run".
The code lists are copied from the codes file; add what the new report needs.`, orUnknown(d.Release.Source), strings.TrimSpace(reviewPrefix))
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(&yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{doc}}); err != nil {
		return fmt.Errorf("write draft: %w", err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("write draft: %w", err)
	}
	return nil
}

// indicator writes a code-list entry. A headline cell the draft's guessed
// observations do not fit would keep the draft from loading: it becomes a
// note for the reviewer, who restores it once the observations are right.
func (d *Draft) indicator(i dataset.Indicator) *yaml.Node {
	var headline *yaml.Node
	problem := dataset.HeadlineProblem(i, d.Observations)
	if by := coordinates(i.Headline); by != nil && problem == "" {
		headline = mapping(yaml.FlowStyle, "by", by)
	}
	n := mapping(blockStyle, "code", str(i.Code), "name", str(i.Name), "description", str(i.Description),
		"unit", str(i.Unit), "theme", str(string(i.Theme)), "synonyms", texts(i.Synonyms), "headline", headline)
	if problem != "" {
		n.HeadComment = fmt.Sprintf("%sthe codes file declares headline: {by: {%s}}, left out: %s.",
			reviewPrefix, strings.NewReplacer("=", ": ", ";", ", ").Replace(dataset.CoordinateKey(i.Headline)), problem)
	}
	return n
}

func orUnknown(s string) string {
	if s == "" {
		return "a report"
	}
	return s
}

func (d *Draft) release() *yaml.Node {
	r := d.Release
	return mapping(blockStyle,
		"code", str(r.Code), "title", str(r.Title), "publisher", str(r.Publisher),
		"reference_year", number(strconv.Itoa(r.ReferenceYear)), "published", optional(r.Published),
		"ref_area", str(r.RefArea), "source", optional(r.Source))
}

func dimension(d dataset.Dimension) *yaml.Node {
	return mapping(blockStyle, "code", str(d.Code), "name", str(d.Name), "description", optional(d.Description),
		"members", list(d.Members, func(m dataset.Member) *yaml.Node {
			fields := append([]any{"code", str(m.Code), "name", str(m.Name), "description", optional(m.Description),
				"synonyms", texts(m.Synonyms)}, standardCodes(m.StandardCodes)...)
			return mapping(yaml.FlowStyle, fields...)
		}))
}

func standardCodes(c dataset.StandardCodes) []any {
	var m49 *yaml.Node
	if c.M49 != "" {
		m49 = quoted(c.M49) // unquoted, YAML would read "031" as a number
	}
	return []any{"iso2", optional(c.ISO2), "iso3", optional(c.ISO3), "m49", m49}
}

func (d *Draft) observations() *yaml.Node {
	seq := &yaml.Node{Kind: yaml.SequenceNode}
	section := ""
	for _, o := range d.Observations {
		n := observation(o)
		if o.Source.Section != section {
			section = o.Source.Section
			n.HeadComment = "=== " + section
		}
		seq.Content = append(seq.Content, n)
	}
	return seq
}

func observation(o dataset.Observation) *yaml.Node {
	var change, qualifier *yaml.Node
	if o.Change != nil {
		change = str(formatChange(*o.Change))
	}
	if o.Qualifier != dataset.Exact {
		qualifier = str(string(o.Qualifier))
	}
	var also *yaml.Node
	if len(o.AlsoStated) > 0 {
		also = list(o.AlsoStated, func(s dataset.Source) *yaml.Node {
			return mapping(blockStyle, "section", str(s.Section), "quote", quoted(s.Quote))
		})
	}
	indicator := str(o.Indicator)
	if m := doubtNote.FindStringSubmatch(o.Note); m != nil {
		// The doubt where the reviewer's eye starts: on the indicator's line.
		indicator.LineComment = "doubt " + m[1]
		if m[2] != "" {
			indicator.LineComment += ": " + m[2]
		}
	}
	return mapping(blockStyle,
		"indicator", indicator, "period", period(o.Period), "value", number(dataset.FormatValue(o.Value)),
		"change", change, "qualifier", qualifier, "agency", str(o.Agency), "by", coordinates(o.Coordinates),
		"section", str(o.Source.Section), "quote", quoted(o.Source.Quote), "note", str(o.Note), "also", also)
}

// coordinates is a `by:` mapping, nil for none (a total).
func coordinates(cs []dataset.Coordinate) *yaml.Node {
	if len(cs) == 0 {
		return nil
	}
	var pairs []any
	for _, c := range cs {
		pairs = append(pairs, c.Dimension, str(c.Member))
	}
	return mapping(yaml.FlowStyle, pairs...)
}

func period(p dataset.Period) *yaml.Node {
	if p.Start == p.End {
		return number(p.String())
	}
	return str(p.String())
}

// mapping builds a mapping from key, value pairs, leaving out nil values
// (optional keys that are empty).
func mapping(style yaml.Style, pairs ...any) *yaml.Node {
	m := &yaml.Node{Kind: yaml.MappingNode, Style: style}
	for i := 0; i+1 < len(pairs); i += 2 {
		v := pairs[i+1].(*yaml.Node)
		if v == nil {
			continue
		}
		m.Content = append(m.Content, str(pairs[i].(string)), v)
	}
	return m
}

func list[T any](items []T, node func(T) *yaml.Node) *yaml.Node {
	seq := &yaml.Node{Kind: yaml.SequenceNode}
	for _, it := range items {
		seq.Content = append(seq.Content, node(it))
	}
	return seq
}

func str(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

// quoted writes report text in double quotes, as the curated file does, so
// its colons, dashes and quotation marks are never read as YAML.
func quoted(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s, Style: yaml.DoubleQuotedStyle}
}

func number(s string) *yaml.Node {
	tag := "!!int"
	if strings.Contains(s, ".") {
		tag = "!!float"
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: s}
}

// texts is a flow list of strings, or nil for none.
func texts(ss []string) *yaml.Node {
	if len(ss) == 0 {
		return nil
	}
	n := list(ss, str)
	n.Style = yaml.FlowStyle
	return n
}

// optional is a string node, or nil to leave an empty optional key out.
func optional(s string) *yaml.Node {
	if s == "" {
		return nil
	}
	return str(s)
}
