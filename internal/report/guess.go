package report

import (
	"fmt"
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
	terms      []map[string]bool // per indicator, the words that describe it
	// named are, per indicator, the words of its code, name, description
	// and synonyms: what it counts, where its quotes' words may be another
	// figure's of the same sentence.
	named     []map[string]bool
	idf       map[string]float64  // how telling a word is among the indicators
	unitTerms map[string][]string // word → unit codes it names ("manats" → AZN)
	dims      map[string][]string // indicator → dimensions its observations use
	// combined maps an indicator to the pairs of dimensions ("A|B") one of
	// its observations is broken down by together.
	combined map[string]map[string]bool
	uses     []int          // per indicator, how many observations it has
	totals   map[string]int // indicator → how many of its observations are totals
	// conventions maps an indicator to the one agency all its observations
	// in the codes file have.
	conventions map[string]string
	agencies    []agencyName
	// counts maps a counted noun (the head of the words right after a
	// figure: "workers" of "64 medical workers"), and the key of a counted
	// noun phrase of more words ("case of forced labour"), to the kinds
	// (unit and theme) of the indicators the codes file counts it by.
	counts map[string]map[string]bool
	// phrases maps the key of a counted noun phrase of more words than one
	// ("non-governmental organizations", "criminal cases") to the
	// indicators whose figures the codes file counts by it.
	phrases map[string]map[int]bool
	// vocabulary is every word the codes file uses for what it counts:
	// indicators, units, dimensions and members, the quotes of its figures.
	vocabulary map[string]bool
	// learned maps an indicator to the members last year's quotes name by
	// the noun phrase right after a figure of that member ("including 3
	// (-2) human traffickers": the persons apprehended for trafficking in
	// persons).
	learned map[string][]learnedName
}

// learnedName is a name of a member one indicator's quotes use.
type learnedName struct {
	dim, member string
	terms       map[string]bool
}

type agencyName struct{ code, name string }

func newGuesser(codes *dataset.Dataset) *guesser {
	g := &guesser{
		indicators:  codes.Indicators,
		idf:         map[string]float64{},
		unitTerms:   map[string][]string{},
		dims:        map[string][]string{},
		combined:    map[string]map[string]bool{},
		uses:        make([]int, len(codes.Indicators)),
		totals:      map[string]int{},
		conventions: map[string]string{},
		vocabulary:  map[string]bool{},
		counts:      map[string]map[string]bool{},
		phrases:     map[string]map[int]bool{},
		learned:     map[string][]learnedName{},
	}
	for _, ind := range codes.Indicators {
		g.named = append(g.named, termSet(append([]string{strings.ReplaceAll(ind.Code, "_", " "), ind.Name, ind.Description}, ind.Synonyms...)...))
		g.terms = append(g.terms, maps.Clone(g.named[len(g.named)-1]))
	}
	for i, ind := range codes.Indicators {
		g.count(ind.Name, i) // "Victims sheltered", "Brochures distributed"
	}
	g.learn(codes.Observations)
	g.learnNames(codes.Observations)
	for _, ts := range g.terms {
		maps.Copy(g.vocabulary, ts)
	}
	for _, d := range codes.Dimensions {
		maps.Copy(g.vocabulary, termSet(d.Name))
		for _, m := range d.Members {
			maps.Copy(g.vocabulary, termSet(append([]string{m.Name}, m.Synonyms...)...))
		}
	}
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
		maps.Copy(g.vocabulary, termSet(u.Code, u.Name))
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
		if a, seen := g.conventions[o.Indicator]; !seen || a == o.Agency {
			g.conventions[o.Indicator] = o.Agency
		} else {
			g.conventions[o.Indicator] = ""
		}
		if len(o.Coordinates) == 0 {
			g.totals[o.Indicator]++
		}
		for _, src := range sources(o) {
			for w := range termSet(src.Quote) {
				g.terms[i][w] = true
			}
			for _, n := range Numbers(src.Quote) {
				if !n.Change && n.Value.Equal(o.Value) {
					g.count(src.Quote[n.End:], i)
				}
			}
		}
		if g.dims[o.Indicator] == nil {
			g.dims[o.Indicator] = []string{} // known, and maybe never broken down
		}
		for _, c := range o.Coordinates {
			if !slices.Contains(g.dims[o.Indicator], c.Dimension) {
				g.dims[o.Indicator] = append(g.dims[o.Indicator], c.Dimension)
			}
			for _, e := range o.Coordinates {
				if g.combined[o.Indicator] == nil {
					g.combined[o.Indicator] = map[string]bool{}
				}
				g.combined[o.Indicator][c.Dimension+"|"+e.Dimension] = true
			}
		}
	}
}

