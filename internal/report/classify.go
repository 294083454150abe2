package report

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"indicators/internal/dataset"
)

// Classification by meaning: a figure is filed under the indicator whose
// words its sentence uses, and under the members its own words name (the
// words between it and its neighbours: "35 in the United Arab Emirates"),
// never under a member because of where it stands in a list. A list's
// figures are read together: a member the first item names and the others
// do not restate is carried over ("53 were subjected to sexual exploitation
// in Türkiye, 35 in the UAE"), and an item that names no known member of the
// dimension its list varies in gets a proposed new member. A figure whose
// words the codes file does not know at all gets a proposed new indicator.
// Every figure carries a doubt score saying how sure the guess is.

// figure is one number drafted as an observation, with what its
// classification rests on.
type figure struct {
	index  int
	obs    dataset.Observation
	ranked []scored
	// kinds are the kinds of figure its counted words allow (countedKinds),
	// nil when the codes file counts none of them.
	kinds map[string]bool
	// share is set for a percentage of another figure the text states
	// ("55 victims (59 percent of the total)", "12 percent of them").
	share bool
	// unknownLabel is the label's noun of a figure set out after what it
	// counts when the codes file never uses that noun ("television and
	// radio programmes …: 48").
	unknownLabel string
	own          ownWords
	spelt        map[string]bool // dimensions its own words name a member of
	notes        []string        // what the guesses rest on
	// readNotes say how the number was read: change, qualifier, period.
	readNotes []string
	doubts    []doubt
	listDim   string // the dimension the list it stands in varies in
	// agencyNote says where the agency comes from; byPublisher is set when
	// the sentence names no body and the publisher stands in.
	agencyNote  string
	byPublisher bool
}

// ownNumbers are the numbers of its own words that may name a member: the
// year of its period names its period, unless it is all there is ("13 in
// 2024" beside the member 2024).
func (f *figure) ownNumbers() map[string]bool {
	out := maps.Clone(f.own.numbers)
	delete(out, strconv.Itoa(f.obs.Period.Start))
	delete(out, strconv.Itoa(f.obs.Period.End))
	if len(out) == 0 {
		return f.own.numbers
	}
	return out
}

// doubt is one reason to check a drafted line, with how much it weighs (0:
// none, 1: the guess is a placeholder).
type doubt struct {
	score float64
	why   string
}

// Doubtful is the doubt at or above which a line is listed for review
// before the others.
const Doubtful = 0.5

// Doubtful counts the draft's observations with a doubt of Doubtful or more.
func (d *Draft) Doubtful() int {
	n := 0
	for _, o := range d.Observations {
		if doubt, _, ok := noteDoubt(o.Note); ok && doubt >= Doubtful {
			n++
		}
	}
	return n
}

// ownWords are the words that belong to one figure alone: from the clause
// start or the previous number up to the figure, and from the figure to the
// next figure or clause boundary. Numbers inside them that are no figures
// (the 18 and 25 of "aged between 18 and 25", the years of "between 2015
// and 2023") name members too.
type ownWords struct {
	before, after span
	terms         map[string]bool
	numbers       map[string]bool
	quoted        []string        // names in quotation marks: “Sails of Hope”
	shared        map[string]bool // words it shares with the next figure
	follows       bool            // a figure of the same sentence comes right before it
	// lead are the words before its own in its sentence and in the
	// sentence before it in the paragraph, which may complete a member its
	// own words only begin to name ("Awareness-raising seminars were held
	// …, where 2,400 brochures were handed out to participants").
	lead map[string]bool
	// pairs are the pairs of meaningful words its own words write side by
	// side, folded: "forced begging".
	pairs []string
	// bodies are the words its own words use only inside the names of
	// bodies the codes file knows, each with those bodies: "social" of "the
	// Social Services Agency", "assistance" of "the Assistance Center …".
	bodies map[string]map[string]bool
}

// toNext is the clause leading into a figure by a preposition after another
// figure of its sentence: "…, and psychological support to 40", "… and
// extended for 5,240". Group 1 is the joining mark, group 2 the clause.
var toNext = regexp.MustCompile(`(,\s*(?:and\s+)?|\s+and\s+)([^,;:()]*\s(?:to|for))\s*$`)

// partitive is a clause naming the group the next figure is part of ("Of
// the identified female victims, 60 percent", "Among male victims, 45
// percent"), which is the figure's own; another opening clause ("Regarding
// cases of forced labour, 91 victims") is only its topic.
var partitive = regexp.MustCompile(`(?i)^\s*(?:of|among|amongst)\s[^,;:]*$`)

// newClause starts another statement inside a figure's clause: "4,630
// foreign nationals and extended the validity … for 5,390".
var newClause = regexp.MustCompile(`\s(?:and|while|whereas|but)\s+\pL+ed\b`)

// elliptic is the own text of a figure whose noun comes after the next one.
var elliptic = regexp.MustCompile(`^\s*(?:\pL+\s+){0,2}(?:and|or|to)\s*$`)

// quotedName finds names in quotation marks.
var quotedName = regexp.MustCompile(`“([^”]+)”`)

func quotedNames(s string) []string {
	var out []string
	for _, m := range quotedName.FindAllStringSubmatch(s, -1) {
		out = append(out, fold(m[1]))
	}
	return out
}

// nextFigure is the index of the figure after i in its sentence, or i.
func (t *Text) nextFigure(i int, reasons []string) int {
	sent := t.sentence(t.numbers[i].Start)
	for k := i + 1; k < len(t.numbers) && t.numbers[k].Start < sent.end; k++ {
		if reasons[k] == "" && !t.numbers[k].Change {
			return k
		}
	}
	return i
}

// own reads the words of the figure at i, written up to end.
func (t *Text) own(i, end int, reasons []string) ownWords {
	return t.ownFrom(i, end, reasons, -1)
}

// ownFrom reads the words of the figure at i, written up to end, none of
// them before from (when from >= 0).
func (t *Text) ownFrom(i, end int, reasons []string, from int) ownWords {
	n := t.numbers[i]
	sent := t.sentence(n.Start)
	w := ownWords{before: span{sent.start, n.Start}, after: span{end, sent.end}}
	for _, b := range t.boundaries(sent) {
		if b.pos < n.Start && !partitive.MatchString(t.norm[w.before.start:b.pos]) {
			w.before.start = b.end
		} else if b.pos >= end {
			w.after.end = b.pos
			break
		}
	}
	if bare := strings.TrimSpace(t.norm[w.before.start:n.Start]); bare != "" && stopWords[strings.ToLower(bare)] && w.before.start > sent.start {
		// "… the Republic of Türkiye, with 55 victims": a figure its own
		// clause only joins by a preposition is said of the clause before.
		from := sent.start // the clause before: from the boundary before it
		for _, b := range t.boundaries(sent) {
			if b.pos < w.before.start-1 && b.end < w.before.start {
				from = b.end
			}
		}
		if !t.holdsFigure(span{from, w.before.start}, reasons) {
			w.before.start = from
		}
	}
	for k := i - 1; k >= 0 && t.numbers[k].End > w.before.start; k-- {
		if reasons[k] == "" && !t.numbers[k].Change {
			w.before.start = t.numbers[k].End
			w.follows = !t.bracketed(i) // "judges (42), lawyers (30)": a bracketed figure's words come before it
			break
		}
	}
	if k := strings.LastIndexByte(t.norm[w.before.start:n.Start], '('); k >= 0 && !strings.Contains(t.norm[w.before.start+k:n.Start], ")") && !t.bracketed(i) {
		w.before.start += k
	}
	for k := i + 1; k < len(t.numbers); k++ {
		if t.numbers[k].Start >= end && reasons[k] == "" && !t.numbers[k].Change {
			w.after.end = min(w.after.end, t.numbers[k].Start)
			if open := strings.LastIndexByte(t.norm[end:t.numbers[k].Start], '('); open >= 0 && !strings.Contains(t.norm[end+open:t.numbers[k].Start], ")") {
				// "101 victims in total (court proceedings 66; …)": a bracket
				// holding the next figure lists the parts, its words theirs.
				w.after.end = min(w.after.end, end+open)
			}
			if m := toNext.FindStringSubmatchIndex(t.norm[end:t.numbers[k].Start]); m != nil {
				w.after.end = min(w.after.end, end+m[2]) // "… to 17 of them | and psychological support to 40"
			}
			break
		}
	}
	if w.follows {
		if m := toNext.FindStringSubmatchIndex(t.norm[w.before.start:n.Start]); m != nil {
			// "legal assistance to 17 of them and psychological support to
			// 40": what the clause leading to it by a preposition names is
			// its own, not the figure's before it.
			w.before.start, w.follows = w.before.start+m[3], false
		}
	}
	if t.bracketed(i) {
		w.after.end = min(w.after.end, end+strings.IndexByte(t.norm[end:], ')')+1) // "lawyers (thirty) and prosecutorial staff …"
	}
	w.after.end = max(w.after.end, w.after.start)
	if item, ok := t.respective(i, reasons); ok {
		// "trained judges, lawyers and prosecutorial staff members: 39,
		// 33 and 12 respectively": each figure counts its item.
		w.before, w.after, w.follows = item, span{end, end}, false
	} else if label, ok := t.labelled(i, end, reasons); ok {
		// "Public unions …: 71", "the capital city, 21", "persons charged —
		// 18 (+2)": the words before are what it counts, the words after
		// the next item's.
		w.before, w.after, w.follows = label, span{end, end}, false
	}
	if from >= 0 {
		w.before.start = min(max(w.before.start, from), w.before.end)
	}
	w.quoted = quotedNames(t.norm[w.before.start:w.after.end])
	if m := newClause.FindStringIndex(t.norm[w.after.start:w.after.end]); m != nil {
		w.after.end = w.after.start + m[0]
	}
	w.terms = termSet(t.norm[w.after.start:w.after.end])
	if elliptic.MatchString(t.norm[w.after.start:w.after.end]) {
		// "30 central and 71 local executive authorities": the words after
		// the next figure name this one too.
		next := t.own(t.nextFigure(i, reasons), t.numbers[t.nextFigure(i, reasons)].End, reasons)
		w.shared = next.terms
	}
	if !w.follows {
		for term := range termSet(t.norm[w.before.start:w.before.end]) {
			w.terms[term] = true
		}
	}
	if head, ok := t.itemHead(sent, n.Start); ok && head.end <= w.before.start {
		// "• inspections on citizens' complaints by the State Labour
		// Inspectorate Service: 702 (+26) persons …; fines of 2,710,000
		// manats": what an item of a list names before its colon holds for
		// every figure of the item.
		for term := range termSet(t.norm[head.start:head.end]) {
			w.terms[term] = true
		}
	}
	leadFrom := sent.start
	if para := t.paragraph(n.Start); sent.start > para.start {
		leadFrom = t.sentence(sent.start - 2).start
	}
	w.lead = termSet(t.norm[leadFrom:w.before.start])
	own := []span{w.after}
	if !w.follows {
		own = append(own, w.before)
	}
	for _, s := range own {
		words := letters.FindAllString(fold(t.norm[s.start:s.end]), -1)
		for k := 0; k+1 < len(words); k++ {
			if !stopWords[words[k]] && !stopWords[words[k+1]] {
				w.pairs = append(w.pairs, words[k]+" "+words[k+1])
			}
		}
	}
	w.numbers = map[string]bool{}
	spans := []span{w.after}
	if !w.follows {
		spans = append(spans, w.before)
	}
	if head, ok := t.itemHead(sent, n.Start); ok && head.end <= w.before.start {
		spans = append(spans, head) // "• employment of persons under 15: three cases"
	}
	for _, s := range spans {
		for _, k := range t.numbersIn(s) {
			if reasons[k] != "" && !t.numbers[k].Change && !strings.HasPrefix(reasons[k], "part of") && !strings.HasPrefix(reasons[k], "a name") {
				w.numbers[dataset.FormatValue(t.numbers[k].Value)] = true
			}
		}
	}
	return w
}

// labelStops end the label of a figure stated as its value ("…; persons
// charged — 18"): the marks that separate the items of a list.
const labelStops = ";,(:•■"

// labelMark joins a label to its value: "Residence: the capital city, 21",
// "acts of forced labour — 1 (unchanged)".
var labelMark = regexp.MustCompile(`\s*[:,—–-]?\s*$`)

