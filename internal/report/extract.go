package report

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"indicators/internal/dataset"
)

// Draft is a data file drafted from a report's text: the code lists of an
// existing data file, an observation for every number that may be a figure,
// and an ignored entry for every number that looks like none. Every entry is
// a guess for a person to review; its note says so and from what words.
type Draft struct {
	Release      dataset.Release // its source is the report's file name
	Codes        dataset.CodeLists
	Observations []dataset.Observation
	Ignored      []dataset.Ignored
}

// ExtractOptions tune Extract.
type ExtractOptions struct {
	// Year is the reference year; 0 means the year the text names most
	// often in phrases such as "In 2024".
	Year int
	// Source is the report's file name, recorded as release.source.
	Source string
}

// reviewPrefix starts the note of every drafted entry, so a reviewer can
// search for what is left to check.
const reviewPrefix = "REVIEW: "

// Codes the draft proposes for what the codes file lacks (a new kind of
// figure, a new country of exploitation) start with these, so neither a
// reviewer nor a measure mistakes them for known ones.
const (
	proposedIndicatorPrefix = "new_"
	proposedMemberPrefix    = "NEW_"
)

func isProposed(code string) bool {
	return strings.HasPrefix(code, proposedIndicatorPrefix) || strings.HasPrefix(code, proposedMemberPrefix)
}

// untitledSection is the section of numbers before the first heading (the
// data file requires one).
const untitledSection = "(before the first heading)"

// Extract drafts a data file from a report's text, guessing indicators,
// breakdowns and agencies from codes (an existing data file).
func Extract(t *Text, codes *dataset.Dataset, opt ExtractOptions) (*Draft, error) {
	if len(codes.Indicators) == 0 {
		return nil, errors.New("extract: the codes file has no indicators to guess from")
	}
	year := opt.Year
	if year == 0 {
		year = t.referenceYear(codes.Release.ReferenceYear)
	}
	d := &Draft{Release: draftRelease(codes.Release, year, opt.Source), Codes: ownCodeLists(codes.CodeLists)}
	reasons := t.nonFigures()
	changes := t.attachChanges(reasons)
	periods := t.periods(year, reasons)
	g := newGuesser(codes)
	var figs []*figure
	for i, n := range t.numbers {
		if reasons[i] == "" && !n.Change {
			figs = append(figs, t.draftFigure(i, changes[i], periods[i], reasons, g, d))
		}
	}
	d.lists(t, g, figs)
	keys := map[string]bool{}
	ignoredTo := 0 // end of the last ignored quote: the numbers inside it are covered
	next := 0
	for i, n := range t.numbers {
		switch {
		case reasons[i] != "" && n.Start >= ignoredTo:
			ignoredTo = d.ignore(t, i, reasons)
		case reasons[i] == "" && !n.Change:
			f := figs[next]
			if next > 0 {
				d.partOfProposed(t, g, figs[next-1], f)
			}
			next++
			if d.claim(t, g, f, keys) {
				f.finish(g, f.readNotes)
				d.Observations = append(d.Observations, f.obs)
			}
		}
	}
	return d, nil
}

// ownCodeLists copies the code lists a draft may add proposed members and
// indicators to, leaving the codes file's untouched.
func ownCodeLists(c dataset.CodeLists) dataset.CodeLists {
	c.Indicators = slices.Clone(c.Indicators)
	c.Dimensions = slices.Clone(c.Dimensions)
	for i := range c.Dimensions {
		c.Dimensions[i].Members = slices.Clone(c.Dimensions[i].Members)
	}
	return c
}

// draftRelease describes the new edition after the codes file's release:
// its year written in the code and title is replaced by the new one.
func draftRelease(old dataset.Release, year int, source string) dataset.Release {
	r := old
	r.ReferenceYear = year
	r.Published = ""
	r.Checksum = ""
	r.Source = source
	oldYear, newYear := strconv.Itoa(old.ReferenceYear), strconv.Itoa(year)
	r.Code = strings.ReplaceAll(old.Code, oldYear, newYear)
	if r.Code == old.Code && year != old.ReferenceYear {
		r.Code = fmt.Sprintf("%s-%d", old.Code, year)
	}
	r.Title = strings.ReplaceAll(old.Title, oldYear, newYear)
	return r
}

