package report

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// A drafted quote is the clause that states a figure: long enough for a
// reviewer to recognise, short enough to scan, and verbatim by construction
// (a span of the normalised text).
const (
	quoteMinWords    = 5
	quoteWordsBefore = 8
	quoteWordsAfter  = 12
	// ignoredWords is how far an ignored number's quote reaches either side.
	ignoredWords = 2
)

// boundary is where a clause of a sentence ends. A soft boundary (comma,
// semicolon, colon) may be crossed to make a short clause readable; a hard
// one (a chart legend's "■") separates unrelated entries.
type boundary struct {
	pos, end int // the mark's bytes
	hard     bool
}

// boundaries lists the clause boundaries of a sentence outside brackets and
// quotations: "16 persons (-2; 13 women, 3 men) were charged" is one clause.
func (t *Text) boundaries(s span) []boundary {
	var out []boundary
	depth := 0
	for i, r := range t.norm[s.start:s.end] {
		pos := s.start + i
		switch r {
		case '(', '“':
			depth++
		case ')', '”':
			depth = max(depth-1, 0)
		case ',', ';', ':':
			if depth == 0 && !t.separatesDigits(pos) {
				out = append(out, boundary{pos: pos, end: pos + 1})
			}
		case '■':
			out = append(out, boundary{pos: pos, end: pos + len("■"), hard: true})
		}
	}
	return out
}

// separatesDigits reports whether the byte at pos is a thousands separator.
func (t *Text) separatesDigits(pos int) bool {
	isDigit := func(i int) bool { return i >= 0 && i < len(t.norm) && t.norm[i] >= '0' && t.norm[i] <= '9' }
	return isDigit(pos-1) && isDigit(pos+1)
}

// quoteSpan picks the words stating the figure written at [from, to): its
// clause, joined with the next (else the previous) clause while too short,
// cut to a window around the figure while too long.
func (t *Text) quoteSpan(from, to int) span {
	sent := t.sentence(from)
	bs := t.boundaries(sent)
	hi := sort.Search(len(bs), func(i int) bool { return bs[i].pos >= to })
	lo := hi - 1
	clause := func() span {
		s := sent
		if lo >= 0 {
			s.start = bs[lo].end
		}
		if hi < len(bs) {
			s.end = bs[hi].pos
		}
		return t.trim(s)
	}
	for len(t.words(clause())) < quoteMinWords {
		if hi < len(bs) && !bs[hi].hard {
			hi++
		} else if lo >= 0 && !bs[lo].hard {
			lo--
		} else {
			break
		}
	}
	return t.window(clause(), from, to)
}

// window cuts s to quoteWordsBefore words before [from, to) and
// quoteWordsAfter words after it.
func (t *Text) window(s span, from, to int) span {
	words := t.words(s)
	if len(words) <= quoteWordsBefore+quoteWordsAfter+1 {
		return s
	}
	first := sort.Search(len(words), func(i int) bool { return words[i].end > from })
	last := sort.Search(len(words), func(i int) bool { return words[i].end >= to })
	first = max(first-quoteWordsBefore, 0)
	last = min(last+quoteWordsAfter, len(words)-1)
	return span{words[first].start, words[last].end}
}

// words lists the space-separated words of s.
func (t *Text) words(s span) []span {
	var out []span
	start := -1
	for i := s.start; i <= s.end; i++ {
		if i == s.end || t.norm[i] == ' ' {
			if start >= 0 {
				out = append(out, span{start, i})
			}
			start = -1
		} else if start < 0 {
			start = i
		}
	}
	return out
}

// trim drops spaces from both ends of s.
func (t *Text) trim(s span) span {
	for s.start < s.end && t.norm[s.start] == ' ' {
		s.start++
	}
	for s.end > s.start && t.norm[s.end-1] == ' ' {
		s.end--
	}
	return s
}

// token is the word holding n, without the brackets, quotation marks and
// punctuation around it: "COVID-19", "144-1", "2005-2024". An em dash
// separates words ("in total—70 of whom").
func (t *Text) token(n Number) span {
	s := span{n.Start, n.End}
	for s.start > 0 && t.norm[s.start-1] != ' ' && !strings.HasSuffix(t.norm[:s.start], "—") {
		s.start--
	}
	for s.end < len(t.norm) && t.norm[s.end] != ' ' && !strings.HasPrefix(t.norm[s.end:], "—") {
		s.end++
	}
	const around = "()[]“”‘’\"'«».,;:*"
	for s.start < n.Start {
		r, size := utf8.DecodeRuneInString(t.norm[s.start:])
		if !strings.ContainsRune(around, r) {
			break
		}
		s.start += size
	}
	for s.end > n.End {
		r, size := utf8.DecodeLastRuneInString(t.norm[:s.end])
		if !strings.ContainsRune(around, r) {
			break
		}
		s.end -= size
	}
	return s
}

// ignoredSpan widens a token by up to ignoredWords words either side within
// its sentence, stopping at a word that holds a figure so an ignored quote
// never accounts for one.
func (t *Text) ignoredSpan(tok span, holdsFigure func(span) bool) span {
	words := t.words(t.sentence(tok.start))
	at := sort.Search(len(words), func(i int) bool { return words[i].end > tok.start })
	s := tok
	for k := at - 1; k >= 0 && k >= at-ignoredWords && !holdsFigure(words[k]); k-- {
		s.start = words[k].start
	}
	last := sort.Search(len(words), func(i int) bool { return words[i].end >= tok.end })
	for k := last + 1; k < len(words) && k <= last+ignoredWords && !holdsFigure(words[k]); k++ {
		s.end = words[k].end
	}
	return s
}