// labelled finds the label of a figure written after what it counts, as a
// list or table sets it out: a figure (with its change, written up to end)
// that nothing but marks follow up to the end of its item, after words of
// its own in the same item ("Victims referred to public unions: 71",
// "“Sails of Hope” Public Union: 9", "the capital city, 21", "court
// proceedings 66;"). The label runs back to the mark that ends the item
// before (labelStops, outside quotation marks), the previous figure, or
// the sentence's start. A figure in brackets after its noun has its own
// rule (bracketed).
func (t *Text) labelled(i, end int, reasons []string) (span, bool) {
	n := t.numbers[i]
	sent := t.sentence(n.Start)
	if t.bracketed(i) || end > sent.end {
		return span{}, false
	}
	rest := t.norm[end:sent.end]
	if k := strings.IndexAny(rest, ";,)■."); k >= 0 {
		rest = rest[:k]
	}
	if strings.IndexFunc(rest, unicode.IsLetter) >= 0 {
		return span{}, false
	}
	stop := sent.start
	for k := i - 1; k >= 0 && t.numbers[k].End > stop; k-- {
		if reasons[k] == "" && !t.numbers[k].Change {
			stop = t.numbers[k].End
			break
		}
	}
	to := n.Start
	if m := qualifierBefore.FindStringIndex(t.norm[max(to-20, stop):to]); m != nil {
		to = max(to-20, stop) + m[0] // "…: around two thousand eight hundred": the qualifier is the figure's
	}
	label := t.labelBefore(stop, to)
	if stop == sent.start && t.row(sent.start) {
		// "- young people, Ministry of Youth and Sports: 175": the only
		// figure of an item set out one a line has the item's words, back
		// to its mark, commas and all.
		whole := t.trim(span{sent.start, sent.start + len(labelMark.ReplaceAllString(t.norm[sent.start:to], ""))})
		for whole.start < whole.end && strings.ContainsRune("-–—•■*", rune(t.norm[whole.start])) {
			whole.start++
		}
		if strings.HasPrefix(t.norm[whole.start:whole.end], "•") {
			whole.start += len("•")
		}
		if w := t.trim(whole); !strings.ContainsAny(t.norm[w.start:w.end], ":;") {
			label = w
		}
	}
	words := strings.Fields(t.norm[label.start:label.end])
	if len(words) == 0 {
		return span{}, false
	}
	// A label ends in what it names ("criminal cases initiated — 16");
	// prose that ends in a preposition has the figure as its object
	// ("identity documents were arranged for 28").
	if last := strings.ToLower(words[len(words)-1]); stopWords[last] || notNoun[last] {
		return span{}, false
	}
	return label, true
}

// labelBefore is the label that ends at to, back to the mark that ends the
// item before it (labelStops) outside quotation marks and brackets, or
// stop: "Article 243 (Attraction to Prostitution)", "18-25", "“Clean World:
// Assistance to Women” Public Union". The mark joining it to its figure is
// left out.
func (t *Text) labelBefore(stop, to int) span {
	to = stop + len(labelMark.ReplaceAllString(t.norm[stop:to], ""))
	from, quoted, depth := to, false, 0
	for from > stop {
		r, size := utf8.DecodeLastRuneInString(t.norm[:from])
		switch {
		case r == '”':
			quoted = true
		case r == '“':
			quoted = false
		case r == ')' && !quoted:
			depth++
		case r == '(' && depth > 0:
			depth--
		case !quoted && depth == 0 && strings.ContainsRune(labelStops, r):
			return t.trim(span{from, to})
		}
		from -= size
	}
	return t.trim(span{from, to})
}

// figureLabel is the label of a figure written after what it counts, in a
// list or table (labelled), a list stated "respectively", or in brackets ("employees of the State
// Migration Service (seventy-eight)"), none for another figure.
func (t *Text) figureLabel(i, end int, reasons []string) (span, bool) {
	if item, ok := t.respective(i, reasons); ok {
		return item, true
	}
	if label, ok := t.labelled(i, end, reasons); ok {
		return label, true
	}
	if !t.bracketed(i) {
		return span{}, false
	}
	open := strings.LastIndexByte(t.norm[:t.numbers[i].Start], '(')
	label := t.labelBefore(t.sentence(t.numbers[i].Start).start, open)
	return label, label.start < label.end
}

var (
	// listJoin joins the items of a list: ", ", ", and ", " and ".
	listJoin = regexp.MustCompile(`\s*,\s*(?:and\s+)?|\s+and\s+`)
	// figureJoin joins the figures of a list, their changes included.
	figureJoin     = regexp.MustCompile(`^(?:\s*\([^)]*\))?(?:\s*,\s*(?:and\s+)?|\s+and\s+)$`)
	respectivelyAt = regexp.MustCompile(`^(?:\s*\([^)]*\))?\s*,?\s*respectively\b`)
)

// respective finds the item a figure of a list stated "respectively"
// counts: the k-th figure of "judges, lawyers and prosecutorial staff
// members: 39, 33 and 12 respectively" counts the k-th of the items named
// right before the figures.
func (t *Text) respective(i int, reasons []string) (span, bool) {
	sent := t.sentence(t.numbers[i].Start)
	isFigure := func(k int) bool {
		return k >= 0 && k < len(t.numbers) && reasons[k] == "" && !t.numbers[k].Change && t.numbers[k].Start >= sent.start && t.numbers[k].End <= sent.end
	}
	var run []int
	next := func(k int) int { // the figure after k, past its change
		for j := k + 1; j < len(t.numbers); j++ {
			if !t.numbers[j].Change {
				return j
			}
		}
		return -1
	}
	first := i
	for prev := i - 1; prev >= 0; prev-- {
		if t.numbers[prev].Change {
			continue
		}
		if !isFigure(prev) || !figureJoin.MatchString(t.norm[t.numbers[prev].End:t.numbers[first].Start]) {
			break
		}
		first = prev
	}
	last := first
	run = append(run, first)
	for k := next(first); isFigure(k) && figureJoin.MatchString(t.norm[t.numbers[last].End:t.numbers[k].Start]); k = next(k) {
		run = append(run, k)
		last = k
	}
	if len(run) < 2 || !respectivelyAt.MatchString(t.norm[t.numbers[last].End:sent.end]) {
		return span{}, false
	}
	from := sent.start
	to := from + len(strings.TrimRight(t.norm[from:t.numbers[first].Start], " :—–-"))
	cuts := listJoin.FindAllStringIndex(t.norm[from:to], -1)
	if len(cuts) < len(run)-1 {
		return span{}, false
	}
	// The items are the last len(run) pieces of the words before the figures.
	starts := []int{from}
	ends := []int{}
	for _, c := range cuts {
		ends = append(ends, from+c[0])
		starts = append(starts, from+c[1])
	}
	ends = append(ends, to)
	k := slices.Index(run, i)
	item := len(starts) - len(run) + k
	return t.trim(span{starts[item], ends[item]}), true
}

var (
	// shareOfThe ends a percentage said of what a count before it counts
	// ("18 percent of the callers"); percentAfter follows a percentage.
	shareOfThe   = regexp.MustCompile(`^\s*(?:per\s?cent|%)\s+of\s+(?:the|its|their)\s+\pL`)
	percentAfter = regexp.MustCompile(`^\s*(?:\([^)]*\)\s*)?(?:per\s?cent|%)`)
)

// shareOf ends a percentage said of a figure before it: "12 percent of
// them", "59 percent of the total".
var shareOf = regexp.MustCompile(`^\s*(?:per\s?cent|%)\s+of\s+(?:them|these|those|the\s+total|all|the\s+latter)\b`)

// share reports whether the figure at i, named in units, is a percentage of
// another figure its sentence states: in brackets right after it ("55
// victims (59 percent of the total)", "90 (86.5 percent)"), or said of
// "them" or "the total". The codes file's percentages are figures of their
// own (a change on a year, a share of a group), not restatements of a count.
func (t *Text) share(i int, reasons []string, units []string) bool {
	if !slices.Contains(units, "percent") {
		return false
	}
	n := t.numbers[i]
	sent := t.sentence(n.Start)
	if shareOf.MatchString(t.norm[n.End:sent.end]) && t.holdsFigure(span{sent.start, n.Start}, reasons) {
		return true
	}
	if shareOfThe.MatchString(t.norm[n.End:sent.end]) {
		// "received some 11,300 calls …; roughly 18 percent of the callers
		// were under 18": a share of what a count before it in the
		// sentence counts, unless that figure is a percentage too ("went
		// up by 38 percent …, yet just 16 percent of convictions").
		if k := t.prevFigure(i, reasons); k >= 0 {
			return !percentAfter.MatchString(t.norm[t.numbers[k].End:sent.end])
		}
	}
	open := strings.LastIndexByte(t.norm[sent.start:n.Start], '(')
	if open < 0 || strings.TrimSpace(t.norm[sent.start+open+1:n.Start]) != "" {
		return false
	}
	words := strings.Fields(t.norm[sent.start : sent.start+open])
	for k := len(words) - 1; k >= 0 && k >= len(words)-3; k-- { // "55 victims (", "90 ("
		if ns := Numbers(words[k]); len(ns) == 1 && !ns[0].Change && k == len(words)-1 || len(ns) == 1 && !ns[0].Change {
			return true
		}
	}
	return false
}

// itemHead is what an item of a list set out one a line names before its
// first colon ("• on-site inspections at construction sites by the Labour
// Relations Monitoring Centre: 34, covering 1,120 workers, …"), when the
// sentence is such an item and pos comes after the colon.
func (t *Text) itemHead(sent span, pos int) (span, bool) {
	if !t.row(sent.start) {
		return span{}, false
	}
	for _, b := range t.boundaries(sent) {
		if b.pos >= pos {
			break
		}
		if t.norm[b.pos] == ':' {
			return span{sent.start, b.pos}, true
		}
	}
	return span{}, false
}

// bracketed reports whether the figure at i stands alone in brackets after
// what it counts: "judges (forty-two)", "Türkiye (41)". Its own words are
// then those before the bracket, not an aside's. A qualifier may stand in
// the bracket too: "volunteers (at least 65)".
func (t *Text) bracketed(i int) bool {
	n := t.numbers[i]
	before := t.norm[:n.Start]
	if m := qualifierBefore.FindStringIndex(t.norm[max(n.Start-20, 0):n.Start]); m != nil {
		before = t.norm[:max(n.Start-20, 0)+m[0]] // "(at least 65)", "(about 120)"
	}
	return strings.HasSuffix(strings.TrimRight(before, " "), "(") && strings.HasPrefix(strings.TrimLeft(t.norm[n.End:], " "), ")")
}

// partOf joins a part to its whole: "86 out of 100", "61 of 1,130", "12 of
// the 40".
var partOf = regexp.MustCompile(`^\s+(?:out\s+of|of(?:\s+the)?)\s+$`)

// predicate starts what is said of the part: "were visited in their
// families", "had no employment contract".
var predicate = regexp.MustCompile(`\s(?:were|was|are|is|had|have|has|did)\s`)

// partWhole is the span of the sentence that speaks for the other figure of
// a part/whole pair, none when the figure at i is in none. "86 out of 100
// identified children … were visited": the qualifier that singles the whole
// out ("identified") is not said of the part, and what is said of the part
// ("were visited") is not said of the whole.
// When the figure is the part, whole is the whole's index, else -1.
func (t *Text) partWhole(i int, reasons []string) (skip span, whole int) {
	sent := t.sentence(t.numbers[i].Start)
	pair := func(part, whole int) (span, bool) {
		if part == whole || !partOf.MatchString(t.norm[t.numbers[part].End:t.numbers[whole].Start]) {
			return span{}, false
		}
		from := t.numbers[whole].End
		m := predicate.FindStringIndex(t.norm[from:sent.end])
		if m == nil {
			return span{}, false
		}
		return span{from + m[0], sent.end}, true
	}
	if next := t.nextFigure(i, reasons); next != i {
		if pred, ok := pair(i, next); ok {
			// The part is of the whole's kind (its head noun, the last
			// word before a preposition or the predicate), not of the
			// qualifiers that single the whole out.
			var head []span
			for _, w := range t.words(span{t.numbers[next].End, pred.start}) {
				if stopWords[strings.ToLower(t.norm[w.start:w.end])] {
					break
				}
				head = append(head, w)
			}
			if len(head) < 2 {
				return span{t.numbers[i].End, t.numbers[next].Start}, next
			}
			return span{t.numbers[i].End, head[len(head)-2].end}, next
		}
	}
	for k := i - 1; k >= 0 && t.numbers[k].Start >= sent.start; k-- {
		if reasons[k] == "" && !t.numbers[k].Change {
			if pred, ok := pair(k, i); ok {
				return pred, -1
			}
			break
		}
	}
	return span{}, -1
}

// label is the figure's own words as a name for a proposed member or
// indicator: "Russian Federation" for "6 in the Russian Federation".
func (t *Text) label(w ownWords) string {
	s := w.after
	if !letters.MatchString(t.norm[s.start:s.end]) {
		s = w.before // "… — Ministry of Health (95)": its words are before it
	}
	words := strings.Fields(strings.Trim(t.norm[s.start:s.end], " ,;:.()■•-–—"))
	for len(words) > 0 && (stopWords[strings.ToLower(words[0])] || strings.Trim(words[0], "()+-–0123456789,;") == "") {
		words = words[1:]
	}
	for len(words) > 0 && stopWords[strings.ToLower(words[len(words)-1])] {
		words = words[:len(words)-1]
	}
	return strings.Join(words[:min(len(words), 8)], " ")
}

// memberForm is a member's name or synonym as words and numbers.
type memberForm struct {
	name    string
	terms   map[string]bool
	numbers map[string]bool
}