// referenceYear is the year the text names most often after "in" (the latest
// of equals), or fallback when it names none.
func (t *Text) referenceYear(fallback int) int {
	counts := map[int]int{}
	best := fallback
	for _, m := range inYear.FindAllStringSubmatch(t.norm, -1) {
		y, _ := strconv.Atoi(m[1])
		counts[y]++
		if counts[y] > counts[best] || counts[y] == counts[best] && y > best {
			best = y
		}
	}
	return best
}

var (
	articleBefore = regexp.MustCompile(`(?i)\barticles?\s$`)
	yearToken     = regexp.MustCompile(`^(?:19|20|21)\d\d(?:\s?[-–]\s?(?:19|20|21)\d\d)?$`)
	ageBefore     = regexp.MustCompile(`(?i)\b(?:aged|aged between|age of)\s$`)
	ageAfter      = regexp.MustCompile(`^[\s-]years?(?:[\s-]old|\s+of\s+age)\b`)
	// A number after "under" or "younger than" bounds a group ("children
	// under 18", "persons under the age of 15"); it counts nothing. "Over"
	// and "more than" are qualifiers of counts ("over 100 activists") and
	// bound only ages, which ageAfter catches.
	boundBefore   = regexp.MustCompile(`(?i)\b(?:under|below|younger than|older than)\s$`)
	betweenBefore = regexp.MustCompile(`(?i)\bbetween\s$`)
	andNumber     = regexp.MustCompile(`^\s(?:and|to)\s\S`)
	rangeDash     = regexp.MustCompile(`^\s?[-–—]\s?$|^\sto\s$`)
	// A day of the month is written before the month's name: "On 30 July".
	monthAfter = regexp.MustCompile(`^\s(?:January|February|March|April|May|June|July|August|September|October|November|December)\b`)
	// A length of time per a longer one says how often, not how many: "a
	// hotline staffed 24 hours a day", "7 days a week".
	schedule = regexp.MustCompile(`(?i)^[\s-](?:hours?|days?)\s+(?:a|per|each)\s+(?:day|week|month|year)\b`)
	// ageReason is why an age is no figure.
	ageReason = "an age, not a count"
	// "One" after a determiner is a pronoun: "every one of them was
	// investigated", "no one was".
	pronounBefore = regexp.MustCompile(`(?i)\b(?:every|each|any|no)\s$`)
)

