package report

import (
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The report text comes out of a PDF: paragraphs are separated by blank
// lines, a page break can split a sentence into two blocks, and charts leave
// their titles, legends, source credits and a few values behind as short
// blocks. The layout is read from that shape alone, so next year's text is
// read the same way without a list of this year's headings.

type blockKind int

const (
	bodyBlock blockKind = iota
	headingBlock
	// boilerplateBlock is a line repeated on many pages or charts (a source
	// credit such as "Ministry of Internal Affairs of the Republic of
	// Azerbaijan"): it heads nothing and breaks no sentence.
	boilerplateBlock
)

// block is a run of non-blank lines of the raw text.
type block struct {
	span // in norm
	kind blockKind
	// title is a heading's text without emphasis markers ("**…**").
	title string
	// continues marks a body block that carries on the sentence of the body
	// block before it, cut by a page break.
	continues bool
}

const (
	// boilerplateRepeats is how often a block must recur to be boilerplate;
	// no heading or paragraph of a report is written out three times.
	boilerplateRepeats = 3
	// A heading is a short phrase; a longer unfinished block is a sentence
	// cut by a page break.
	headingMaxRunes = 160
	headingMaxWords = 25
	// proseMinWords tells running text (which a page break can cut) from a
	// chart legend or value that merely lacks a final period.
	proseMinWords = 8
)

// sentenceBreakInside finds a sentence ending inside a block: a heading
// never holds two sentences.
var sentenceBreakInside = regexp.MustCompile(`[.!?][”’"»)]* `)

// layout splits the raw text into blocks and classifies them.
func (t *Text) layout(raw string) []block {
	var blocks []block
	first, last := -1, -1 // raw offsets where the current block's text starts and ends
	flush := func() {
		if first < 0 {
			return
		}
		s := span{t.normOffset(first), t.normOffset(last)}
		if s.start < s.end {
			blocks = append(blocks, block{span: s})
		}
		first = -1
	}
	for offset := 0; offset < len(raw); {
		line, _, _ := strings.Cut(raw[offset:], "\n")
		if trimmed := strings.TrimSpace(line); trimmed == "" {
			flush()
		} else {
			if first < 0 {
				first = offset + strings.Index(line, trimmed)
			}
			last = offset + strings.Index(line, trimmed) + len(trimmed)
		}
		offset += len(line) + 1
	}
	flush()
	t.classify(blocks)
	return blocks
}

func (t *Text) classify(blocks []block) {
	seen := map[string]int{}
	for _, b := range blocks {
		seen[t.norm[b.start:b.end]]++
	}
	prev := -1 // the last block that is not boilerplate
	for i := range blocks {
		b := &blocks[i]
		text := t.norm[b.start:b.end]
		switch {
		case seen[text] >= boilerplateRepeats:
			b.kind = boilerplateBlock
			continue
		case prev >= 0 && blocks[prev].kind == bodyBlock && continuesSentence(t.norm[blocks[prev].start:blocks[prev].end], text):
			b.continues = true
		case isHeading(text):
			b.kind = headingBlock
			b.title = strings.TrimSpace(strings.Trim(text, "*"))
		}
		prev = i
	}
}

// continuesSentence reports whether next carries on the sentence prev left
// unfinished: prose that stops mid-phrase, or a block that starts in lower case.
func continuesSentence(prev, next string) bool {
	first, _ := utf8.DecodeRuneInString(next)
	if unicode.IsLower(first) {
		return true
	}
	if len(strings.Fields(prev)) < proseMinWords {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(prev)
	return unicode.IsLetter(last) || last == ',' || last == '-' || unclosed(prev)
}

// openEndings are words a title never ends with but a sentence cut by a
// page break often does ("… on the ratification of the").
var openEndings = map[string]bool{
	"a": true, "an": true, "the": true, "of": true, "and": true, "or": true, "to": true, "in": true,
	"on": true, "for": true, "with": true, "by": true, "from": true, "at": true, "as": true,
}

// isHeading reports whether a block reads as a title: a short, complete
// phrase starting with a capital, without final punctuation, not a legend.
func isHeading(text string) bool {
	text = strings.TrimSpace(strings.Trim(text, "*"))
	words := strings.Fields(text)
	first, _ := utf8.DecodeRuneInString(text)
	last, _ := utf8.DecodeLastRuneInString(text)
	return len(words) > 0 && unicode.IsUpper(first) &&
		!openEndings[strings.ToLower(words[len(words)-1])] &&
		!strings.ContainsRune(".,;:!?", last) &&
		utf8.RuneCountInString(text) <= headingMaxRunes &&
		len(words) <= headingMaxWords &&
		!sentenceBreakInside.MatchString(text) &&
		!strings.Contains(text, "■") &&
		balanced(text)
}

// balanced reports whether s closes every bracket and typographic quotation
// mark it opens, and closes none it does not open.
func balanced(s string) bool {
	return strings.Count(s, "(") == strings.Count(s, ")") && strings.Count(s, "“") == strings.Count(s, "”")
}

// unclosed reports whether s opens a bracket or quotation it does not close.
// (A block may close one a previous block opened.)
func unclosed(s string) bool {
	return strings.Count(s, "(") > strings.Count(s, ")") || strings.Count(s, "“") > strings.Count(s, "”")
}

// blockAt returns the index of the block holding pos, or -1.
func (t *Text) blockAt(pos int) int {
	i := sort.Search(len(t.blocks), func(i int) bool { return t.blocks[i].end > pos })
	if i == len(t.blocks) || t.blocks[i].start > pos {
		return -1
	}
	return i
}

// section is the title of the heading pos stands under ("" before the first
// heading). A number in a heading stands under that heading.
func (t *Text) section(pos int) string {
	if h := t.heading(pos); h >= 0 {
		return t.blocks[h].title
	}
	return ""
}

// heading is the index of the heading block pos stands under, or -1.
func (t *Text) heading(pos int) int {
	after := sort.Search(len(t.blocks), func(i int) bool { return t.blocks[i].start > pos })
	for i := after - 1; i >= 0; i-- {
		if t.blocks[i].kind == headingBlock {
			return i
		}
	}
	return -1
}

// paragraph returns the span of the paragraph holding pos: a body block
// joined with the blocks a page break split it from; any other block alone.
func (t *Text) paragraph(pos int) span {
	i := t.blockAt(pos)
	if i < 0 {
		return span{pos, pos}
	}
	if t.blocks[i].kind != bodyBlock {
		return t.blocks[i].span
	}
	first, last := i, i
	for j := i - 1; j >= 0 && t.blocks[first].continues; j-- {
		if t.blocks[j].kind != boilerplateBlock {
			first = j
		}
	}
	for j := i + 1; j < len(t.blocks); j++ {
		if t.blocks[j].kind == boilerplateBlock {
			continue
		}
		if !t.blocks[j].continues {
			break
		}
		last = j
	}
	return span{t.blocks[first].start, t.blocks[last].end}
}

// bulletMark starts an item of a bulleted list: "• acts of trafficking …",
// "– brochures handed …".
var bulletMark = regexp.MustCompile(`^[•▪◦·*\-–—]\s`)

// rowEnd ends a line that states a figure, closes an item or leads into a
// list: "… Public Union: 9", "… (233);", "… in brackets):", "… distributed
// as follows —".
var rowEnd = regexp.MustCompile(`[\d);:—–]$`)

// rowStarts finds the lines of a block that start an item of a list set
// out one a line: a bulleted line, or a line after one ending in a figure
// or an item's mark that starts as a new item would (a capital, a digit, a
// quotation mark). A PDF's text breaks running prose into lines too, but
// not after a figure before a capital; a page break starts a new block.
func (t *Text) rowStarts(raw string) []int {
	var rows []int
	prev := "" // the last non-blank line of the current block
	for offset := 0; offset < len(raw); {
		line, _, _ := strings.Cut(raw[offset:], "\n")
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "":
			prev = ""
		case prev != "":
			first, _ := utf8.DecodeRuneInString(trimmed)
			if bulletMark.MatchString(trimmed) || rowEnd.MatchString(prev) && (unicode.IsUpper(first) || unicode.IsDigit(first) || strings.ContainsRune("“\"‘«(", first)) {
				rows = append(rows, t.normOffset(offset+strings.Index(line, trimmed)))
			}
			prev = trimmed
		default:
			prev = trimmed
		}
		offset += len(line) + 1
	}
	return rows
}

// row reports whether a list's item starts at pos (rowStarts).
func (t *Text) row(pos int) bool {
	_, ok := slices.BinarySearch(t.rows, pos)
	return ok
}

// listLead is the sentence that leads into the list whose item holds pos
// (the last sentence before its first item, in its paragraph), none when
// pos is in no item set out one a line.
func (t *Text) listLead(pos int) (span, bool) {
	s := t.sentence(pos)
	para := t.paragraph(pos)
	if !t.row(s.start) {
		return span{}, false
	}
	for s.start > para.start && t.row(s.start) {
		s = t.sentence(s.start - 2)
	}
	if t.row(s.start) {
		return span{}, false
	}
	return s, true
}

// sentenceBreak is the end of a sentence: final punctuation, any closing
// quotes or brackets, a space, and a capital or digit starting the next.
var sentenceBreak = regexp.MustCompile(`[.!?][”’"»)]*( )[“"‘«(]?[\p{Lu}\d]`)

// sentence returns the span of the sentence holding pos. An item of a list
// set out one a line is a sentence of its own (rowStarts).
func (t *Text) sentence(pos int) span {
	p := t.paragraph(pos)
	var spaces []int // where one sentence ends and the next starts, a byte later
	for _, m := range sentenceBreak.FindAllStringSubmatchIndex(t.norm[p.start:p.end], -1) {
		spaces = append(spaces, p.start+m[2])
	}
	first, _ := slices.BinarySearch(t.rows, p.start+1)
	for _, r := range t.rows[first:] {
		if r >= p.end {
			break
		}
		spaces = append(spaces, r-1)
	}
	slices.Sort(spaces)
	start := p.start
	for _, space := range spaces {
		if space >= pos {
			return span{start, space}
		}
		start = space + 1
	}
	return span{start, p.end}
}