var digitRun = regexp.MustCompile(`\d+`)

// bracketed is a name's aside: "(Labour Relations Monitoring Centre)",
// "(customs)". A report may name the member without it.
var bracketed = regexp.MustCompile(`\s*\([^)]*\)`)

// describedAs is the name a member's description gives it in brackets at
// its end: "The capital city (Baku)".
var describedAs = regexp.MustCompile(`\(([\pL][\pL\s'’-]*)\)\s*\.?$`)

func forms(m dataset.Member) []memberForm {
	var out []memberForm
	names := append([]string{m.Name}, m.Synonyms...)
	if short := bracketed.ReplaceAllString(m.Name, ""); short != m.Name && strings.TrimSpace(short) != "" {
		names = append(names, short)
	}
	if aside := describedAs.FindStringSubmatch(m.Description); aside != nil && !strings.HasPrefix(m.Description, reviewPrefix) {
		names = append(names, aside[1]) // "The capital city (Baku)": the report may name it so
	}
	for _, name := range names {
		f := memberForm{name: name, terms: termSet(name), numbers: map[string]bool{}}
		for _, d := range digitRun.FindAllStringIndex(name, -1) {
			if inWord(name, d[0], d[1]) {
				continue // "the 21st Century": a word of the name, as the text's "21st" is no figure
			}
			f.numbers[strings.TrimLeft(name[d[0]:d[1]], "0")] = true
		}
		out = append(out, f)
	}
	return out
}

// inWord reports whether s[from:to] is part of a word of letters and
// digits: the 21 of "21st".
func inWord(s string, from, to int) bool {
	before, _ := utf8.DecodeLastRuneInString(s[:from])
	after, _ := utf8.DecodeRuneInString(s[to:])
	return from > 0 && unicode.IsLetter(before) || to < len(s) && unicode.IsLetter(after)
}

// member returns the member of d the words name best and how well: all of
// a name's words and numbers, or two thirds and at least two of them, or
// exactly its numbers ("18–25" for "aged between 18 and 25"). A name in
// quotation marks must be the one the text quotes.
func (g *guesser) member(d dataset.Dimension, w ownWords) (code string, score int) {
	words := w.terms
	if len(w.shared) > 0 {
		// The words it shares with the next figure ("30 central and 69
		// local executive authorities") complete its own, but a member its
		// own words name whole ("41 judges and 16 prosecutorial staff
		// members") is its.
		if code, score = g.memberIn(d, w, w.terms, false); code != "" && score >= wholeName {
			return code, score
		}
		words = maps.Clone(w.terms)
		maps.Copy(words, w.shared)
	}
	if code, score = g.memberIn(d, w, words, false); code == "" {
		// The words before its own may complete a name its own words
		// begin: a member named in the lead clause or an earlier sentence
		// of the paragraph.
		words = maps.Clone(words)
		maps.Copy(words, w.lead)
		code, score = g.memberIn(d, w, words, true)
	}
	return code, score
}

// scatteredOverBodies are the words of a member's name the words use only
// inside the names of bodies, when no one body's name holds them all: a
// name pieced together from the names of two bodies is a coincidence of
// words ("Social Services Agency" and "Assistance Center" make no "social
// assistance"), where one body's name may well name a member ("through the
// State Employment Agency": employment).
func scatteredOverBodies(name, words map[string]bool, bodies map[string]map[string]bool) map[string]bool {
	var common map[string]bool
	in := map[string]bool{}
	for term := range name {
		b, ok := bodies[term]
		if !ok || !words[term] {
			continue
		}
		in[term] = true
		if common == nil {
			common = maps.Clone(b)
			continue
		}
		maps.DeleteFunc(common, func(code string, _ bool) bool { return !b[code] })
	}
	if len(in) < 2 || len(common) > 0 {
		return nil
	}
	return in
}

// bodyTerms are the terms of the figure's own words that occur there only
// inside the names of bodies the codes file knows, with the bodies.
func (g *guesser) bodyTerms(t *Text, w ownWords) map[string]map[string]bool {
	inside, outside := map[string]map[string]bool{}, map[string]bool{}
	spans := []span{w.after}
	if !w.follows {
		spans = append(spans, w.before)
	}
	for _, s := range spans {
		text := t.norm[s.start:s.end]
		covered := make([]string, len(text)) // the body whose name covers each byte
		for _, a := range g.agencies {
			for from := 0; ; {
				k := strings.Index(text[from:], a.name)
				if k < 0 {
					break
				}
				for j := from + k; j < from+k+len(a.name); j++ {
					covered[j] = a.code
				}
				from += k + len(a.name)
			}
		}
		for _, m := range letters.FindAllStringIndex(text, -1) {
			for term := range termSet(text[m[0]:m[1]]) {
				if code := covered[m[0]]; code != "" {
					if inside[term] == nil {
						inside[term] = map[string]bool{}
					}
					inside[term][code] = true
				} else {
					outside[term] = true
				}
			}
		}
	}
	for term := range outside {
		delete(inside, term)
	}
	return inside
}

// namesBody reports whether a member's name holds the name of a body the
// codes file knows ("Employees of the State Migration Service").
func (g *guesser) namesBody(name string) bool {
	for _, a := range g.agencies {
		if strings.Contains(name, a.name) {
			return true
		}
	}
	return false
}

// wholeName is what a member's name matched whole scores over any matched
// in part.
const wholeName = 100

// memberIn returns the member of d the words name best and how well; when
// anchored, of those one of the figure's own words names, a word no other
// member's name has (not the "persons" of "trafficking in persons").
func (g *guesser) memberIn(d dataset.Dimension, w ownWords, words map[string]bool, anchored bool) (code string, score int) {
	unique := map[string]bool{} // words of one member's names alone: "participants"
	if anchored {
		seen := map[string]int{}
		for _, m := range d.Members {
			terms := map[string]bool{}
			for _, f := range forms(m) {
				maps.Copy(terms, f.terms)
			}
			for term := range terms {
				seen[term]++
			}
		}
		for term, n := range seen {
			unique[term] = n == 1
		}
	}
	for _, m := range d.Members {
		for _, f := range forms(m) {
			if q := quotedNames(f.name); len(q) > 0 && !slices.Contains(w.quoted, q[0]) {
				continue
			}
			matchedWords, nums, own, anchor := 0, 0, 0, false
			skip := map[string]bool{}
			if !g.namesBody(f.name) {
				skip = scatteredOverBodies(f.terms, words, w.bodies)
			}
			for term := range f.terms {
				if skip[term] {
					continue // "the Assistance Center … of the Social Services Agency" names no social assistance
				}
				if words[term] {
					matchedWords++
				}
				if w.terms[term] {
					own++ // its own words weigh more than the next figure's
					anchor = anchor || unique[term]
				}
			}
			for n := range f.numbers {
				if w.numbers[n] {
					nums++
				}
			}
			matched, total := matchedWords+nums, len(f.terms)+len(f.numbers)
			ok := total > 0 && (anchor || !anchored) && (matched == total && len(f.numbers) == 0 || matched >= 2 && 5*matched >= 3*total && len(f.numbers) == 0 ||
				// Two words of the name side by side, as the name writes
				// them: "5 for forced begging" of "Criminal activities,
				// forced begging or other purposes".
				!anchored && len(f.numbers) == 0 && slices.ContainsFunc(w.pairs, func(p string) bool {
					return strings.Contains(" "+strings.Join(letters.FindAllString(fold(f.name), -1), " ")+" ", " "+p+" ")
				}) ||
				len(f.numbers) > 0 && nums == len(f.numbers) && len(f.numbers) == len(w.numbers) && matchedWords+nums > 0)
			// A name matched whole beats one matched in part ("On-site
			// inspections at construction sites" over a name whose bracketed
			// body the sentence happens to name).
			s := 2*matched - total + own
			if matched == total {
				s += wholeName
			}
			if ok && (code == "" || s > score) {
				code, score = m.Code, s
			}
		}
	}
	return code, score
}

// coordinates picks, in each dimension the indicator uses, the member the
// figure's own words name.
func (g *guesser) coordinates(indicator string, w ownWords, dims []dataset.Dimension) ([]dataset.Coordinate, map[string]bool) {
	var out []dataset.Coordinate
	spelt := map[string]bool{}
	for _, d := range g.allowed(indicator, dims) {
		m, _ := g.member(d, w)
		if m == "" {
			m = g.learnedMember(indicator, d.Code, w) // "4 (+1) human traffickers", as last year's quote named them
		}
		if m != "" {
			out = append(out, dataset.Coordinate{Dimension: d.Code, Member: m})
			spelt[d.Code] = true
		}
	}
	sortCoordinates(out)
	return out, spelt
}

// leadMember is, for an indicator the codes file only ever breaks down and
// by one short dimension (work permits issued or extended), the member of
// that dimension whose own word (one no other member's name has) the
// figure's own words use, else the one whose word stands nearest before the
// figure in its sentence, else nearest after it: "Work
// permits were issued … to 4,380 foreign nationals and extended for
// 5,240". "" when its sentence names none.
func (g *guesser) leadMember(t *Text, f *figure, dims []dataset.Dimension) (string, string) {
	used := g.dims[f.obs.Indicator]
	if len(used) != 1 || g.totals[f.obs.Indicator] > 0 {
		return "", ""
	}
	i := slices.IndexFunc(dims, func(d dataset.Dimension) bool { return d.Code == used[0] })
	if i < 0 || len(dims[i].Members) > leadMembers {
		return "", ""
	}
	seen := map[string]int{}
	terms := make([]map[string]bool, len(dims[i].Members))
	for k, m := range dims[i].Members {
		terms[k] = map[string]bool{}
		for _, form := range forms(m) {
			maps.Copy(terms[k], form.terms)
		}
		for term := range terms[k] {
			seen[term]++
		}
	}
	names := func(word span) string {
		for term := range termSet(t.norm[word.start:word.end]) {
			for k, m := range dims[i].Members {
				if seen[term] == 1 && terms[k][term] && !isProposed(m.Code) {
					return m.Code
				}
			}
		}
		return ""
	}
	n := t.numbers[f.index]
	sent := t.sentence(n.Start)
	for _, s := range []span{f.own.before, f.own.after} {
		for _, w := range t.words(s) {
			if m := names(w); m != "" {
				return m, used[0] // its own words first: "… 3,400 brochures were given to the seminar participants"
			}
		}
	}
	before := t.words(span{sent.start, n.Start})
	for k := len(before) - 1; k >= 0; k-- {
		if m := names(before[k]); m != "" {
			return m, used[0]
		}
	}
	for _, w := range t.words(span{n.End, sent.end}) {
		if m := names(w); m != "" {
			return m, used[0]
		}
	}
	return "", ""
}

// leadMembers is how many members a dimension may have for its member to be
// read off the lead clause: a choice of two or three (issued or extended,
// on-site or on complaints), not a list of audiences.
const leadMembers = 3

func sortCoordinates(cs []dataset.Coordinate) {
	sort.Slice(cs, func(a, b int) bool { return cs[a].Dimension < cs[b].Dimension })
}

// allowed lists the dimensions a figure of the indicator may be broken down
// by: those its observations use in the codes file, or all when it has none.
func (g *guesser) allowed(indicator string, dims []dataset.Dimension) []dataset.Dimension {
	used, ok := g.dims[indicator]
	if !ok {
		return dims
	}
	var out []dataset.Dimension
	for _, d := range dims {
		if slices.Contains(used, d.Code) {
			out = append(out, d)
		}
	}
	return out
}