// nonFigures says, for every number, why it is not a figure ("" when it may
// be one): article numbers, years, parts of names, ages. Bracketed changes
// are figures' companions and get no reason here.
func (t *Text) nonFigures() []string {
	reasons := make([]string, len(t.numbers))
	for i, n := range t.numbers {
		if n.Change {
			continue
		}
		tok := t.token(n)
		word := t.norm[tok.start:tok.end]
		switch {
		case articleBefore.MatchString(t.norm[:tok.start]):
			reasons[i] = "an article number of a law or code"
		case yearToken.MatchString(word):
			reasons[i] = "a year"
		case strings.IndexFunc(t.norm[tok.start:n.Start]+t.norm[n.End:tok.end], unicode.IsLetter) >= 0:
			reasons[i] = fmt.Sprintf("part of the word or name %q", word)
		case strings.HasSuffix(t.norm[:n.Start], "“") && strings.HasPrefix(t.norm[n.End:], "”"):
			reasons[i] = "a name in quotation marks"
		case ageBefore.MatchString(t.norm[:n.Start]) || ageAfter.MatchString(t.norm[n.End:]) || t.ageRange(i, reasons):
			reasons[i] = ageReason
		case t.labelsNext(i) || i+1 < len(t.numbers) && !t.labelsNext(i) && rangeDash.MatchString(t.norm[n.End:t.numbers[i+1].Start]) && t.labelsNext(i+1):
			reasons[i] = "a label of the figure after it (\"18–25 — 14\", \"over 35: 32\"), not a count"
		case n.Value.IsInteger() && n.Value.IntPart() >= 1 && n.Value.IntPart() <= 31 && monthAfter.MatchString(t.norm[n.End:]):
			reasons[i] = "a day of a date (\"On 30 July\"), not a count"
		case schedule.MatchString(t.norm[n.End:]):
			reasons[i] = "a length of time said of a schedule (\"24 hours a day\"), not a count"
		case strings.EqualFold(n.Text, "one") && pronounBefore.MatchString(t.norm[max(n.Start-8, 0):n.Start]):
			reasons[i] = "a pronoun (\"every one of them\"), not a count"
		case boundBefore.MatchString(t.norm[max(n.Start-14, 0):n.Start]):
			reasons[i] = "a bound of a group (\"under 18\"), not a count"
		case betweenBefore.MatchString(t.norm[max(n.Start-9, 0):n.Start]) && i+1 < len(t.numbers) &&
			andNumber.MatchString(t.norm[n.End:]) && t.numbers[i+1].Start-n.End <= len(" and "):
			reasons[i] = "a bound of a range (\"between 25 and 35\"), not a count"
		case i > 0 && reasons[i-1] != "" && !t.numbers[i-1].Change && t.norm[t.numbers[i-1].End:n.Start] == " and " &&
			strings.HasSuffix(t.norm[:t.numbers[i-1].Start], "between "):
			reasons[i] = reasons[i-1] // the upper bound of "between 18 and 25"
		case i > 0 && reasons[i-1] != "" && !t.numbers[i-1].Change && rangeDash.MatchString(t.norm[t.numbers[i-1].End:n.Start]) && !t.labelsNext(i-1):
			reasons[i] = reasons[i-1] // the upper end of "aged 15–18"
		}
	}
	return reasons
}

// ageRange reports whether the number at i is the lower end of a range of
// ages: "18 to 25 years old", or a range said of a figure ("44 were 25 to
// 35") in a sentence whose earlier range is of ages ("11 victims were 18 to
// 25 years old, 44 were 25 to 35"; not "6 cases went from 10 to 12").
func (t *Text) ageRange(i int, reasons []string) bool {
	if i+1 >= len(t.numbers) || !rangeDash.MatchString(t.norm[t.numbers[i].End:t.numbers[i+1].Start]) {
		return false
	}
	if ageAfter.MatchString(t.norm[t.numbers[i+1].End:]) {
		return true
	}
	if i == 0 || reasons[i-1] != "" || !saidOf.MatchString(t.norm[t.numbers[i-1].End:t.numbers[i].Start]) {
		return false
	}
	sent := t.sentence(t.numbers[i].Start)
	for k := i - 2; k >= 0 && t.numbers[k].Start >= sent.start; k-- {
		if reasons[k] == ageReason {
			return true
		}
	}
	return false
}

// labelGap joins a label to the figure it labels in a table set out in
// text: "18–25 — 14", "over 35: 32", "under 18 — two", and a chart
// legend's spaced hyphen ("18-25 - 17", "under 18 - 3").
var labelGap = regexp.MustCompile(`^(?:\s?[:—–]\s|\s[—–]\s?|\s-\s)$`)

// labelsNext reports whether the number at i labels the figure right after
// it (labelGap): an age or a year heading a row of a table, which counts
// nothing.
func (t *Text) labelsNext(i int) bool {
	return i+1 < len(t.numbers) && !t.numbers[i+1].Change && labelGap.MatchString(t.norm[t.numbers[i].End:t.numbers[i+1].Start])
}

// saidOf joins a figure to what is said of it: "44 were 25 to 35".
var saidOf = regexp.MustCompile(`^\s(?:were|was|are|is)\s$`)

