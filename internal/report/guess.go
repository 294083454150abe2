package report

import (
	"fmt"
	"iter"
	"maps"
	"math"
	"regexp"
	"slices"
	"sort"
	"strings"

	"indicators/internal/dataset"
)

// The guesser picks an indicator, a breakdown and an agency for a figure
// from the words around it, using what an existing data file knows: each
// indicator's name, description and the quotes of its observations, the
// dimensions its observations are broken down by, the names of the members
// and of the agencies. It only has to put a reviewer on the right track.

// guesser holds the vocabulary drawn from a codes file.
type guesser struct {
	indicators []dataset.Indicator
	terms      []map[string]bool   // per indicator, the words that describe it
	idf        map[string]float64  // how telling a word is among the indicators
	unitTerms  map[string][]string // word → unit codes it names ("manats" → AZN)
	dims       map[string][]string // indicator → dimensions its observations use
	uses       []int               // per indicator, how many observations it has
	dimensions []dataset.Dimension
	agencies   []agencyName
}

type agencyName struct{ code, name string }

// candidate is an indicator and breakdown a figure could be given.
type candidate struct {
	indicator string
	by        []dataset.Coordinate
}

func newGuesser(codes *dataset.Dataset) *guesser {
	g := &guesser{
		indicators: codes.Indicators,
		idf:        map[string]float64{},
		unitTerms:  map[string][]string{},
		dims:       map[string][]string{},
		uses:       make([]int, len(codes.Indicators)),
		dimensions: codes.Dimensions,
	}
	for _, ind := range codes.Indicators {
		g.terms = append(g.terms, termSet(strings.ReplaceAll(ind.Code, "_", " "), ind.Name, ind.Description))
	}
	g.learn(codes.Observations)
	df := map[string]int{}
	for _, ts := range g.terms {
		for w := range ts {
			df[w]++
		}
	}
	for w, n := range df {
		g.idf[w] = math.Log(1 + float64(len(g.terms))/float64(n))
	}
	for _, u := range codes.Units {
		for w := range termSet(u.Code, u.Name) {
			g.unitTerms[w] = append(g.unitTerms[w], u.Code)
		}
	}
	for _, a := range codes.Agencies {
		g.agencies = append(g.agencies, agencyName{a.Code, a.Name})
		if a.ShortName != "" {
			g.agencies = append(g.agencies, agencyName{a.Code, a.ShortName})
		}
	}
	return g
}

// learn adds what the codes file's observations teach: the words of their
// quotes, the dimensions each indicator is broken down by, how often each
// indicator is used.
func (g *guesser) learn(observations []dataset.Observation) {
	index := map[string]int{}
	for i, ind := range g.indicators {
		index[ind.Code] = i
	}
	for _, o := range observations {
		i, ok := index[o.Indicator]
		if !ok || o.Status != dataset.Reported {
			continue
		}
		g.uses[i]++
		for _, src := range sources(o) {
			for w := range termSet(src.Quote) {
				g.terms[i][w] = true
			}
		}
		if g.dims[o.Indicator] == nil {
			g.dims[o.Indicator] = []string{} // known, and maybe never broken down
		}
		for _, c := range o.Coordinates {
			if !slices.Contains(g.dims[o.Indicator], c.Dimension) {
				g.dims[o.Indicator] = append(g.dims[o.Indicator], c.Dimension)
			}
		}
	}
}

// guess sets the observation's indicator, breakdown and agency for the
// figure at index i (written up to end, its change included). It returns
// notes saying what the guesses rest on, and every indicator and breakdown
// the figure could have, best first.
func (g *guesser) guess(t *Text, i, end int, o *dataset.Observation, publisher string) ([]string, iter.Seq[candidate]) {
	n := t.numbers[i]
	ranked := g.rank(t.context(n.Start, end), g.unitsAfter(t, end))
	best := ranked[0]
	before, after := t.near(i, end)
	near := [2]map[string]bool{termSet(t.norm[before.start:before.end]), termSet(t.norm[after.start:after.end])}
	o.Indicator = g.indicators[best.index].Code
	o.Coordinates = g.coordinates(o.Indicator, near)
	notes := []string{fmt.Sprintf("indicator and breakdown guessed from the words %q", strings.Join(best.because, ", "))}
	if best.score == 0 {
		notes[0] = "no word around the figure names an indicator: the indicator is a placeholder"
	}
	var agencyNote string
	o.Agency, agencyNote = g.agency(t, n.Start, publisher)
	notes = append(notes, agencyNote)
	return notes, g.candidates(ranked, near)
}

// candidates yields, for each indicator best first, its guessed breakdown,
// the total, then each single member of the dimensions it uses: a reviewer
// is better served by the right indicator with a wrong breakdown than the
// other way round.
func (g *guesser) candidates(ranked []scored, near [2]map[string]bool) iter.Seq[candidate] {
	return func(yield func(candidate) bool) {
		for _, r := range ranked {
			code := g.indicators[r.index].Code
			if by := g.coordinates(code, near); len(by) > 0 && !yield(candidate{code, by}) {
				return
			}
			if !yield(candidate{indicator: code}) {
				return
			}
			for _, d := range g.allowed(code) {
				for _, m := range d.Members {
					if !yield(candidate{code, []dataset.Coordinate{{Dimension: d.Code, Member: m.Code}}}) {
						return
					}
				}
			}
		}
	}
}