// guess classifies the figure at index i (written up to end, its change
// included): indicator by the words of its sentence, members by its own
// words, agency by the body named.
func (g *guesser) guess(t *Text, f *figure, end int, reasons []string, dims []dataset.Dimension, publisher string) {
	n := t.numbers[f.index]
	f.own = t.own(f.index, end, reasons)
	if verb := g.subjectOfOtherKind(t, f.index, f.own); verb >= 0 {
		// "Criminal cases on trafficking in persons and forced labour
		// identified 93 (+2) victims": the subject that did the counting
		// is another kind of thing than the figure counts, and its words
		// (forced labour) are not the figure's members.
		f.own = t.ownFrom(f.index, end, reasons, verb)
	}
	f.own.numbers = f.ownNumbers()
	f.own.bodies = g.bodyTerms(t, f.own)
	_, whole := t.partWhole(f.index, reasons)
	f.ranked = g.rankFigure(t, f.index, end, reasons)
	g.favourNamedMembers(f, dims)
	f.kinds, _ = g.countedKinds(t, f.index, reasons)
	if whole >= 0 && len(f.ranked) > 1 && f.ranked[1].score > 0 {
		// A part and its whole are counted by different indicators: where
		// both fit one best, the one whose second guess fits it nearer
		// takes the second.
		w := t.numbers[whole]
		wr := g.rankFigure(t, whole, w.End, reasons)
		if wr[0].index == f.ranked[0].index && wr[0].score > 0 && f.ranked[1].score/f.ranked[0].score > wr[1].score/wr[0].score {
			f.notes = append(f.notes, fmt.Sprintf("a part of the figure %s, which %s counts", w.Text, g.indicators[wr[0].index].Code))
			f.ranked = append(f.ranked[1:], f.ranked[0])
		}
	}
	if len(f.ranked) > 1 && f.ranked[0].score > 0 {
		// Indicators of one kind that fit nearly as well: the one whose own
		// name's words, those the best guess's name lacks, its own words use
		// more ("Vocational guidance was given to 70 children …": guidance
		// given, not children referred).
		best, a := 0, g.named[f.ranked[0].index]
		for k := 1; k < len(f.ranked) && f.ranked[k].score >= closeRival*f.ranked[0].score; k++ {
			if kind(g.indicators[f.ranked[k].index]) != kind(g.indicators[f.ranked[0].index]) {
				continue
			}
			b := g.named[f.ranked[k].index]
			if distinct(b, a, f.own.terms) > distinct(a, b, f.own.terms) && (best == 0 || distinct(b, a, f.own.terms) > distinct(g.named[f.ranked[best].index], a, f.own.terms)) {
				best = k
			}
		}
		if best == 0 && !g.nameWhole(f.ranked[0].index, f.own.terms) {
			// "criminal cases initiated — 16": of indicators of one kind that
			// fit as well, the one whose very name the figure's own words
			// are, not one whose longer name they only begin.
			for k := 1; k < len(f.ranked) && f.ranked[k].score >= closeRival*f.ranked[0].score; k++ {
				if kind(g.indicators[f.ranked[k].index]) == kind(g.indicators[f.ranked[0].index]) && g.nameWhole(f.ranked[k].index, f.own.terms) {
					best = k
					break
				}
			}
		}
		if best > 0 {
			f.notes = append(f.notes, fmt.Sprintf("%s's own words fit its words better than %s's", g.indicators[f.ranked[best].index].Code, g.indicators[f.ranked[0].index].Code))
			f.ranked[0], f.ranked[best] = f.ranked[best], f.ranked[0]
		}
	}
	if prev := t.prevFigure(f.index, reasons); whole < 0 && prev >= 0 && len(f.ranked) > 1 && f.ranked[1].score > 0 {
		// The whole of a part before it ("legal assistance to 13 of the 63
		// referred victims"): the same rule from the whole's side.
		if _, w := t.partWhole(prev, reasons); w == f.index {
			pr := g.rankFigure(t, prev, t.numbers[prev].End, reasons)
			if pr[0].index == f.ranked[0].index && pr[0].score > 0 && len(pr) > 1 && f.ranked[1].score/f.ranked[0].score > pr[1].score/pr[0].score {
				f.notes = append(f.notes, fmt.Sprintf("the whole of the figure %s, which %s counts", t.numbers[prev].Text, g.indicators[pr[0].index].Code))
				f.ranked = append(f.ranked[1:], f.ranked[0])
			}
		}
	}
	f.share = t.share(f.index, reasons, g.unitsAfter(t, n.End))
	if label, ok := t.labelled(f.index, end, reasons); ok && t.nextFigure(f.index, reasons) == f.index && !t.holdsFigure(span{t.sentence(n.Start).start, n.Start}, reasons) {
		// Alone in its item: a kind of figure, not a member of a list.
		if words := labelWords(t.norm[label.start:label.end]); words != "" {
			if head, _ := nounPhrase(words); head != "" && !g.vocabulary[head] {
				f.unknownLabel = strings.Fields(words)[0]
			}
		}
	}
	best := f.ranked[0]
	f.obs.Indicator = g.indicators[best.index].Code
	f.obs.Coordinates, f.spelt = g.coordinates(f.obs.Indicator, f.own, dims)
	f.notes = append(f.notes, fmt.Sprintf("indicator guessed from the words %q", strings.Join(best.because, ", ")))
	switch {
	case best.score == 0:
		f.notes[0] = "no word around the figure names an indicator: the indicator is a placeholder"
		f.doubts = append(f.doubts, doubt{1, "no word names an indicator"})
	case len(f.ranked) > 1:
		margin := (best.score - f.ranked[1].score) / best.score
		if d := 0.7 * (1 - margin/0.5); d > 0 {
			f.doubts = append(f.doubts, doubt{d, "indicator " + g.indicators[f.ranked[1].index].Code + " fits nearly as well"})
		}
	}
	if len(f.obs.Coordinates) > 0 {
		f.notes = append(f.notes, fmt.Sprintf("breakdown from its own words %q", strings.TrimSpace(t.norm[f.own.before.start:f.own.before.end]+" … "+t.norm[f.own.after.start:f.own.after.end])))
	}
	f.obs.Agency, f.agencyNote = g.agency(t, n.Start, publisher)
	f.byPublisher = f.obs.Agency == publisher && !strings.HasPrefix(f.agencyNote, "agency from")
}

// nameWhole reports whether the words use every word of the name of the
// indicator at index i.
func (g *guesser) nameWhole(i int, words map[string]bool) bool {
	name := termSet(g.indicators[i].Name)
	for w := range name {
		if !words[w] {
			return false
		}
	}
	return len(name) > 0
}

// activeVerb ends the words before a figure that is the object of its
// clause's verb: "Criminal cases on … identified 93 (+2) victims".
var activeVerb = regexp.MustCompile(`\S\s+(\pL+ed)\s+$`)

// subjectOfOtherKind is where the verb starts when the figure at i is the
// object of its clause's verb (activeVerb), names a noun of its own, and
// the subject before the verb is counted by the codes file, by kinds none
// of which the figure's noun is counted by; -1 otherwise.
func (g *guesser) subjectOfOtherKind(t *Text, i int, w ownWords) int {
	if w.follows {
		return -1
	}
	n := t.numbers[i]
	before := t.norm[w.before.start:n.Start]
	m := activeVerb.FindStringSubmatchIndex(before)
	if m == nil {
		return -1
	}
	noun := countedNoun(t.norm[n.End:t.sentence(n.Start).end])
	if aside := leadingAside.FindString(t.norm[n.End:]); aside != "" {
		noun = countedNoun(t.norm[n.End+len(aside) : t.sentence(n.Start).end])
	}
	subject := g.counts[subjectNoun(before[:m[2]])]
	if len(g.counts[noun]) == 0 || len(subject) == 0 {
		return -1
	}
	for k := range g.counts[noun] {
		if subject[k] {
			return -1
		}
	}
	return w.before.start + m[2]
}

// prevFigure is the figure before the one at i in its sentence, -1 for none.
func (t *Text) prevFigure(i int, reasons []string) int {
	sent := t.sentence(t.numbers[i].Start)
	for k := i - 1; k >= 0 && t.numbers[k].Start >= sent.start; k-- {
		if reasons[k] == "" && !t.numbers[k].Change {
			return k
		}
	}
	return -1
}

// closeRival is how near the second guess's score must come to the first's
// for their own names to decide between them.
const closeRival = 0.8

// distinct counts the words of a's name that b's lacks and words has.
func distinct(a, b, words map[string]bool) int {
	n := 0
	for w := range a {
		if !b[w] && words[w] {
			n++
		}
	}
	return n
}

// memberWeight is how much more likely an indicator is when the figure's own
// words name a member of a dimension it is broken down by, whole.
const memberWeight = 1.5

// favourNamedMembers raises the indicators broken down by a dimension whose
// member the figure's own words name whole, or by its numbers alone ("employment of persons under
// 15: three cases": a labour violation, so cases of labour violations, not
// criminal cases).
func (g *guesser) favourNamedMembers(f *figure, dims []dataset.Dimension) {
	named := map[string]bool{}
	for _, d := range dims {
		if code, score := g.memberIn(d, f.own, f.own.terms, false); score >= wholeName || code != "" && namedByNumbers(d, code, f.own.numbers) {
			named[d.Code] = true
		}
	}
	for k := range f.ranked {
		for _, dim := range g.dims[g.indicators[f.ranked[k].index].Code] {
			if named[dim] || g.learnedMember(g.indicators[f.ranked[k].index].Code, dim, f.own) != "" {
				f.ranked[k].score *= memberWeight
				break
			}
		}
	}
	sort.SliceStable(f.ranked, func(a, b int) bool { return f.ranked[a].score > f.ranked[b].score })
}

// namedByNumbers reports whether the member is one of a numbered
// dimension whose numbers are exactly the figure's own ("22 percent above
// its 2019 level": compared with 2019), which names it as surely as its
// name whole.
func namedByNumbers(d dataset.Dimension, code string, numbers map[string]bool) bool {
	m, ok := d.Member(code)
	if !ok || !numbered(d) || len(numbers) == 0 {
		return false
	}
	return slices.ContainsFunc(forms(m), func(f memberForm) bool { return maps.Equal(f.numbers, numbers) })
}

// rankFigure ranks the indicators for the figure at i, written up to end:
// by the words of its context, and by the kinds of figure its counted words
// allow (countedKinds).
func (g *guesser) rankFigure(t *Text, i, end int, reasons []string) []scored {
	n := t.numbers[i]
	skip, _ := t.partWhole(i, reasons)
	ranked := g.rank(t.context(n.Start, end, skip, t.laterWords(i, end, reasons)), g.unitsAfter(t, end))
	kinds, phrase := g.countedKinds(t, i, reasons)
	g.favour(ranked, phrase)
	g.ruleOut(ranked, kinds)
	return ranked
}

// laterWords is where the words of the next figure of the sentence start,
// which say what that figure counts rather than this one ("on 36 occasions
// and checked 1,340 workers", "the births of 27 children were registered,
// and the parents of 51 children received legal assistance"): the next
// figure's own words, or the end of this one's if later. A figure's whole
// ("57 of 1,002 workers") and a figure sharing this one's noun ("30 central
// and 69 local executive authorities") speak for it too.
func (t *Text) laterWords(i, end int, reasons []string) int {
	sent := t.sentence(t.numbers[i].Start)
	from := i
	if _, whole := t.partWhole(i, reasons); whole >= 0 {
		from = whole
	}
	next := t.nextFigure(from, reasons)
	if next == from || elliptic.MatchString(t.norm[end:t.numbers[next].Start]) {
		return sent.end
	}
	return max(t.own(i, end, reasons).after.end, t.own(next, t.numbers[next].End, reasons).before.start)
}

// quantityVerb ends the words before a figure stated as what its subject
// amounts to: "Criminal cases initiated on these facts numbered 13",
// "the number of identified victims stood at 84", "Offences committed
// using information technologies: 37".
var quantityVerb = regexp.MustCompile(`(?i)(?:\b(?:numbered|totall?ed|amounted\s+to|stood\s+at|came\s+to|reached)|:)\s*$`)

// ofHead is the noun a figure is the complement of: "the births of 27
// children", "the parents of 51 children", "the children of five victims".
var ofHead = regexp.MustCompile(`(\pL+)\s+of\s+(?:the\s+)?$`)

// countedKinds are the kinds of figure (unit and theme) what the figure at i
// counts may be, from the codes file's use of its counted noun, nil when the
// codes file counts none of them. The counted noun is the head of the words
// right after the figure (the whole's for a part: "86 out of 100 identified
// children"); where they name none, the subject of a figure stated as what
// it amounts to ("Criminal cases … numbered 13"), else what the figure
// before it in its sentence counts ("121 children …; 77 of them were
// visited …, 6 were placed in the shelter": children, not visits). A figure
// that is the complement of a noun ("the births of 27 children") may count
// either. It returns the key of the noun phrase right after the figure too,
// "" for none or one word.
func (g *guesser) countedKinds(t *Text, i int, reasons []string) (map[string]bool, string) {
	n := t.numbers[i]
	sent := t.sentence(n.Start)
	nounAt := n.End
	if _, whole := t.partWhole(i, reasons); whole >= 0 {
		nounAt = t.numbers[whole].End
	}
	var kinds map[string]bool
	before := t.norm[sent.start:n.Start]
	noun, phrase := nounPhrase(t.norm[nounAt:sent.end])
	if label, ok := t.figureLabel(i, n.End, reasons); ok && noun == "" {
		// "criminal cases initiated — 16 (+1)", "employees of the State
		// Migration Service (seventy-eight)": the label's noun is counted.
		noun, phrase = nounPhrase(labelWords(t.norm[label.start:label.end]))
	}
	switch {
	case len(g.counts[phrase]) > 0:
		kinds = g.counts[phrase] // "case of forced labour": an offence, not a criminal case
	case noun != "":
		kinds = g.counts[noun]
	case quantityVerb.MatchString(before) && !t.holdsFigure(span{t.clauseStart(sent, sent.start+quantityVerb.FindStringIndex(before)[0]), n.Start}, reasons):
		verb := sent.start + quantityVerb.FindStringIndex(before)[0]
		kinds = g.counts[subjectNoun(t.norm[t.clauseStart(sent, verb):verb])]
	case ofTheNoun.MatchString(t.norm[n.End:sent.end]) && len(g.counts[countedNoun(ofTheNoun.FindStringSubmatch(t.norm[n.End:sent.end])[1])]) > 0:
		// "home to 23 of the victims", "on 17 (+2) of these facts": the
		// figure counts the noun it is a part of.
		kinds = g.counts[countedNoun(ofTheNoun.FindStringSubmatch(t.norm[n.End:sent.end])[1])]
	case passiveClause(t.norm[t.clauseStart(sent, n.Start):n.Start]) && !t.holdsFigure(span{t.clauseStart(sent, n.Start), n.Start}, reasons) &&
		len(g.counts[subjectNoun(t.norm[t.clauseStart(sent, n.Start):n.Start])]) > 0:
		// "Criminal cases were opened on 17 (+2) of these facts": a figure
		// naming no noun of its own in a passive clause counts its subject.
		kinds = g.counts[subjectNoun(t.norm[t.clauseStart(sent, n.Start):n.Start])]
	default:
		from := sent.start
		if saidOfStart.MatchString(t.norm[n.End:sent.end]) && strings.TrimSpace(t.norm[sent.start:n.Start]) == "" {
			// "… 102 victims … . Ninety-four were women": a figure opening
			// its sentence with what is said of it counts what the figure
			// before it in its paragraph counts.
			from = t.paragraph(n.Start).start
		}
		for k := i - 1; k >= 0 && t.numbers[k].Start >= from; k-- {
			if reasons[k] == "" && !t.numbers[k].Change {
				kinds, _ := g.countedKinds(t, k, reasons)
				return kinds, ""
			}
		}
	}
	if m := ofHead.FindStringSubmatch(before); m != nil && len(kinds) > 0 && !stopWords[strings.ToLower(m[1])] {
		for term := range termSet(m[1]) {
			if len(g.counts[term]) > 0 {
				kinds = maps.Clone(kinds)
				maps.Copy(kinds, g.counts[term])
			}
		}
	}
	return kinds, phrase
}