// attachChanges pairs each bracketed change with the figure it follows
// ("161 (+2)", "16 persons (-2; …)", "11 traffickers (+1)": at most two
// words between) and returns the change's index by the figure's. A change
// that follows no figure is given a reason in reasons.
func (t *Text) attachChanges(reasons []string) map[int]int {
	changes := map[int]int{}
	for i, n := range t.numbers {
		if !n.Change {
			continue
		}
		if i > 0 && reasons[i-1] == "" && !t.numbers[i-1].Change {
			gap := t.norm[t.numbers[i-1].End:n.Start]
			if len(strings.Fields(gap)) <= 2 && !strings.ContainsAny(gap, ".;:") {
				changes[i-1] = i
				continue
			}
		}
		reasons[i] = "a bracketed change that follows no figure"
	}
	return changes
}

// A period is named by "in 2022" or a sentence opening "Between 2019 and
// 2022,"; a chart title names its span as "2005-2024". A span in running
// text ("the National Action Plan for 2025–2030") names a plan, not the
// period of the figures around it.
var (
	inYear      = regexp.MustCompile(`\b[Ii]n ((?:19|20|21)\d\d)\b`)
	betweenSpan = regexp.MustCompile(`\b(?:Between ((?:19|20|21)\d\d) and|From ((?:19|20|21)\d\d) to) ((?:19|20|21)\d\d),`)
	// sinceYear opens a sentence whose figures are totals from a year on.
	sinceYear = regexp.MustCompile(`\bSince ((?:19|20|21)\d\d),`)
	// clauseSpan is a span of years inside a clause: "went up by 38 percent
	// between 2019 and 2022".
	clauseSpan = regexp.MustCompile(`\b(?:[Bb]etween ((?:19|20|21)\d\d) and|[Ff]rom ((?:19|20|21)\d\d) to) ((?:19|20|21)\d\d)\b`)
	titleSpan  = regexp.MustCompile(`\b((?:19|20|21)\d\d)\s?[-–]\s?((?:19|20|21)\d\d)\b`)
)

// periodMark is a place where the text names a period. A mark with an end
// ("Between 2019 and 2022," opening a sentence) holds up to it only.
type periodMark struct {
	pos, end int
	period   dataset.Period
	phrase   string
}

// comparedBefore tells a year a figure is compared with ("43 percent higher
// than in 2020", "compared with 2019") from the year it refers to.
var comparedBefore = regexp.MustCompile(`(?i)\b(?:than|compared (?:with|to)|since|from|against|over)\s$`)

// periods gives every figure the period its own clause names after it ("9
// in 2023"), else the one named last before it in its section (a report
// names the year once and goes on), else the reference year. A year the
// figure is compared with names no period.
func (t *Text) periods(year int, reasons []string) []periodMark {
	marks := t.periodMarks()
	out := make([]periodMark, len(t.numbers))
	k := 0
	base := periodMark{period: dataset.Period{Start: year, End: year}}
	current, held := base, base
	section := -1
	for i, n := range t.numbers {
		if h := t.heading(n.Start); h != section {
			section = h
			current, held = base, base
			for k < len(marks) && t.heading(marks[k].pos) < h {
				k++
			}
		}
		for ; k < len(marks) && marks[k].pos < n.Start; k++ {
			if marks[k].end == 0 {
				held = marks[k]
			}
			current = marks[k]
		}
		if current.end != 0 && n.Start >= current.end {
			current = held
		}
		out[i] = current
		if own, ok := t.ownPeriod(i, reasons, marks); ok {
			out[i] = own
		}
		if out[i].period.End == 0 {
			out[i].period.End = year // "Since 2005,": up to the reference year
		}
	}
	return out
}