// learnNames learns, per indicator, the noun phrases of two words or more
// its quotes write right after a figure broken down by one member ("3 (-2)
// human traffickers"), when the phrase names that member alone in its
// dimension, its head is not what the indicator's name counts ("persons
// apprehended": persons), and no total of the indicator is counted by it.
func (g *guesser) learnNames(observations []dataset.Observation) {
	type key struct{ ind, dim, phrase string }
	members := map[key]map[string]bool{}
	totals := map[string]map[string]bool{} // indicator → phrases of its totals
	terms := map[key]map[string]bool{}
	for _, o := range observations {
		if o.Status != dataset.Reported || len(o.Coordinates) > 1 {
			continue
		}
		for _, src := range sources(o) {
			for _, n := range Numbers(src.Quote) {
				if n.Change || !n.Value.Equal(o.Value) {
					continue
				}
				words := termSet(nounWords(src.Quote[n.End:])...)
				if len(words) < 2 {
					continue
				}
				phrase := strings.Join(slices.Sorted(maps.Keys(words)), " ")
				if len(o.Coordinates) == 0 {
					if totals[o.Indicator] == nil {
						totals[o.Indicator] = map[string]bool{}
					}
					totals[o.Indicator][phrase] = true
					continue
				}
				c := o.Coordinates[0]
				k := key{o.Indicator, c.Dimension, phrase}
				if members[k] == nil {
					members[k] = map[string]bool{}
				}
				members[k][c.Member] = true
				terms[k] = words
			}
		}
	}
	heads := map[string]string{}
	for _, ind := range g.indicators {
		heads[ind.Code] = countedNoun(ind.Name)
	}
	for _, k := range slices.SortedFunc(maps.Keys(members), func(a, b key) int { return strings.Compare(a.ind+a.dim+a.phrase, b.ind+b.dim+b.phrase) }) {
		if len(members[k]) != 1 || totals[k.ind][k.phrase] || terms[k][heads[k.ind]] {
			continue
		}
		for m := range members[k] {
			g.learned[k.ind] = append(g.learned[k.ind], learnedName{k.dim, m, terms[k]})
		}
	}
}

// nounWords are the words of the noun phrase that starts s, past a
// bracketed aside: "human traffickers" of " (-2) human traffickers, were".
func nounWords(s string) []string {
	if aside := leadingAside.FindString(s); aside != "" {
		s = s[len(aside):]
	}
	var words []string
	for _, w := range strings.Fields(s) {
		word := strings.TrimRight(w, ",.;:)”\"")
		lw := strings.ToLower(word)
		if stopWords[lw] || notNoun[lw] || !wordOnly.MatchString(word) || len(lw) > 4 && (strings.HasSuffix(lw, "ed") || strings.HasSuffix(lw, "ing")) {
			break
		}
		words = append(words, word)
		if word != w {
			break
		}
	}
	return words
}

// learnedMember is the member of dim that one of the indicator's learned
// names, all of whose words the figure's own words use, names; "" for none.
func (g *guesser) learnedMember(indicator, dim string, w ownWords) string {
	for _, l := range g.learned[indicator] {
		if l.dim != dim {
			continue
		}
		all := true
		for term := range l.terms {
			all = all && w.terms[term]
		}
		if all {
			return l.member
		}
	}
	return ""
}