// claim gives the observation the first candidate whose key no earlier
// observation holds: a data file's keys are unique, and a draft that loads
// can be checked with verify and load --dry-run at once.
func claim(o *dataset.Observation, candidates iter.Seq[candidate], keys map[string]bool) {
	first := *o
	for c := range candidates {
		o.Indicator, o.Coordinates = c.indicator, c.by
		if !keys[o.Key()] {
			keys[o.Key()] = true
			if o.Key() != first.Key() {
				o.Note += fmt.Sprintf("; the best guess %s was taken by an earlier figure", strings.TrimSpace(first.Indicator+" "+dataset.CoordinateKey(first.Coordinates)))
			}
			return
		}
	}
	*o = first
	o.Note += "; its key repeats an earlier figure's: change one before loading"
}

// scored is an indicator's score for a figure and the words that earned it.
type scored struct {
	index   int
	score   float64
	because []string
}

// rank orders the indicators by the weight of the context words that
// describe them; a unit named right after the figure ("manats", "percent")
// doubles the score of indicators measured in it. Of equals, the one the
// codes file uses most is the likelier.
func (g *guesser) rank(context map[string]float64, units []string) []scored {
	words := slices.Sorted(maps.Keys(context)) // a fixed order of sums makes equal scores equal
	out := make([]scored, len(g.indicators))
	for i, ind := range g.indicators {
		s := scored{index: i}
		type contribution struct {
			word  string
			score float64
		}
		var cs []contribution
		for _, w := range words {
			if g.terms[i][w] {
				cs = append(cs, contribution{w, context[w] * g.idf[w]})
				s.score += context[w] * g.idf[w]
			}
		}
		if slices.Contains(units, ind.Unit) {
			s.score *= 2
		}
		sort.Slice(cs, func(a, b int) bool {
			return cs[a].score > cs[b].score || cs[a].score == cs[b].score && cs[a].word < cs[b].word
		})
		for _, c := range cs[:min(len(cs), 3)] {
			s.because = append(s.because, c.word)
		}
		out[i] = s
	}
	sort.SliceStable(out, func(a, b int) bool {
		if out[a].score != out[b].score {
			return out[a].score > out[b].score
		}
		return g.uses[out[a].index] > g.uses[out[b].index]
	})
	return out
}

// unitWords is how many words after a figure may name its unit ("15
// criminal cases", "2,643,000 manats").
const unitWords = 2

// unitsAfter lists the units named by the words right after a figure.
func (g *guesser) unitsAfter(t *Text, end int) []string {
	after := strings.Fields(t.norm[end:min(end+60, len(t.norm))])
	var units []string
	for w := range termSet(after[:min(len(after), unitWords)]...) {
		units = append(units, g.unitTerms[w]...)
	}
	return units
}

// Context weights: the words after a figure name what it counts ("252
// social pedagogues"); the words before it say who did what ("trainings
// for"). Both fade with distance. The section heading speaks for a chart's
// bare value ("650" under "Traffickers prosecuted 2005-2024").
const (
	weightBefore  = 0.7
	fadeWords     = 3.0
	weightHeading = 0.3
)

// context weighs the words of the sentence of the figure written at
// [from, to) by their distance from it, and those of its section heading.
func (t *Text) context(from, to int) map[string]float64 {
	words := t.words(t.sentence(from))
	first := sort.Search(len(words), func(i int) bool { return words[i].end > from })
	last := sort.Search(len(words), func(i int) bool { return words[i].end >= to })
	weights := map[string]float64{}
	for term := range termSet(t.section(from)) {
		weights[term] = weightHeading
	}
	for k, w := range words {
		var weight float64
		switch {
		case k < first:
			weight = weightBefore / (1 + float64(first-k-1)/fadeWords)
		case k > last:
			weight = 1 / (1 + float64(k-last-1)/fadeWords)
		default:
			continue
		}
		for term := range termSet(t.norm[w.start:w.end]) {
			weights[term] = max(weights[term], weight)
		}
	}
	return weights
}

// near splits the part of the figure's clause that belongs to it alone
// into the words before the figure (from the bracket it stands in, or the
// number before it) and the words from the figure to the next number:
// "53 were subjected to sexual exploitation in the Republic of Türkiye",
// "(-1; 14 women," and "4 men) were charged".
func (t *Text) near(i, end int) (before, after span) {
	n := t.numbers[i]
	sent := t.sentence(n.Start)
	before, after = span{sent.start, n.Start}, span{n.Start, sent.end}
	for _, b := range t.boundaries(sent) {
		if b.pos < n.Start {
			before.start = b.end
		} else if b.pos >= end {
			after.end = b.pos
			break
		}
	}
	if i > 0 {
		before.start = max(before.start, min(t.numbers[i-1].End, n.Start))
	}
	if k := strings.LastIndexByte(t.norm[before.start:n.Start], '('); k >= 0 && !strings.Contains(t.norm[before.start+k:n.Start], ")") {
		before.start += k
	}
	for k := i + 1; k < len(t.numbers); k++ {
		if t.numbers[k].Start >= end {
			after.end = min(after.end, t.numbers[k].Start)
			break
		}
	}
	return before, after
}