// passiveClause reports whether a clause states what was done to its
// subject: "Criminal cases were opened on …".
func passiveClause(clause string) bool {
	return passive.MatchString(clause)
}

var passive = regexp.MustCompile(`(?i)^\s*\pL[\pL\s-]*\s(?:were|was)\s+\pL+ed\b`)

// ofTheNoun is the noun a figure is a part of: "23 of the victims".
var ofTheNoun = regexp.MustCompile(`^\s*(?:\([^)]*\)\s*)?of\s+(?:the|these|those)\s+(\pL+)`)

// saidOfStart opens what is said of a figure: "Ninety-four were women".
var saidOfStart = regexp.MustCompile(`^\s(?:were|was|are|is|had|have)\s`)

// holdsFigure reports whether a figure is written inside s: "assisted 95
// victims: 61 in court …" lists the parts of 95, not what 61 amounts to.
func (t *Text) holdsFigure(s span, reasons []string) bool {
	for _, k := range t.numbersIn(s) {
		if reasons[k] == "" && !t.numbers[k].Change {
			return true
		}
	}
	return false
}

// clauseStart is where the clause holding pos starts in the sentence.
func (t *Text) clauseStart(sent span, pos int) int {
	start := sent.start
	for _, b := range t.boundaries(sent) {
		if b.pos < pos {
			start = b.end
		}
	}
	return start
}

// subjectNoun is the counted noun of a clause's subject: the head of its
// first noun phrase, past the words that only introduce it ("In 2025 the
// number of identified victims" → "victim").
func subjectNoun(clause string) string {
	return countedNoun(subjectWords(clause))
}

// labelWords are a label's words from its noun phrase on, past its marks,
// articles and a joining "and"; "" when it starts with a preposition
// instead ("and within the country 3": a place, a member, not what is
// counted).
func labelWords(label string) string {
	words := strings.Fields(label)
	for len(words) > 0 {
		lw := strings.ToLower(words[0])
		if letters.FindString(lw) != "" && lw != "and" && lw != "the" && lw != "a" && lw != "an" {
			break
		}
		words = words[1:]
	}
	if len(words) == 0 || stopWords[strings.ToLower(words[0])] || notNoun[strings.ToLower(words[0])] {
		return ""
	}
	return strings.Join(words, " ")
}

// subjectWords are a clause's words from its first noun phrase on.
func subjectWords(clause string) string {
	words := strings.Fields(clause)
	for len(words) > 0 {
		lw := strings.ToLower(strings.Trim(words[0], ",;:()"))
		if !stopWords[lw] && !introducing[lw] && letters.FindString(lw) == lw && !strings.HasSuffix(lw, "ed") {
			break
		}
		words = words[1:]
	}
	return strings.Join(words, " ")
}

// introducing are the words that name a quantity rather than what it
// counts: "the number of victims", "a total of 88".
var introducing = map[string]bool{"number": true, "total": true, "amount": true}

// unknownPhrase reports whether every word of the noun phrase right after
// the figure ("40 beds for …") is unknown to the codes file: a new kind of
// figure rather than a new way of writing a known one.
func (g *guesser) unknownPhrase(t *Text, f *figure) (string, bool) {
	words := strings.Fields(t.norm[f.own.after.start:f.own.after.end])
	var phrase []string
	for _, w := range words {
		lw := strings.ToLower(strings.Trim(w, ",.;:()“”\""))
		if lw == "" || stopWords[lw] || !letters.MatchString(lw) || len(letters.FindString(lw)) != len(lw) {
			break
		}
		phrase = append(phrase, lw)
	}
	if len(phrase) == 0 {
		return "", false
	}
	for term := range termSet(phrase...) {
		if g.vocabulary[term] {
			return "", false
		}
	}
	return strings.Join(phrase, " "), true
}

// lists reads each sentence's run of figures of one indicator together (a
// list set out one item a line, with the line that leads into it, is one):
// members carried over from the item before, members proposed where an item
// names none in the dimension the list varies in, indicators proposed for
// figures of a kind the codes file does not know.
func (d *Draft) lists(t *Text, g *guesser, figs []*figure) {
	d.newNamedMembers(t, g, figs)
	partsOfWhole(t, g, figs, d.Codes.Dimensions)
	sentenceMajority(t, g, figs, d.Codes.Dimensions)
	for start := 0; start < len(figs); {
		end := start + 1
		sent := t.sentence(t.numbers[figs[start].index].Start)
		para := t.paragraph(sent.start)
		for end < len(figs) && figs[end].obs.Indicator == figs[start].obs.Indicator {
			// A list set out one item a line goes on over its lines.
			next := t.sentence(t.numbers[figs[end].index].Start)
			if next != sent && !(t.row(next.start) && t.paragraph(next.start) == para) {
				break
			}
			sent = next
			end++
		}
		run := figs[start:end]
		for _, f := range run {
			d.proposeNumbered(t, g, f)
			d.proposeNamedDimension(t, g, f)
			switch {
			case f.share && !isProposed(f.obs.Indicator):
				d.newIndicator(g, f, "share "+t.label(f.own), 1, "a percentage of a figure the text states, which no percentage of the codes file is")
			case f.unknownLabel != "" && !isProposed(f.obs.Indicator):
				d.newIndicator(g, f, f.unknownLabel, 1, fmt.Sprintf("the codes file never counts %q", f.unknownLabel))
			}
		}
		if len(run) == 1 {
			d.proposeIndicator(t, g, run[0])
		} else {
			d.readList(t, g, run)
		}
		start = end
	}
	d.listMajority(t, g, figs)
	d.yearMembers(t, figs)
	carryContext(t, g, figs, d.Codes.Dimensions)
	for _, f := range figs {
		// What neither its own words nor its list or paragraph gave it: a
		// member of a short code list its sentence names.
		if len(f.obs.Coordinates) == 0 && !isProposed(f.obs.Indicator) {
			sent := t.sentence(t.numbers[f.index].Start)
			if m, dim := g.leadMember(t, f, d.Codes.Dimensions); m != "" && !slices.ContainsFunc(figs, func(e *figure) bool {
				// A member a figure of its sentence names is that figure's:
				// "66 children … received vocational guidance, resulting in
				// 15 being referred to Regional Employment Branches".
				return e != f && e.obs.Indicator == f.obs.Indicator && e.spelt[dim] && member(e.obs.Coordinates, dim) == m && t.sentence(t.numbers[e.index].Start) == sent
			}) {
				d.setMember(f, dim, m)
				f.notes = append(f.notes, fmt.Sprintf("%s from the word of its sentence nearest to it", dim))
				f.doubts = append(f.doubts, doubt{0.3, dim + " from a word of its sentence"})
			}
		}
	}
}

// sentenceMajority files the one figure of a sentence whose other figures
// (two at least) are all of one known indicator under that indicator, when
// it names no noun the codes file counts and is no whole of a part: an item
// of a list written in running text ("As to age, 3 were younger than 18, 15
// were 18 to 25 years old, …", "… 110; kindergarten teachers … 175") is one
// more of the list, with the list's member proposed for it, not a figure of
// whatever indicator a word of its own ("age", "teachers") suggests.
func sentenceMajority(t *Text, g *guesser, figs []*figure, dims []dataset.Dimension) {
	for start := 0; start < len(figs); {
		sent := t.sentence(t.numbers[figs[start].index].Start)
		end := start + 1
		for end < len(figs) && t.sentence(t.numbers[figs[end].index].Start) == sent {
			end++
		}
		run := figs[start:end]
		start = end
		if len(run) < 3 {
			continue
		}
		count := map[string]int{}
		for _, f := range run {
			count[f.obs.Indicator]++
		}
		if len(count) != 2 {
			continue
		}
		for _, odd := range run {
			major := ""
			for ind, n := range count {
				if ind != odd.obs.Indicator && n == len(run)-1 {
					major = ind
				}
			}
			k := slices.IndexFunc(g.indicators, func(i dataset.Indicator) bool { return i.Code == major })
			if k < 0 || odd.kinds != nil || odd.share {
				continue
			}
			if paired(t, run, odd) {
				continue
			}
			odd.notes = append(odd.notes, fmt.Sprintf("the other figures of its sentence are %s", major))
			odd.obs.Indicator, odd.unknownLabel = major, ""
			if r := slices.IndexFunc(odd.ranked, func(r scored) bool { return r.index == k }); r > 0 {
				odd.ranked[0], odd.ranked[r] = odd.ranked[r], odd.ranked[0]
			}
			odd.obs.Coordinates, odd.spelt = g.coordinates(major, odd.own, dims)
			odd.doubts = append(odd.doubts, doubt{0.4, "indicator from the other figures of its sentence"})
		}
	}
}

// paired reports whether the figure is the part or the whole of a part and
// its whole written side by side in its run ("13 of the 63 referred
// victims").
func paired(t *Text, run []*figure, f *figure) bool {
	k := slices.Index(run, f)
	for _, j := range []int{k - 1, k} {
		if j >= 0 && j+1 < len(run) && partOf.MatchString(t.norm[t.numbers[run[j].index].End:t.numbers[run[j+1].index].Start]) {
			return true
		}
	}
	return false
}

// carryContext gives a figure that names no member of its own the members
// a figure of another indicator around it names (before it in the
// paragraph, or after it in the sentence), in the
// dimensions its indicator is broken down by: "During 30 on-site
// inspections …, 57 of 1,002 workers …; fines of 105,000 manats …" are all
// of the on-site inspections.
func carryContext(t *Text, g *guesser, figs []*figure, dims []dataset.Dimension) {
	for k, f := range figs {
		if len(f.obs.Coordinates) > 0 || isProposed(f.obs.Indicator) {
			continue
		}
		if _, known := g.dims[f.obs.Indicator]; !known {
			continue
		}
		para := t.paragraph(t.numbers[f.index].Start)
		sent := t.sentence(t.numbers[f.index].Start)
		// The nearest figure lends first; a member is lent only beside
		// members of dimensions the codes file breaks the indicator down by
		// together with its own ("fines of 5,000 manats" for employment of
		// children under 15 are no fines of the complaint inspections
		// the paragraph began with).
		for _, j := range contextOrder(t, figs, k, para, sent) {
			src := figs[j]
			if src.obs.Indicator == f.obs.Indicator {
				continue
			}
			for _, dim := range g.allowed(f.obs.Indicator, dims) {
				m := member(src.obs.Coordinates, dim.Code)
				if m == "" || !src.spelt[dim.Code] || src.listDim == dim.Code || member(f.obs.Coordinates, dim.Code) != "" ||
					slices.ContainsFunc(f.obs.Coordinates, func(c dataset.Coordinate) bool { return !g.combined[f.obs.Indicator][c.Dimension+"|"+dim.Code] }) {
					continue
				}
				f.obs.Coordinates = append(f.obs.Coordinates, dataset.Coordinate{Dimension: dim.Code, Member: m})
				f.notes = append(f.notes, fmt.Sprintf("%s from the figure %s before it in the paragraph", dim.Code, dataset.FormatValue(src.obs.Value)))
				f.doubts = append(f.doubts, doubt{0.4, dim.Code + " from the paragraph's context"})
			}
		}
		sortCoordinates(f.obs.Coordinates)
	}
}