// ownPeriod is the "in 2023" that follows the figure at i in its clause,
// before the next figure.
func (t *Text) ownPeriod(i int, reasons []string, marks []periodMark) (periodMark, bool) {
	n := t.numbers[i]
	end := t.sentence(n.Start).end
	for k := i + 1; k < len(t.numbers); k++ {
		if reasons[k] == "" && !t.numbers[k].Change {
			end = min(end, t.numbers[k].Start)
			break
		}
	}
	for _, b := range t.boundaries(t.sentence(n.Start)) {
		if b.pos >= n.End {
			end = min(end, b.pos)
			break
		}
	}
	for _, m := range marks {
		if m.pos >= n.End && m.pos < end && m.end == 0 && strings.HasPrefix(strings.ToLower(m.phrase), "in ") {
			return m, true
		}
		if m.pos >= n.End && m.pos < end && m.end == m.pos+len(m.phrase) && percentAfter.MatchString(t.norm[n.End:]) {
			// "went up by 38 percent between 2019 and 2022": a change in
			// percent is over the span its clause names. (A count's span,
			// "78 were exploited between 2015 and 2023", is a member.)
			return m, true
		}
	}
	return periodMark{}, false
}

func (t *Text) periodMarks() []periodMark {
	var marks []periodMark
	add := func(m []int, phrase string, a, b string, end int) {
		start, _ := strconv.Atoi(a)
		last, _ := strconv.Atoi(b)
		marks = append(marks, periodMark{pos: m[0], end: end, period: dataset.Period{Start: start, End: last}, phrase: phrase})
	}
	for _, m := range inYear.FindAllStringSubmatchIndex(t.norm, -1) {
		if comparedBefore.MatchString(t.norm[max(m[0]-15, 0):m[0]]) {
			continue
		}
		y := t.norm[m[2]:m[3]]
		add(m, t.norm[m[0]:m[1]], y, y, 0)
	}
	// from is the first year of a span "Between 2019 and 2022" or "From
	// 2019 to 2022" (group 1 or 2; group 3 is the last).
	from := func(m []int) string {
		if m[2] >= 0 {
			return t.norm[m[2]:m[3]]
		}
		return t.norm[m[4]:m[5]]
	}
	for _, m := range betweenSpan.FindAllStringSubmatchIndex(t.norm, -1) {
		add(m, t.norm[m[0]:m[1]-1], from(m), t.norm[m[6]:m[7]], t.sentence(m[0]).end)
	}
	for _, m := range sinceYear.FindAllStringSubmatchIndex(t.norm, -1) {
		// "Since 2005, 1,538 victims have been identified": from that year
		// to the reference year (periods fills in the end).
		add(m, t.norm[m[0]:m[1]-1], t.norm[m[2]:m[3]], "0", t.sentence(m[0]).end)
	}
	for _, m := range clauseSpan.FindAllStringSubmatchIndex(t.norm, -1) {
		if loc := betweenSpan.FindStringIndex(t.norm[m[0]:]); loc == nil || loc[0] != 0 {
			add(m, t.norm[m[0]:m[1]], from(m), t.norm[m[6]:m[7]], m[1]) // holds for its own clause's percentage only (ownPeriod)
		}
	}
	for _, b := range t.blocks {
		if b.kind != headingBlock {
			continue
		}
		for _, m := range titleSpan.FindAllStringSubmatchIndex(t.norm[b.start:b.end], -1) {
			m = []int{b.start + m[0], b.start + m[1], b.start + m[2], b.start + m[3], b.start + m[4], b.start + m[5]}
			add(m, t.norm[m[0]:m[1]], t.norm[m[2]:m[3]], t.norm[m[4]:m[5]], 0)
		}
	}
	sort.Slice(marks, func(i, j int) bool { return marks[i].pos < marks[j].pos })
	return marks
}

var qualifierBefore = regexp.MustCompile(`(?i)\b(more than|over|above|exceeding|in excess of|upwards of|at least|no fewer than|not less than|nearly|almost|about|approximately|around|roughly|some|an estimated|estimated|close to|a total of|totall?ing)\s$`)