// allowed lists the dimensions a figure of the indicator may be broken down
// by: those its observations use in the codes file, or all when it has none.
func (g *guesser) allowed(indicator string) []dataset.Dimension {
	used, ok := g.dims[indicator]
	if !ok {
		return g.dimensions
	}
	var out []dataset.Dimension
	for _, d := range g.dimensions {
		if slices.Contains(used, d.Code) {
			out = append(out, d)
		}
	}
	return out
}

// coordinates picks, in each dimension the indicator uses, the member whose
// name the words after the figure spell best, else the words before it.
func (g *guesser) coordinates(indicator string, near [2]map[string]bool) []dataset.Coordinate {
	var out []dataset.Coordinate
	for _, d := range g.allowed(indicator) {
		member := spelt(d, near[1])
		if member == "" {
			member = spelt(d, near[0])
		}
		if member != "" {
			out = append(out, dataset.Coordinate{Dimension: d.Code, Member: member})
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Dimension < out[b].Dimension })
	return out
}

// spelt returns the member of d whose name the words spell best: all its
// words, or at least two thirds of them and two or more ("labour
// exploitation" for "Labour exploitation / forced labour").
func spelt(d dataset.Dimension, words map[string]bool) string {
	best, bestMatched := "", 0
	for _, m := range d.Members {
		name := termSet(m.Name)
		matched := 0
		for w := range name {
			if words[w] {
				matched++
			}
		}
		ok := matched == len(name) || matched >= 2 && 3*matched >= 2*len(name)
		if matched > bestMatched && ok {
			best, bestMatched = m.Code, matched
		}
	}
	return best
}

// agency picks the agency named last before pos in its sentence, else the
// first named after it, else the publisher; a longer name wins over one it
// contains ("Main Department … of the Ministry of Internal Affairs").
func (g *guesser) agency(t *Text, pos int, publisher string) (string, string) {
	sent := t.sentence(pos)
	text := t.norm[sent.start:sent.end]
	type found struct {
		agencyName
		start, end int
	}
	var before, after *found
	for _, a := range g.agencies {
		for from := 0; ; {
			k := strings.Index(text[from:], a.name)
			if k < 0 {
				break
			}
			f := found{a, sent.start + from + k, sent.start + from + k + len(a.name)}
			from += k + len(a.name)
			switch {
			case f.end <= pos && (before == nil || f.end > before.end || f.end == before.end && f.start < before.start):
				before = &f
			case f.start >= pos && (after == nil || f.start < after.start || f.start == after.start && f.end > after.end):
				after = &f
			}
		}
	}
	for _, f := range []*found{before, after} {
		if f != nil {
			return f.code, fmt.Sprintf("agency from %q", f.name)
		}
	}
	return publisher, "agency: the publisher (the sentence names no known body)"
}

var letters = regexp.MustCompile(`\p{L}+`)

// stopWords carry no meaning for telling indicators apart.
var stopWords = map[string]bool{
	"a": true, "an": true, "the": true, "of": true, "in": true, "on": true, "at": true, "to": true, "for": true,
	"from": true, "by": true, "with": true, "and": true, "or": true, "as": true, "is": true, "are": true,
	"was": true, "were": true, "be": true, "been": true, "has": true, "have": true, "had": true, "its": true,
	"their": true, "this": true, "that": true, "these": true, "those": true, "which": true, "who": true,
	"whom": true, "whose": true, "it": true, "they": true, "also": true, "into": true, "within": true,
	"such": true, "than": true, "all": true, "each": true, "other": true, "another": true, "not": true,
	"no": true, "under": true, "during": true, "including": true, "well": true, "per": true,
}

// synonyms bring the report's words to those the code lists use.
var synonyms = map[string]string{
	"women": "female", "woman": "female", "girls": "female", "men": "male", "man": "male", "boys": "male",
	"labor": "labour", "offenses": "offences", "offense": "offence",
}

// termSet is the set of meaningful words of the texts, lower-cased, with
// plurals folded ("victims" → "victim").
func termSet(texts ...string) map[string]bool {
	out := map[string]bool{}
	for _, text := range texts {
		for _, w := range letters.FindAllString(strings.ToLower(text), -1) {
			if s, ok := synonyms[w]; ok {
				w = s
			}
			if stopWords[w] {
				continue
			}
			out[stem(w)] = true
		}
	}
	return out
}

func stem(w string) string {
	switch {
	case len(w) > 4 && strings.HasSuffix(w, "ies"):
		return w[:len(w)-3] + "y"
	case len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss"):
		return w[:len(w)-1]
	}
	return w
}