// proposeNumbered proposes a member for a figure whose own words hold
// numbers (years, ages) in a dimension of numbered members the indicator is
// broken down by, when they name none of its members: "82 were exploited
// between 2016 and 2024" beside the members 2015–2023 and 2024. The year the
// figure's period comes from is no member.
func (d *Draft) proposeNumbered(t *Text, g *guesser, f *figure) {
	used := g.dims[f.obs.Indicator]
	numbers := maps.Clone(f.own.numbers)
	delete(numbers, strconv.Itoa(f.obs.Period.Start))
	if len(numbers) == 0 {
		return
	}
	for _, dim := range d.Codes.Dimensions {
		if !slices.Contains(used, dim.Code) || f.spelt[dim.Code] || !numbered(dim) || yearsIn(numbers) != yearsIn(memberNumbers(dim)) {
			continue
		}
		label := t.label(f.own)
		d.setMember(f, dim.Code, d.propose(dim.Code, label, f.obs.Source.Quote))
		f.spelt[dim.Code] = true
		f.notes = append(f.notes, fmt.Sprintf("its numbers name no %s member: proposed %q", dim.Code, label))
		f.doubts = append(f.doubts, doubt{0.7, "proposed new " + dim.Code + " member"})
		return
	}
}

// proposeNamedDimension proposes a member for a figure whose own words name
// a dimension its indicator is broken down by (every word of the
// dimension's name, or a word it begins: "citizens" of "Citizenship") but
// none of its members: "the other four were citizens of Georgia".
func (d *Draft) proposeNamedDimension(t *Text, g *guesser, f *figure) {
	if isProposed(f.obs.Indicator) {
		return
	}
	for _, dim := range d.Codes.Dimensions {
		if !slices.Contains(g.dims[f.obs.Indicator], dim.Code) || f.spelt[dim.Code] || member(f.obs.Coordinates, dim.Code) != "" {
			continue
		}
		name := termSet(dim.Name)
		all := len(name) > 0
		for term := range name {
			all = all && slices.ContainsFunc(slices.Collect(maps.Keys(f.own.terms)), func(own string) bool {
				return own == term || len(own) >= 5 && strings.HasPrefix(term, own)
			})
		}
		if !all {
			continue
		}
		label := t.label(f.own)
		if label == "" {
			continue
		}
		d.setMember(f, dim.Code, d.propose(dim.Code, label, f.obs.Source.Quote))
		f.spelt[dim.Code] = true
		f.notes = append(f.notes, fmt.Sprintf("its words name %s but no member of it: proposed %q", dim.Code, label))
		f.doubts = append(f.doubts, doubt{0.7, "proposed new " + dim.Code + " member"})
		return
	}
}

// yearsIn reports whether the numbers are years (or the most of them are).
func yearsIn(numbers map[string]bool) bool {
	years := 0
	for n := range numbers {
		if y, err := strconv.Atoi(n); err == nil && y >= 1900 && y <= 2100 {
			years++
		}
	}
	return 2*years > len(numbers)
}

func memberNumbers(d dataset.Dimension) map[string]bool {
	out := map[string]bool{}
	for _, m := range d.Members {
		for _, f := range forms(m) {
			maps.Copy(out, f.numbers)
		}
	}
	return out
}

// numbered reports whether every known member of d is named by numbers
// (a member the draft proposed may not be).
func numbered(d dataset.Dimension) bool {
	for _, m := range d.Members {
		if !digitRun.MatchString(m.Name) && !isProposed(m.Code) {
			return false
		}
	}
	return true
}

// readList carries and proposes members in a run of figures of one
// indicator in one sentence.
func (d *Draft) readList(t *Text, g *guesser, run []*figure) {
	members := map[string]map[string]bool{} // dimension → members its items name
	for _, f := range run {
		for _, c := range f.obs.Coordinates {
			if members[c.Dimension] == nil {
				members[c.Dimension] = map[string]bool{}
			}
			members[c.Dimension][c.Member] = true
		}
	}
	maxValue := run[1].obs.Value
	for _, f := range run[1:] {
		if f.obs.Value.GreaterThan(maxValue) {
			maxValue = f.obs.Value
		}
	}
	// The list varies in the dimension most of its items name a member of
	// (two different ones at least); the other dimensions an item names
	// hold for the items after it that do not restate them.
	listDim, most := "", 1
	for _, dim := range slices.Sorted(maps.Keys(members)) {
		count := 0
		for _, f := range run {
			if f.spelt[dim] {
				count++
			}
		}
		if count > most && len(members[dim]) >= 2 {
			listDim, most = dim, count
		}
	}
	varies := listDim // the dimension the list varies in at this item
	for k, f := range run {
		f.listDim = listDim
		d.dropHomonyms(f, listDim)
		d.dropHomonymsByName(f)
		if k == 0 && len(f.obs.Coordinates) == 0 && f.obs.Value.GreaterThan(maxValue) {
			continue // the list's total: "Of the 97 victims, 57 … 30 …"
		}
		if switched := f.switchedDim(varies, members); switched != "" && slices.ContainsFunc(run[:k], func(e *figure) bool { return e.spelt[varies] }) {
			// "Ninety-four were women and eight were men; 99 were citizens
			// of Azerbaijan and three were foreign nationals": from here
			// on the list goes on in citizenship, not in sex.
			varies = switched
			continue
		}
		if varies != "" && !f.spelt[varies] {
			if label := t.label(f.own); label != "" {
				d.setMember(f, varies, d.propose(varies, label, f.obs.Source.Quote))
				f.notes = append(f.notes, fmt.Sprintf("its list varies in %s and it names no known member: proposed %q", varies, label))
				f.doubts = append(f.doubts, doubt{0.7, "proposed new " + varies + " member"})
			}
		}
		if k == 0 || len(f.obs.Coordinates) == 0 {
			continue
		}
		for _, c := range run[k-1].obs.Coordinates {
			if c.Dimension != listDim && member(f.obs.Coordinates, c.Dimension) == "" {
				d.setMember(f, c.Dimension, c.Member)
				f.notes = append(f.notes, fmt.Sprintf("%s carried over from the figure before it in the list", c.Dimension))
				f.doubts = append(f.doubts, doubt{0.3, c.Dimension + " carried over from the list"})
			}
		}
	}
}

// yearMembers gives a figure whose own words name only the year of its
// period ("Seventy had been exploited between 2016 and 2024, and fourteen in
// 2025", "…; the other 21 were exploited during 2025 only") a member of the
// dimension of years the figure of its indicator next to it in its
// paragraph is broken down by: there the year says which member, not only
// when. The member is proposed unless the year names a known one.
func (d *Draft) yearMembers(t *Text, figs []*figure) {
	for k, f := range figs {
		year := strconv.Itoa(f.obs.Period.Start)
		if f.obs.Period.Start != f.obs.Period.End || !f.own.numbers[year] || len(f.own.numbers) != 1 {
			continue
		}
		para := t.paragraph(t.numbers[f.index].Start)
		for _, j := range []int{k - 1, k + 1} {
			if j < 0 || j >= len(figs) || figs[j].obs.Indicator != f.obs.Indicator || t.paragraph(t.numbers[figs[j].index].Start) != para {
				continue
			}
			for _, c := range figs[j].obs.Coordinates {
				dim, ok := d.Codes.Dimension(c.Dimension)
				if member(f.obs.Coordinates, c.Dimension) != "" || !ok || !numbered(dim) || !yearsIn(memberNumbers(dim)) {
					continue
				}
				code := ""
				for _, m := range dim.Members {
					if !isProposed(m.Code) && len(forms(m)) > 0 && maps.Equal(forms(m)[0].numbers, map[string]bool{year: true}) {
						code = m.Code
					}
				}
				if code == "" {
					code = d.propose(c.Dimension, year, f.obs.Source.Quote)
					f.doubts = append(f.doubts, doubt{0.7, "proposed new " + c.Dimension + " member"})
				}
				d.setMember(f, c.Dimension, code)
				f.spelt[c.Dimension] = true
				f.notes = append(f.notes, fmt.Sprintf("its year names a %s member, as the figure beside it names its own", c.Dimension))
			}
		}
	}
}

// switchedDim is the dimension an item of a list names a member of in place
// of one of the dimension the list has varied in so far (an earlier item
// names one: the caller checks), when no other item
// of the list names one of that dimension: the list goes on in it. "" when
// the item stays in the list's dimension.
func (f *figure) switchedDim(varies string, members map[string]map[string]bool) string {
	if varies == "" || f.spelt[varies] {
		return ""
	}
	for _, c := range f.obs.Coordinates {
		if c.Dimension != varies && f.spelt[c.Dimension] && len(members[c.Dimension]) == 1 && !isProposed(c.Member) {
			return c.Dimension
		}
	}
	return ""
}

// dropHomonymsByName keeps, of two members of one name in different
// dimensions ("Azerbaijan" as a citizenship and as a country of
// exploitation), the one whose dimension's name the figure's own words use
// ("99 were citizens of Azerbaijan"), when they use one's only.
func (d *Draft) dropHomonymsByName(f *figure) {
	named := func(dim string) bool {
		dd, _ := d.Codes.Dimension(dim)
		for term := range termSet(dd.Name) {
			for own := range f.own.terms {
				if len(own) >= 5 && len(term) >= 5 && (strings.HasPrefix(term, own) || strings.HasPrefix(own, term)) {
					return true
				}
			}
		}
		return false
	}
	for _, a := range f.obs.Coordinates {
		for _, b := range f.obs.Coordinates {
			if a.Dimension == b.Dimension || !f.spelt[a.Dimension] || !f.spelt[b.Dimension] ||
				fold(memberName(&d.Codes, a.Dimension, a.Member)) != fold(memberName(&d.Codes, b.Dimension, b.Member)) {
				continue
			}
			if named(a.Dimension) && !named(b.Dimension) {
				f.obs.Coordinates = slices.DeleteFunc(f.obs.Coordinates, func(c dataset.Coordinate) bool { return c.Dimension == b.Dimension })
				delete(f.spelt, b.Dimension)
				return
			}
		}
	}
}

// dropHomonyms drops the members of other dimensions that share the name of
// the figure's member in the list's dimension: "Azerbaijan Republic - 1" in
// a legend of countries of exploitation names no citizenship.
func (d *Draft) dropHomonyms(f *figure, listDim string) {
	code := member(f.obs.Coordinates, listDim)
	if code == "" || !f.spelt[listDim] {
		return
	}
	name := memberName(&d.Codes, listDim, code)
	f.obs.Coordinates = slices.DeleteFunc(f.obs.Coordinates, func(c dataset.Coordinate) bool {
		if c.Dimension != listDim && fold(memberName(&d.Codes, c.Dimension, c.Member)) == fold(name) {
			delete(f.spelt, c.Dimension)
			return true
		}
		return false
	})
}

func memberName(cl *dataset.CodeLists, dim, code string) string {
	d, _ := cl.Dimension(dim)
	m, _ := d.Member(code)
	return m.Name
}

// contextOrder lists the figures that may lend the figure at k a member:
// those of its own sentence, nearest first ("Officials were fined 7,000
// manats in 6 cases for compelling employees to perform work not related
// to …": the 6 cases, not the complaint inspections of the sentence
// before), then those before it in its paragraph, nearest first.
func contextOrder(t *Text, figs []*figure, k int, para, sent span) []int {
	var out []int
	pos := t.numbers[figs[k].index].Start
	before, after := k-1, k+1
	for {
		b := before >= 0 && t.numbers[figs[before].index].Start >= sent.start
		a := after < len(figs) && t.numbers[figs[after].index].Start < sent.end
		switch {
		case b && (!a || pos-t.numbers[figs[before].index].End <= t.numbers[figs[after].index].Start-pos):
			out = append(out, before)
			before--
			continue
		case a:
			out = append(out, after)
			after++
			continue
		}
		break
	}
	for j := before; j >= 0 && t.numbers[figs[j].index].Start >= para.start; j-- {
		out = append(out, j)
	}
	return out
}

func member(cs []dataset.Coordinate, dim string) string {
	for _, c := range cs {
		if c.Dimension == dim {
			return c.Member
		}
	}
	return ""
}

func (d *Draft) setMember(f *figure, dim, code string) {
	f.obs.Coordinates = append(slices.DeleteFunc(f.obs.Coordinates, func(c dataset.Coordinate) bool { return c.Dimension == dim }),
		dataset.Coordinate{Dimension: dim, Member: code})
	sortCoordinates(f.obs.Coordinates)
}

var nonCode = regexp.MustCompile(`[^A-Za-z0-9]+`)

// slug is a code made of a label's first words.
func slug(label string) string {
	words := strings.Fields(nonCode.ReplaceAllString(fold(label), " "))
	return strings.Join(words[:min(len(words), 4)], "_")
}