// qualifiers maps the words before a figure to its qualifier. "A total of"
// is exact; it is recognised so the note can say the figure is a total.
var qualifiers = map[string]dataset.Qualifier{
	"more than": dataset.MoreThan, "over": dataset.MoreThan, "above": dataset.MoreThan, "exceeding": dataset.MoreThan,
	"in excess of": dataset.MoreThan, "upwards of": dataset.MoreThan,
	"at least": dataset.AtLeast, "no fewer than": dataset.AtLeast, "not less than": dataset.AtLeast,
	"nearly": dataset.Approximately, "almost": dataset.Approximately, "about": dataset.Approximately,
	"approximately": dataset.Approximately, "around": dataset.Approximately, "roughly": dataset.Approximately,
	"some": dataset.Approximately, "an estimated": dataset.Approximately, "estimated": dataset.Approximately,
	"close to":   dataset.Approximately,
	"a total of": dataset.Exact, "totaling": dataset.Exact, "totalling": dataset.Exact,
}

// qualifier reads the qualifier of the figure at pos and the phrase that
// states it ("" for a bare figure).
func (t *Text) qualifier(pos int) (dataset.Qualifier, string) {
	m := qualifierBefore.FindStringSubmatch(t.norm[max(pos-20, 0):pos])
	if m == nil {
		return dataset.Exact, ""
	}
	return qualifiers[strings.ToLower(m[1])], m[1]
}

// draftFigure drafts the observation of the figure at index i, with its
// change at index change (0: none; a change never comes first), and guesses
// its indicator, breakdown and agency.
func (t *Text) draftFigure(i, change int, period periodMark, reasons []string, g *guesser, d *Draft) *figure {
	n := t.numbers[i]
	end := n.End
	f := &figure{index: i, obs: dataset.Observation{
		RefArea: d.Release.RefArea, Period: period.period, Value: n.Value, Status: dataset.Reported, DerivedFrom: -1,
	}}
	o := &f.obs
	if change > 0 {
		c := t.numbers[change].Value
		o.Change = &c
		end = t.numbers[change].End
		f.readNotes = append(f.readNotes, fmt.Sprintf("change %s: load derives %s for %s", t.numbers[change].Text, dataset.FormatValue(n.Value.Sub(c)), o.Period.Previous()))
	}
	var phrase string
	if o.Qualifier, phrase = t.qualifier(n.Start); phrase != "" {
		f.readNotes = append(f.readNotes, fmt.Sprintf("qualifier from %q", phrase))
	}
	if period.phrase != "" {
		f.readNotes = append(f.readNotes, fmt.Sprintf("period from %q", period.phrase))
	}
	q := t.quoteSpan(n.Start, end)
	o.Source = dataset.Source{Section: t.sectionName(n.Start), Quote: t.norm[q.start:q.end]}
	g.guess(t, f, end, reasons, d.Codes.Dimensions, d.Release.Publisher)
	return f
}

// sectionName is the section a drafted entry records for pos.
func (t *Text) sectionName(pos int) string {
	if s := t.section(pos); s != "" {
		return s
	}
	return untitledSection
}

// ignore drafts an ignored entry for the number at i and returns where its
// quote ends in the text.
func (d *Draft) ignore(t *Text, i int, reasons []string) int {
	n := t.numbers[i]
	tok := t.token(n)
	if n.Change {
		tok = span{n.Start, n.End}
	}
	s := t.ignoredSpan(tok, func(w span) bool {
		for _, k := range t.numbersIn(w) {
			if reasons[k] == "" {
				return true
			}
		}
		return false
	})
	quote := t.norm[s.start:s.end]
	for _, ig := range d.Ignored {
		if ig.Quote == quote {
			return s.end // verify takes a quote at every place it occurs
		}
	}
	d.Ignored = append(d.Ignored, dataset.Ignored{Quote: quote, Reason: reviewPrefix + reasons[i]})
	return s.end
}