// count records that the indicator at index i counts the noun phrase that
// starts s, by its head and by all its words.
func (g *guesser) count(s string, i int) {
	head, key := nounPhrase(s)
	for _, noun := range []string{head, key} {
		if noun == "" {
			continue
		}
		if g.counts[noun] == nil {
			g.counts[noun] = map[string]bool{}
		}
		g.counts[noun][kind(g.indicators[i])] = true
	}
	if key != "" {
		if g.phrases[key] == nil {
			g.phrases[key] = map[int]bool{}
		}
		g.phrases[key][i] = true
	}
}

// phraseWeight is how much more likely an indicator is when the codes file
// counts its figures by the very noun phrase the figure counts ("20
// non-governmental organizations" contributing data, not receiving grants).
const phraseWeight = 1.5

// favour raises the indicators the codes file counts the phrase by.
func (g *guesser) favour(ranked []scored, phrase string) {
	for k := range ranked {
		if g.phrases[phrase][ranked[k].index] {
			ranked[k].score *= phraseWeight
		}
	}
}

// scored is an indicator's score for a figure and the words that earned it.
type scored struct {
	index   int
	score   float64
	because []string
}

// namedWeight is how much more a word of an indicator's own name or
// description tells than one learned from its quotes.
const namedWeight = 1.2

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
				c := context[w] * g.idf[w]
				if g.named[i][w] {
					c *= namedWeight
				}
				cs = append(cs, contribution{w, c})
				s.score += c
			}
		}
		switch named := slices.Contains(units, ind.Unit); {
		case named:
			s.score *= 2
		case measure(ind.Unit) || slices.ContainsFunc(units, measure):
			// 88 victims are no amount of manats, 5,050 manats no count
			// of victims: a measure the figure does not name rules out
			// indicators in it.
			s.score *= 0.1
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

// kind is what an indicator counts, as far as telling a figure's noun
// goes: its unit and theme.
func kind(ind dataset.Indicator) string { return ind.Unit + "/" + string(ind.Theme) }

// notNoun are words that end a noun phrase without being stop words.
var notNoun = map[string]bool{"out": true, "among": true, "between": true, "over": true, "about": true, "against": true,
	"after": true, "before": true, "through": true, "via": true, "did": true, "do": true, "does": true, "received": true,
	// participles that do not end in -ed: "brochures given to the
	// participants", "cases brought", "fines paid"
	"given": true, "taken": true, "held": true, "sent": true, "made": true, "paid": true, "found": true, "brought": true,
	"shown": true, "seen": true, "kept": true, "spent": true, "done": true, "known": true, "written": true, "chosen": true}

var leadingAside = regexp.MustCompile(`^\s*\([^)]*\)`)

// wordOnly matches a word of letters, hyphenated or not ("non-governmental").
var wordOnly = regexp.MustCompile(`^\pL+(?:-\pL+)*$`)

// countedNoun is the head of the noun phrase that starts s, the words right
// after a figure: the last of its meaningful words before a stop word, a
// number or a mark ("medical workers on identifying …" → "worker"), or ""
// when a stop word or a number comes first ("were subjected …").
func countedNoun(s string) string {
	head, _ := nounPhrase(s)
	return head
}

// ofWords is how many words of an "of" complement name what a noun phrase
// counts ("case of forced labour", "acts of trafficking in persons").
const ofWords = 2

// nounPhrase reads the noun phrase that starts s: its head (countedNoun)
// and the key of all its words, with the complement "of" joins to the head:
// "case of forced labour" (an offence) is another thing than a "criminal
// case" (a case). The key is "" for a phrase of one word.
func nounPhrase(s string) (head, key string) {
	if aside := leadingAside.FindString(s); aside != "" {
		s = s[len(aside):] // "161 (+2) acts", "44 (unchanged) criminal offences"
	}
	fields := strings.Fields(s)
	var words []string
	k := 0
	for ; k < len(fields); k++ {
		w := fields[k]
		word := strings.TrimRight(w, ",.;:)”\"")
		lw := strings.ToLower(word)
		if k == unitWords+1 || stopWords[lw] || notNoun[lw] || !wordOnly.MatchString(word) ||
			len(lw) > 4 && (strings.HasSuffix(lw, "ed") || strings.HasSuffix(lw, "ing")) && !(k == 0 && adjective.MatchString(lw) && word == w && k+1 < len(fields) && wordOnly.MatchString(strings.TrimRight(fields[k+1], ",.;:)”\"")) && !stopWords[strings.ToLower(fields[k+1])]) {
			break // "children deprived of …", "3 (+1) acts involving …"
		}
		head = word
		words = append(words, word)
		if word != w {
			k = len(fields) // a mark ends the phrase, complement and all
			break
		}
	}
	if head != "" && k < len(fields) && strings.ToLower(fields[k]) == "of" {
		for _, w := range fields[k+1 : min(len(fields), k+1+ofWords)] {
			word := strings.TrimRight(w, ",.;:)”\"")
			if stopWords[strings.ToLower(word)] || !wordOnly.MatchString(word) {
				break
			}
			words = append(words, word)
			if word != w {
				break
			}
		}
	}
	for term := range termSet(head) {
		head = term
	}
	if terms := termSet(words...); len(terms) > 1 {
		key = strings.Join(slices.Sorted(maps.Keys(terms)), " ")
	}
	if len(termSet(head)) == 0 {
		return "", ""
	}
	return head, key
}

// adjective is an -ised or -ized word that, right after a figure and before
// a noun, qualifies it: "12 specialised NGOs".
var adjective = regexp.MustCompile(`i[sz]ed$`)

// ruleOut lowers the indicators of another kind than those the figure's
// counted words allow (countedKinds): 64 medical workers trained are no
// victims sheltered, 94 children no visits. A noun the codes file never
// counts rules nothing out.
func (g *guesser) ruleOut(ranked []scored, kinds map[string]bool) {
	for k := range ranked {
		if len(kinds) > 0 && !kinds[kind(g.indicators[ranked[k].index])] {
			ranked[k].score *= 0.1
		}
	}
	sort.SliceStable(ranked, func(a, b int) bool { return ranked[a].score > ranked[b].score })
}

// measure reports whether a unit is a measure rather than a count: a
// currency (an ISO 4217 code such as AZN) or percent. A figure in a
// measure names it ("700 manats", "25 percent"); a count may name its
// unit or not ("91 victims", "53 were").
func measure(unit string) bool {
	return unit == "percent" || len(unit) == 3 && strings.ToUpper(unit) == unit
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
	weightLater   = 0.4
	weightLead    = 0.5
)

// context weighs the words of the sentence of the figure written at
// [from, to) by their distance from it, and those of its section heading;
// the words of skip speak for another figure and are left out, distances
// counted as if they were not there; the words from later on are the next
// figure's and weigh weightLater as much.
func (t *Text) context(from, to int, skip span, later int) map[string]float64 {
	words := slices.DeleteFunc(t.words(t.sentence(from)), func(w span) bool { return w.start >= skip.start && w.end <= skip.end })
	first := sort.Search(len(words), func(i int) bool { return words[i].end > from })
	last := sort.Search(len(words), func(i int) bool { return words[i].end >= to })
	weights := map[string]float64{}
	for term := range termSet(t.section(from)) {
		weights[term] = weightHeading
	}
	if lead, ok := t.listLead(from); ok {
		// "Further assistance to victims (number of victims): • social
		// assistance — 13": the line leading into a list speaks for its items.
		for term := range termSet(t.norm[lead.start:lead.end]) {
			weights[term] = max(weights[term], weightLead)
		}
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
		if w.start >= later {
			weight *= weightLater
		}
		for term := range termSet(t.norm[w.start:w.end]) {
			weights[term] = max(weights[term], weight)
		}
	}
	return weights
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
	"no": true, "under": true, "during": true, "including": true, "well": true, "per": true, "them": true,
}

// synonyms bring the report's words to those the code lists use.
var synonyms = map[string]string{
	"women": "female", "woman": "female", "girls": "female", "men": "male", "man": "male", "boys": "male",
	"labor": "labour", "offenses": "offences", "offense": "offence",
	// criminal procedure: a case is opened, instituted or initiated
	"opened": "initiated", "instituted": "initiated",
	// people are individuals ("young people", "young individuals")
	"people": "individuals",
}

// termSet is the set of meaningful words of the texts, lower-cased, with
// diacritics folded ("Türkiye" → "turkiye") and endings stemmed
// ("reintegrated" and "reintegration" → "reintegr").
func termSet(texts ...string) map[string]bool {
	out := map[string]bool{}
	for _, text := range texts {
		for _, term := range terms(text) {
			out[term] = true
		}
	}
	return out
}

// terms are the terms of text in the order its words come.
func terms(text string) []string {
	var out []string
	for _, w := range letters.FindAllString(fold(text), -1) {
		if s, ok := synonyms[w]; ok {
			w = s
		}
		if stopWords[w] || isNumberWord(w) {
			continue // "two" of "under 18 — two" says how many, not of what
		}
		out = append(out, stem(w))
	}
	return out
}

// isNumberWord reports whether w is a number written in words ("two",
// "twenty", "hundred"): a value, which names no indicator or member.
func isNumberWord(w string) bool {
	_, small := smallNumbers[w]
	_, ten := tens[w]
	_, scale := scales[w]
	return small || ten || scale
}

// diacritics maps the letters with marks the reports use (Azerbaijani and
// Turkish names) to plain ones, so "Turkiye" in a chart legend is the
// "Türkiye" of the code list.
var diacritics = strings.NewReplacer("İ", "i", "ı", "i", "ü", "u", "Ü", "u", "ö", "o", "Ö", "o", "ç", "c", "Ç", "c",
	"ş", "s", "Ş", "s", "ğ", "g", "Ğ", "g", "ə", "e", "Ə", "e", "â", "a", "é", "e", "’", "'")

// fold lower-cases and drops diacritics.
func fold(s string) string { return strings.ToLower(diacritics.Replace(s)) }

// suffixes are the endings stem strips, longest first within a family.
var suffixes = []struct{ from, to string }{
	{"ations", ""}, {"ation", ""}, {"ators", ""}, {"ator", ""}, {"ments", ""}, {"ment", ""},
	{"ings", ""}, {"ing", ""}, {"ated", ""}, {"ates", ""}, {"ate", ""}, {"ions", ""}, {"ion", ""},
	{"ies", "y"}, {"ied", "y"}, {"ed", ""}, {"al", ""}, {"ly", ""}, {"s", ""},
}

// stem strips up to two endings, keeping at least four letters: a light
// stemmer that makes the report's verbs meet the code lists' nouns
// ("employed", "employment" → "employ"). Words it would cut too short stay.
func stem(w string) string {
	for range 2 {
		cut := false
		for _, s := range suffixes {
			if strings.HasSuffix(w, s.from) && !strings.HasSuffix(w, "ss") && len(w)-len(s.from)+len(s.to) >= 4 {
				w = w[:len(w)-len(s.from)] + s.to
				cut = true
				break
			}
		}
		if !cut {
			break
		}
	}
	if len(w) >= 5 && strings.HasSuffix(w, "e") && !strings.HasSuffix(w, "ee") {
		w = w[:len(w)-1] // "charges" → "charge" meets "charged" → "charg"
	}
	return w
}
