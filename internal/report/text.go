package report

import (
	"sort"
	"strings"
	"unicode"
)

// Text is a report prepared for matching against data: its
// whitespace-normalised text (the form quotes are compared in), every number
// in it, and its layout (headings and paragraphs).
type Text struct {
	// norm is the whitespace-normalised text; all offsets below are into it.
	norm    string
	numbers []Number
	// origin[i] is the byte offset in the raw text of norm[i], so findings
	// can be reported by the line a reader sees in their editor.
	origin     []int
	lineStarts []int // raw offsets at which lines start
	blocks     []block
	// rows are the offsets in norm where an item of a list set out one a
	// line starts (sections.go, rowStarts): each is a sentence of its own.
	rows []int
}

// NewText reads a report's raw text.
func NewText(raw string) *Text {
	norm, origin := normalize(raw)
	t := &Text{norm: norm, numbers: Numbers(norm), origin: origin, lineStarts: []int{0}}
	for i := 0; i < len(raw); i++ {
		if raw[i] == '\n' {
			t.lineStarts = append(t.lineStarts, i+1)
		}
	}
	t.blocks = t.layout(raw)
	t.rows = t.rowStarts(raw)
	return t
}

// normalize collapses runs of whitespace to one space and trims the ends,
// remembering where each byte of the result came from.
func normalize(s string) (string, []int) {
	var b strings.Builder
	origin := make([]int, 0, len(s))
	space := false
	for i, r := range s {
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
			origin = append(origin, i-1)
		}
		space = false
		n, _ := b.WriteRune(r)
		for k := 0; k < n; k++ {
			origin = append(origin, i+k)
		}
	}
	return b.String(), origin
}

// normOffset is the offset in norm of the first byte that comes from raw
// offset raw or later.
func (t *Text) normOffset(raw int) int {
	return sort.SearchInts(t.origin, raw)
}

// line is the 1-based line of the raw text that norm[pos] comes from.
func (t *Text) line(pos int) int {
	if pos >= len(t.origin) {
		return len(t.lineStarts)
	}
	return sort.Search(len(t.lineStarts), func(i int) bool { return t.lineStarts[i] > t.origin[pos] })
}

// span is a half-open byte range of norm.
type span struct{ start, end int }

func (s span) contains(n Number) bool { return s.start <= n.Start && n.End <= s.end }

// occurrences finds every place a quote occurs, whitespace-normalised.
func (t *Text) occurrences(quote string) []span {
	q := Normalize(quote)
	if q == "" {
		return nil
	}
	var out []span
	for from := 0; ; {
		i := strings.Index(t.norm[from:], q)
		if i < 0 {
			return out
		}
		start := from + i
		out = append(out, span{start, start + len(q)})
		from = start + 1
	}
}

// numbersIn returns the indexes of the numbers lying wholly inside s.
func (t *Text) numbersIn(s span) []int {
	first := sort.Search(len(t.numbers), func(i int) bool { return t.numbers[i].Start >= s.start })
	var out []int
	for i := first; i < len(t.numbers) && t.numbers[i].Start < s.end; i++ {
		if s.contains(t.numbers[i]) {
			out = append(out, i)
		}
	}
	return out
}
