// Package report connects report text and data: it finds every number a
// report states, in whatever form it is written, so the dataset can be checked
// against the text and drafted from it.
package report

import (
	"regexp"
	"strings"

	"github.com/shopspring/decimal"

	"indicators/internal/dataset"
)

// Number is one number as written in a text.
type Number struct {
	Text  string          // as written: "10,254", "1.441", "Twenty-six", "(+628)"
	Value decimal.Decimal // what it means: 10254, 1441, 26, 628
	// Change is set for a bracketed change on the previous year: "(+628)",
	// "(-10)", "(unchanged)" (Value 0).
	Change bool
	Start  int // byte offsets in the text
	End    int
}

var (
	// A bracketed change, possibly followed by more inside the bracket:
	// "(-2; 13 women, 3 men)" states the change -2.
	changePattern = regexp.MustCompile(`\((?:([+\-−–]\s?\d[\d,]*)|(unchanged))[;)]`)
	// Digits with optional thousands separators (comma, or the European dot
	// when groups of exactly three follow) and an optional decimal part.
	digitsPattern = regexp.MustCompile(`\d+(?:[.,]\d+)*`)
	// Number words, including hyphenated compounds such as "Twenty-six".
	wordPattern = regexp.MustCompile(`(?i)\b(?:` + tensAlternation + `)(?:-(?:` + unitsAlternation + `))?\b|\b(?:` + smallAlternation + `)\b`)
	// Number words with a scale: "one hundred and sixty-one", "a thousand",
	// "two thousand five hundred". A scale word is what joins words into
	// one number; "one or two" stays two numbers.
	scaledPattern = regexp.MustCompile(`(?i)\b(?:a|` + wordUnit + `)[\s-]+(?:` + scaleAlternation + `)(?:(?:\s+and)?[\s-]+(?:` + wordUnit + `)(?:[\s-]+(?:` + scaleAlternation + `))?)*\b`)
)

const (
	wordUnit         = `(?:` + tensAlternation + `)(?:-(?:` + unitsAlternation + `))?|` + smallAlternation
	scaleAlternation = "hundred|thousand|million"
)

var scales = map[string]int64{"hundred": 100, "thousand": 1000, "million": 1000000}

var smallNumbers = map[string]int{
	"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
	"nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
	"sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}

var tens = map[string]int{
	"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}

const (
	tensAlternation  = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
	unitsAlternation = "one|two|three|four|five|six|seven|eight|nine"
	smallAlternation = "zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
)

// Numbers returns every number in text in order of appearance. A bracketed
// change is one Number with Change set; the digits inside it are not
// reported again.
func Numbers(text string) []Number {
	var out []Number
	taken := make([]bool, len(text))
	take := func(start, end int) {
		for i := start; i < end; i++ {
			taken[i] = true
		}
	}
	for _, m := range changePattern.FindAllStringSubmatchIndex(text, -1) {
		n := Number{Change: true, Start: m[0], End: m[1]}
		if m[2] >= 0 {
			signed := text[m[2]:m[3]]
			v, ok := parseDigits(strings.TrimLeft(signed, "+-−– "))
			if !ok {
				continue
			}
			if !strings.HasPrefix(signed, "+") {
				v = v.Neg()
			}
			n.Value = v
			take(m[0], m[3])
		} else {
			take(m[0], m[5])
		}
		n.Text = strings.TrimRight(text[m[0]:m[1]], ";")
		if strings.HasSuffix(text[m[0]:m[1]], ";") {
			n.Text += ")"
		}
		out = append(out, n)
	}
	for _, m := range digitsPattern.FindAllStringIndex(text, -1) {
		if taken[m[0]] {
			continue
		}
		s := text[m[0]:m[1]]
		if v, ok := parseDigits(s); ok {
			out = append(out, Number{Text: s, Value: v, Start: m[0], End: m[1]})
		}
	}
	for _, m := range scaledPattern.FindAllStringIndex(text, -1) {
		if taken[m[0]] {
			continue
		}
		if v, ok := parseScaled(text[m[0]:m[1]]); ok {
			out = append(out, Number{Text: text[m[0]:m[1]], Value: decimal.NewFromInt(v), Start: m[0], End: m[1]})
			take(m[0], m[1])
		}
	}
	for _, m := range wordPattern.FindAllStringIndex(text, -1) {
		if taken[m[0]] {
			continue
		}
		if v, ok := parseWords(text[m[0]:m[1]]); ok {
			out = append(out, Number{Text: text[m[0]:m[1]], Value: decimal.NewFromInt(int64(v)), Start: m[0], End: m[1]})
		}
	}
	sortByStart(out)
	return out
}

func sortByStart(ns []Number) {
	for i := 1; i < len(ns); i++ {
		for j := i; j > 0 && ns[j].Start < ns[j-1].Start; j-- {
			ns[j], ns[j-1] = ns[j-1], ns[j]
		}
	}
}

var (
	commaGrouped    = regexp.MustCompile(`^\d{1,3}(,\d{3})+$`)
	europeanGrouped = regexp.MustCompile(`^\d{1,3}(\.\d{3})+$`)
	plainDecimal    = regexp.MustCompile(`^\d+(\.\d+)?$`)
)

// parseDigits reads "10,254" (comma thousands), "1.441" (the report's
// European thousands separator in chart captions) and "7.5" (a decimal).
// A dot followed by exactly three digits is read as a thousands separator:
// the report writes no decimals with three places.
func parseDigits(s string) (decimal.Decimal, bool) {
	switch {
	case commaGrouped.MatchString(s):
		s = strings.ReplaceAll(s, ",", "")
	case europeanGrouped.MatchString(s):
		s = strings.ReplaceAll(s, ".", "")
	case !plainDecimal.MatchString(s):
		return decimal.Decimal{}, false
	}
	v, err := dataset.ParseValue(s)
	return v, err == nil
}

// parseScaled reads "one hundred and sixty-one" (161), "a thousand" (1000),
// "two thousand five hundred" (2500).
func parseScaled(s string) (int64, bool) {
	var total, current int64
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return r == ' ' || r == '-' || r == '\n' || r == '\t' }) {
		if scale, ok := scales[w]; ok {
			current = max(current, 1) * scale
			if scale >= 1000 {
				total, current = total+current, 0
			}
			continue
		}
		switch v, ok := smallNumbers[w]; {
		case ok:
			current += int64(v)
		case tens[w] > 0:
			current += int64(tens[w])
		case w == "a":
			current++
		case w != "and":
			return 0, false
		}
	}
	return total + current, total+current > 0
}

func parseWords(s string) (int, bool) {
	lower := strings.ToLower(s)
	if v, ok := smallNumbers[lower]; ok {
		return v, true
	}
	ten, unit, compound := strings.Cut(lower, "-")
	t, ok := tens[ten]
	if !ok {
		return 0, false
	}
	if !compound {
		return t, true
	}
	u, ok := smallNumbers[unit]
	if !ok || u == 0 || u > 9 {
		return 0, false
	}
	return t + u, true
}

// Normalize collapses runs of whitespace to one space, so a quote can be found
// in the report whatever its line breaks. Nothing else is changed: a quote
// must otherwise be verbatim.
func Normalize(s string) string {
	norm, _ := normalize(s)
	return norm
}