// propose adds a proposed member to the draft's dimension, or returns the
// one already proposed under the same label (a chart legend naming the
// country its sentence named).
func (d *Draft) propose(dim, label, quote string) string {
	if strings.TrimSpace(label) == "" {
		// A name is required: the quote stands in until the reviewer names it.
		words := strings.Fields(quote)
		label = strings.Join(words[:min(len(words), 8)], " ")
	}
	for i := range d.Codes.Dimensions {
		if dd := &d.Codes.Dimensions[i]; dd.Code == dim && placeNames(dd) {
			label = properName(label)
		}
	}
	code := proposedMemberPrefix + strings.ToUpper(slug(label))
	for i := range d.Codes.Dimensions {
		dd := &d.Codes.Dimensions[i]
		if dd.Code != dim {
			continue
		}
		if !slices.ContainsFunc(dd.Members, func(m dataset.Member) bool { return m.Code == code }) {
			dd.Members = append(dd.Members, dataset.Member{Dimension: dim, Code: code, Name: label,
				Description: fmt.Sprintf("%sproposed by extract for %q: rename, recode, or merge into a known member", reviewPrefix, quote)})
		}
	}
	return code
}

// placeNames reports whether a dimension's members are countries or areas:
// its known members carry ISO 3166 or M49 codes.
func placeNames(d *dataset.Dimension) bool {
	for _, m := range d.Members {
		if !isProposed(m.Code) && (m.ISO2 != "" || m.M49 != "") {
			return true
		}
	}
	return false
}

// properName is the name a label gives a place: its longest run of
// capitalised words, joined by "of", "the" and "and" ("Russian Federation"
// of "victims were exploited in the Russian Federation", "Uzbekistan" of
// "foreign nationals, citizens of Uzbekistan"); the label itself where it
// has none.
func properName(label string) string {
	words := strings.Fields(label)
	best, bestLen := "", 0
	for i := 0; i < len(words); i++ {
		if !capitalised(words[i]) || stopWords[strings.ToLower(words[i])] {
			continue // a run starts at a name's word, not at "The"
		}
		j, end := i, i+1
		for j = i + 1; j < len(words); j++ {
			if capitalised(words[j]) {
				end = j + 1
			} else if w := strings.ToLower(words[j]); w != "of" && w != "the" && w != "and" {
				break
			}
		}
		if n := end - i; n > bestLen {
			best, bestLen = strings.Trim(strings.Join(words[i:end], " "), " ,;:.()"), n
		}
		i = end - 1
	}
	if best == "" {
		return label
	}
	return best
}

func capitalised(w string) bool {
	r, _ := utf8.DecodeRuneInString(strings.TrimLeft(w, "“\"'("))
	return unicode.IsUpper(r)
}

// ofThem joins a part to the figure before it: "31 … events, 12 of them
// online", "104 children …, of whom 90", "among them 4".
var (
	ofThemAfter  = regexp.MustCompile(`^\s*(?:\([^)]*\)\s*)?of\s+(?:them|these|those|which|whom)\b`)
	ofThemBefore = regexp.MustCompile(`(?i)\b(?:of\s+(?:them|these|which|whom)|among\s+them)[,\s]*$`)
)

// bracketParts leads from a figure's change to its parts: "15 (+1; 12
// women, 3 men)".
var bracketParts = regexp.MustCompile(`^\s*\([^()]*;\s*$`)

// listMajority files the first figure of an item of a list set out one a
// line under the indicator the first figures of most of the list's items
// have (three fifths, four items at least), when its own guess is of another
// kind: an item naming a new audience ("family physicians and nurses … —
// Ministry of Health (95)") among items of persons trained is one more of
// them, not a figure of the victims assisted the list's lead line ("… and
// referral of victims") suggests. Its member comes from its own words, else
// is proposed in the dimension the list's other items vary in: an item of a
// list is no total.
func (d *Draft) listMajority(t *Text, g *guesser, figs []*figure) {
	lists := map[span][]*figure{} // the line leading into a list → the first figure of each of its items
	seen := map[span]bool{}       // items already counted
	for _, f := range figs {
		sent := t.sentence(t.numbers[f.index].Start)
		lead, ok := t.listLead(sent.start)
		if !ok || seen[sent] {
			continue
		}
		seen[sent] = true
		lists[lead] = append(lists[lead], f)
	}
	for _, items := range lists {
		if len(items) < 4 {
			continue
		}
		count := map[string]int{}
		for _, f := range items {
			count[f.obs.Indicator]++
		}
		major := ""
		for ind, n := range count {
			if 5*n >= 3*len(items) && !isProposed(ind) {
				major = ind
			}
		}
		k := slices.IndexFunc(g.indicators, func(i dataset.Indicator) bool { return i.Code == major })
		if k < 0 {
			continue
		}
		for _, f := range items {
			if f.obs.Indicator == major || kind(g.indicators[k]) == kindOf(f.obs.Indicator, d) {
				continue
			}
			f.notes = append(f.notes, fmt.Sprintf("an item of a list whose other items are %s", major))
			f.obs.Indicator = major
			if r := slices.IndexFunc(f.ranked, func(r scored) bool { return r.index == k }); r > 0 {
				f.ranked[0], f.ranked[r] = f.ranked[r], f.ranked[0]
			}
			f.obs.Coordinates, f.spelt = g.coordinates(major, f.own, d.Codes.Dimensions)
			dims := map[string]int{} // the dimension the list's other items vary in
			for _, e := range items {
				for _, c := range e.obs.Coordinates {
					if e.spelt[c.Dimension] {
						dims[c.Dimension]++
					}
				}
			}
			dim, most := "", 1
			for code, n := range dims {
				if n > most || n == most && code < dim {
					dim, most = code, n
				}
			}
			if len(f.obs.Coordinates) > 0 || dim == "" {
				continue
			}
			if label := t.label(f.own); label != "" {
				d.setMember(f, dim, d.propose(dim, label, f.obs.Source.Quote))
				f.spelt[dim] = true
				f.doubts = append(f.doubts, doubt{0.7, "proposed new " + dim + " member"})
			}
		}
	}
}

// kindOf is the kind of a known or proposed indicator.
func kindOf(code string, d *Draft) string {
	for _, ind := range d.Codes.Indicators {
		if ind.Code == code {
			return kind(ind)
		}
	}
	return ""
}

// newNamedMembers reads a figure after (or right before) a name in
// quotation marks the code lists do not have, followed by the words that end the names of members of
// a dimension ("the newly accredited “Bright Path” Public Union 6" beside
// “Sails of Hope” Public Union and the others), as a new member of that
// dimension, of the indicator of the figure before it in its paragraph that
// is broken down by it: a new public union in a list of public unions, not
// a figure of whatever indicator its other words suggest.
func (d *Draft) newNamedMembers(t *Text, g *guesser, figs []*figure) {
	for k := 1; k < len(figs); k++ {
		f, prev := figs[k], figs[k-1]
		n := t.numbers[f.index]
		if t.paragraph(t.numbers[prev.index].Start) != t.paragraph(n.Start) {
			continue
		}
		before := t.norm[t.numbers[prev.index].End:n.Start]
		// The name before the figure, else (figures first, names after:
		// "… and 3 to the “Hope Bridge” Public Union") the one after it.
		for _, m := range [][]string{quotedTail.FindStringSubmatch(before), quotedHead.FindStringSubmatch(t.norm[n.End:t.sentence(n.Start).end])} {
			if m != nil && d.newNamedMember(g, f, prev, m) {
				break
			}
		}
	}
}

// newNamedMember files f under a proposed member named m[1] (the name in
// quotation marks) and m[2] (the words after it), when the name is not one
// of a dimension prev's indicator is broken down by and the words end the
// names of two of its members at least.
func (d *Draft) newNamedMember(g *guesser, f, prev *figure, m []string) bool {
	name, tail := strings.TrimSpace(m[1]), fold(strings.TrimSpace(m[2]))
	for _, dim := range d.Codes.Dimensions {
		if member(prev.obs.Coordinates, dim.Code) == "" || !slices.Contains(g.dims[prev.obs.Indicator], dim.Code) {
			continue
		}
		ending, known := 0, false
		for _, mem := range dim.Members {
			if strings.HasSuffix(fold(mem.Name), tail) && tail != "" {
				ending++
			}
			known = known || slices.Contains(quotedNames(mem.Name), fold(name))
		}
		if ending < 2 || known {
			continue
		}
		f.obs.Indicator, f.ranked, f.kinds = prev.obs.Indicator, prev.ranked, prev.kinds
		f.obs.Coordinates, f.spelt = nil, map[string]bool{}
		label := "“" + name + "” " + strings.TrimSpace(m[2])
		d.setMember(f, dim.Code, d.propose(dim.Code, label, f.obs.Source.Quote))
		f.spelt[dim.Code] = true
		f.notes = append(f.notes, fmt.Sprintf("a name the %s code list lacks, written as its members are: proposed %q", dim.Code, label))
		f.doubts = append(f.doubts, doubt{0.7, "proposed new " + dim.Code + " member"})
		return true
	}
	return false
}

// quotedTail is a name in quotation marks and the words after it, right
// before a figure: "the newly accredited “Bright Path” Public Union ".
var quotedTail = regexp.MustCompile(`“([^”]+)”\s+([\pL\s]+?)\s*[:,—–-]?\s*$`)

// quotedHead is a name in quotation marks right after a figure, a word or
// three of a preposition and an article between, and the capitalised words
// after it: "3 to the “Hope Bridge” Public Union".
var quotedHead = regexp.MustCompile(`^(?:\s*\([^)]*\))?\s+(?:\pL+\s+){0,3}“([^”]+)”\s+(\p{Lu}\pL*(?:\s+\p{Lu}\pL*)*)`)

// partsOfWhole files the parts said "of them" of the figure before them in
// their sentence ("persons charged — 18 (+2), of them 14 women and 4 men"),
// or in its bracket after its change ("15 (+1; 12 women, 3 men)"),
// under that figure's indicator when they name a member of a dimension it
// is broken down by and nothing else: a breakdown of the whole, not another
// figure their member's words also fit (victims by sex). A part said with
// its own predicate and no member ("Of these, 16 persons … were
// apprehended") keeps its own indicator.
func partsOfWhole(t *Text, g *guesser, figs []*figure, dims []dataset.Dimension) {
	for k := 1; k < len(figs); k++ {
		whole, first := figs[k-1], figs[k]
		w, p := t.numbers[whole.index], t.numbers[first.index]
		sent := t.sentence(p.Start)
		if w.Start < sent.start || !ofThemBefore.MatchString(t.norm[w.End:p.Start]) && !bracketParts.MatchString(t.norm[w.End:p.Start]) &&
			!(ofThemAfter.MatchString(t.norm[p.End:sent.end]) && !strings.ContainsAny(t.norm[w.End:p.Start], ";:")) {
			continue
		}
		for j := k; j < len(figs) && t.numbers[figs[j].index].Start < sent.end; j++ {
			f := figs[j]
			if j > k && strings.ContainsAny(t.norm[t.numbers[figs[j-1].index].End:t.numbers[f.index].Start], ";:)") {
				break
			}
			if f.obs.Indicator == whole.obs.Indicator {
				// A part of a part ("7 were exploited inside the country, 6
				// of them for labour") is of the whole's members too, in
				// the dimensions the codes file breaks the indicator down by
				// together with its own.
				for _, c := range whole.obs.Coordinates {
					if member(f.obs.Coordinates, c.Dimension) == "" && len(f.spelt) > 0 && !slices.ContainsFunc(f.obs.Coordinates, func(own dataset.Coordinate) bool {
						return !g.combined[f.obs.Indicator][own.Dimension+"|"+c.Dimension]
					}) {
						f.obs.Coordinates = append(f.obs.Coordinates, c)
						f.notes = append(f.notes, fmt.Sprintf("%s of the figure %s it is a part of", c.Dimension, w.Text))
					}
				}
				sortCoordinates(f.obs.Coordinates)
				continue
			}
			if len(f.spelt) == 0 {
				continue
			}
			coords, spelt := g.coordinates(whole.obs.Indicator, f.own, dims)
			if len(coords) == 0 || len(spelt) != len(f.spelt) {
				continue
			}
			f.notes = append(f.notes, fmt.Sprintf("a part of the figure %s said of it (\"of them\"), broken down as %s is", w.Text, whole.obs.Indicator))
			f.obs.Indicator, f.ranked, f.kinds = whole.obs.Indicator, whole.ranked, whole.kinds
			f.obs.Coordinates, f.spelt = coords, spelt
		}
	}
}

// partOfProposed files a part ("12 of them online") of the figure before it
// in its sentence under a proposed indicator when that figure is one: the
// part of a kind of figure the codes file does not know is of that kind,
// not a figure of a known indicator its other words suggest.
func (d *Draft) partOfProposed(t *Text, g *guesser, whole, part *figure) {
	if !isProposed(whole.obs.Indicator) || isProposed(part.obs.Indicator) {
		return
	}
	w, p := t.numbers[whole.index], t.numbers[part.index]
	sent := t.sentence(p.Start)
	if w.Start < sent.start || !ofThemAfter.MatchString(t.norm[p.End:sent.end]) && !ofThemBefore.MatchString(t.norm[sent.start:p.Start]) {
		return
	}
	name := whole.obs.Indicator
	for _, ind := range d.Codes.Indicators {
		if ind.Code == whole.obs.Indicator {
			name = ind.Name
		}
	}
	label := fmt.Sprintf("%s, part: %s", name, t.label(part.own))
	d.newIndicator(g, part, label, 2, fmt.Sprintf("a part of the figure %s, which is proposed as %s", w.Text, whole.obs.Indicator))
}

// uncounted is the noun phrase right after the figure when no figure of the codes
// file counts it nor any word of its phrase before it ("52 programmes",
// guessed from the word as graduates enrolled in training programmes): a
// kind of figure the codes file does not have. "" otherwise.
func (g *guesser) uncounted(t *Text, f *figure) string {
	if f.kinds != nil || isProposed(f.obs.Indicator) {
		return ""
	}
	n := t.numbers[f.index]
	after := t.norm[n.End:t.sentence(n.Start).end]
	head, _ := nounPhrase(after)
	if head == "" || sharedNoun.MatchString(after) {
		return "" // "58 district and city police departments"
	}
	var words []string
	for _, w := range strings.Fields(after) {
		// A hyphenated word's last term is its head ("non-governmental"):
		// taken in order, so that every run drafts the same.
		term := ""
		if ts := terms(w); len(ts) > 0 {
			term = ts[len(ts)-1]
		}
		if len(g.counts[term]) > 0 {
			return "" // "472 case files went …": files are counted
		}
		words = append(words, strings.ToLower(strings.Trim(w, ",.;:()“”\"")))
		if term == head {
			break
		}
	}
	return strings.Join(words, " ")
}

// sharedNoun starts the words after a figure whose noun comes after another
// word and a conjunction: "58 district and city police departments".
var sharedNoun = regexp.MustCompile(`^\s*\pL+\s+(?:and|or)\s`)

// proposeIndicator files a figure alone in its sentence whose counted words
// the codes file does not know, or that no indicator's words describe, under
// a proposed new indicator instead of forcing it into an unrelated one.
func (d *Draft) proposeIndicator(t *Text, g *guesser, f *figure) {
	phrase, unknown := g.unknownPhrase(t, f)
	if words := g.uncounted(t, f); words != "" && !unknown {
		// "aired 52 programmes on the subject": the codes file counts no
		// programmes, and the best guess's own words name none either.
		phrase, unknown = words, true
	}
	if !unknown && f.ranked[0].score > 0 {
		return
	}
	label := phrase
	if label == "" {
		label = t.label(f.own)
	}
	if label != "" {
		d.newIndicator(g, f, label, 1, "the codes file knows no figure of its words")
	}
}

// newIndicator files the figure under a proposed indicator named label, the
// nth of that name (a code suffix from the second on: each tried code is
// new, so a caller looking for a free key ends).
func (d *Draft) newIndicator(g *guesser, f *figure, label string, nth int, why string) {
	closest := g.indicators[f.ranked[0].index]
	code := strings.ToLower(strings.Trim(proposedIndicatorPrefix+slug(label), "_"))
	if code+"_" == proposedIndicatorPrefix {
		code += "_figure"
	}
	if nth > 1 {
		code += fmt.Sprintf("_%d", nth)
	}
	if !slices.ContainsFunc(d.Codes.Indicators, func(i dataset.Indicator) bool { return i.Code == code }) {
		d.Codes.Indicators = append(d.Codes.Indicators, dataset.Indicator{
			Code: code, Name: label, Unit: closest.Unit, Theme: closest.Theme,
			Description: fmt.Sprintf("%sproposed by extract for %q; unit and theme are those of the closest known indicator, %s: correct them",
				reviewPrefix, f.obs.Source.Quote, closest.Code),
		})
	}
	f.notes = append(f.notes, fmt.Sprintf("%s (closest: %s): proposed indicator %s", why, closest.Code, code))
	f.obs.Indicator, f.obs.Coordinates = code, nil
	f.doubts = append(f.doubts, doubt{0.9, "proposed new indicator"})
}

// claim files the figure: as an `also:` place of an earlier observation it
// restates (the same value and period, its members a part of the earlier
// one's, under another heading: a chart legend), else under its own key,
// else under the next indicator that fits, else under a proposed indicator. It
// reports whether the figure became an observation of its own.
func (d *Draft) claim(t *Text, g *guesser, f *figure, keys map[string]bool) bool {
	o := &f.obs
	// What an earlier figure restates is of its own indicator, so whether
	// this one's counted noun allows that kind is asked once.
	if len(o.Coordinates) > 0 && (f.kinds == nil || f.kinds[kindOf(o.Indicator, d)]) {
		for k := len(d.Observations) - 1; k >= 0; k-- {
			e := &d.Observations[k]
			if e.Indicator == o.Indicator && e.Value.Equal(o.Value) && e.Period == o.Period && sameChange(e.Change, o.Change) && e.Source.Section != o.Source.Section && d.within(o.Coordinates, e.Coordinates) {
				// (A figure whose counted noun is of another kind than the
				// earlier one's restates nothing: "two (+1) criminal cases"
				// are no "two (+1) acts of forced labour"; nor does one
				// guessed for another indicator: the victims' "four men"
				// are not the persons charged "4 men".)
				e.AlsoStated = append(e.AlsoStated, dataset.Source{Section: o.Source.Section, Quote: o.Source.Quote})
				e.Note += fmt.Sprintf("; restated by %q under %q (folded as also:)", o.Source.Quote, o.Source.Section)
				return false
			}
		}
	}
	if !keys[o.Key()] {
		keys[o.Key()] = true
		return true
	}
	if len(o.Coordinates) == 0 {
		for k := len(d.Observations) - 1; k >= 0; k-- {
			e := &d.Observations[k]
			if e.Indicator == o.Indicator && len(e.Coordinates) == 0 && e.Value.Equal(o.Value) && e.Period == o.Period && sameChange(e.Change, o.Change) {
				// A total of the indicator whose total an earlier figure of
				// the same value states, in this section ("… 97 (+6) victims
				// … Of the 97, ninety-three …") or another ("Victims
				// identified: 97" in a summary), restates it; filed under
				// the next guess it would take another figure's place.
				e.AlsoStated = append(e.AlsoStated, dataset.Source{Section: o.Source.Section, Quote: o.Source.Quote})
				e.Note += fmt.Sprintf("; restated by %q under %q (folded as also:)", o.Source.Quote, o.Source.Section)
				return false
			}
		}
	}
	first := o.Indicator + " " + dataset.CoordinateKey(o.Coordinates)
	// A figure whose noun no figure of the codes file counts ("whose
	// average stay was 38 days") is a new kind of figure, not the next
	// guess of its sentence's words.
	uncounted := g.uncounted(t, f) != ""
	for _, r := range f.ranked[1:] {
		if r.score <= 0 || r.score < f.ranked[0].score/2 || uncounted {
			break
		}
		if !f.mayCount(g, r.index) {
			continue
		}
		carried := o.Coordinates
		o.Indicator = g.indicators[r.index].Code
		o.Coordinates, f.spelt = g.coordinates(o.Indicator, f.own, d.Codes.Dimensions)
		for _, dim := range g.allowed(o.Indicator, d.Codes.Dimensions) {
			if m := member(carried, dim.Code); m != "" && !f.spelt[dim.Code] {
				d.setMember(f, dim.Code, m) // what the list or paragraph gave it holds for the next guess too
			}
		}
		if !keys[o.Key()] {
			keys[o.Key()] = true
			f.notes = append(f.notes, fmt.Sprintf("the best guess %s was taken by an earlier figure", strings.TrimSpace(first)))
			f.doubts = append(f.doubts, doubt{0.8, "its best guess was taken by an earlier figure"})
			return true
		}
	}
	o.Indicator = g.indicators[f.ranked[0].index].Code
	o.Coordinates, f.spelt = g.coordinates(o.Indicator, f.own, d.Codes.Dimensions)
	f.notes = append(f.notes, fmt.Sprintf("the best guess %s was taken by an earlier figure and no other fits", strings.TrimSpace(first)))
	f.doubts = append(f.doubts, doubt{0.8, "its best guess was taken by an earlier figure"})
	label := t.label(f.own)
	if label == "" {
		label = "figure " + dataset.FormatValue(o.Value)
	}
	for k := 1; keys[o.Key()]; k++ {
		d.newIndicator(g, f, label, k, "no known indicator and breakdown is free")
	}
	keys[o.Key()] = true
	return true
}

// mayCount reports whether the figure may be one of the indicator at index
// k, another guess than its best: of a kind its counted words allow, or,
// where the codes file counts none of them ("1,120 messages"), of its best
// guess's kind. Filed under another kind, the figure would be forced; a
// proposed indicator says it is new instead.
func (f *figure) mayCount(g *guesser, k int) bool {
	if len(f.kinds) > 0 {
		return f.kinds[kind(g.indicators[k])]
	}
	return kind(g.indicators[k]) == kind(g.indicators[f.ranked[0].index])
}

// sameChange reports whether two figures may state the same change on the
// previous year: "1 (-2) act of forced labour" restates "one (-2) case of
// forced labour", not "one (-1) criminal case". A figure stating none may
// restate any (a chart legend states none).
func sameChange(a, b *decimal.Decimal) bool {
	return a == nil || b == nil || a.Equal(*b)
}

// within reports whether every member of part is one of whole's; two
// proposed members of a dimension are one where one's name holds all the
// other's words (a legend's "Bahrain" and the text's "Kingdom of Bahrain").
func (d *Draft) within(part, whole []dataset.Coordinate) bool {
	for _, c := range part {
		if !slices.ContainsFunc(whole, func(w dataset.Coordinate) bool {
			return w == c || w.Dimension == c.Dimension && isProposed(w.Member) && isProposed(c.Member) &&
				d.sameProposal(c.Dimension, c.Member, w.Member)
		}) {
			return false
		}
	}
	return true
}

// sameProposal reports whether the names of two proposed members of a
// dimension are one in more or fewer words.
func (d *Draft) sameProposal(dim, a, b string) bool {
	wa, wb := termSet(memberName(&d.Codes, dim, a)), termSet(memberName(&d.Codes, dim, b))
	if len(wa) == 0 || len(wb) == 0 {
		return false
	}
	if len(wa) > len(wb) {
		wa, wb = wb, wa
	}
	for w := range wa {
		if !wb[w] {
			return false
		}
	}
	return true
}

// finish writes the figure's note: its doubt, the reasons, what the guesses
// rest on. A figure left without a breakdown where the codes file never
// states one of its indicator's totals is doubtful too.
func (f *figure) finish(g *guesser, extra []string) {
	if a := g.conventions[f.obs.Indicator]; a != "" && f.byPublisher && a != f.obs.Agency {
		// Last year's file attributes every figure of the indicator to one
		// body (the police unit for the offences it detected): keep its
		// convention where the sentence names none.
		f.obs.Agency = a
		f.agencyNote = fmt.Sprintf("agency %s: the sentence names no known body, and the codes file gives every %s figure to it", a, f.obs.Indicator)
	}
	f.notes = append(f.notes, f.agencyNote)
	if _, known := g.dims[f.obs.Indicator]; known && len(f.obs.Coordinates) == 0 && g.totals[f.obs.Indicator] == 0 && len(g.dims[f.obs.Indicator]) > 0 {
		f.doubts = append(f.doubts, doubt{0.55, "no breakdown, though " + f.obs.Indicator + " is always broken down"})
	}
	score, whys := f.doubt()
	head := fmt.Sprintf("doubt %.2f", score)
	if len(whys) > 0 {
		head += " (" + strings.Join(whys, "; ") + ")"
	}
	f.obs.Note = reviewPrefix + strings.Join(append(append([]string{head}, f.notes...), extra...), "; ")
}

// doubt is the figure's doubt score, the largest of its reasons, and the
// reasons that weigh.
func (f *figure) doubt() (float64, []string) {
	score := 0.0
	var whys []string
	sort.SliceStable(f.doubts, func(a, b int) bool { return f.doubts[a].score > f.doubts[b].score })
	for _, d := range f.doubts {
		score = max(score, d.score)
		if d.score >= 0.25 {
			whys = append(whys, d.why)
		}
	}
	return min(score, 1), whys
}

// doubtNote reads the doubt score back from a drafted note ("REVIEW: doubt
// 0.72 (…); …"), so verify can order what is left to review.
var doubtNote = regexp.MustCompile(`^REVIEW: doubt (\d(?:\.\d+)?)(?: \(([^)]*)\))?`)

// noteDoubt reads the doubt and its reasons from a drafted note.
func noteDoubt(note string) (float64, string, bool) {
	m := doubtNote.FindStringSubmatch(note)
	if m == nil {
		return 0, "", false
	}
	doubt, err := strconv.ParseFloat(m[1], 64)
	return doubt, m[2], err == nil
}
