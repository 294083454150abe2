package dataset

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"sync"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// Labels are one text's translations keyed by canonical BCP 47 tag ("az",
// "ru"), written in the data file by the people who compile it. The entity's
// plain field (Name, Description) holds the English text, which is never
// repeated here and which every missing language falls back to.
type Labels map[string]string

// Languages are the languages the API offers, English first: the one every
// label has and every other falls back to.
var Languages = []language.Tag{language.English, language.Azerbaijani, language.Russian}

var languageMatcher = language.NewMatcher(Languages)

// NegotiateLanguage picks the offered language an Accept-Language header (or
// a lang argument, which is a list of one) prefers, English when it names
// none of them or does not parse.
func NegotiateLanguage(accept string) string {
	tags, _, err := language.ParseAcceptLanguage(accept)
	if err != nil || len(tags) == 0 {
		return "en"
	}
	_, i, conf := languageMatcher.Match(tags...)
	if conf == language.No {
		return "en"
	}
	return Languages[i].String()
}

// LabelSource is who wrote a label.
type LabelSource string

// Label sources.
const (
	SourceDataFile LabelSource = "data file" // the compilers of the data file (English, or their translation)
	SourceCLDR     LabelSource = "CLDR"      // the Unicode CLDR's country name, through golang.org/x/text
)

// Localized is a label in the language served, or in English when that
// language has none (FellBack).
type Localized struct {
	Text     string
	Language string // the tag of Text
	Source   LabelSource
	FellBack bool // asked for another language, which has no such label
}

// Localize picks the label for lang: the data file's translation, else for a
// country or area with an ISO 3166 alpha-2 or M49 code CLDR's name of it, else the
// English text, marked as fallen back. An English request, or an empty
// English text (an optional description left out), never falls back.
func Localize(english string, labels Labels, codes StandardCodes, lang string) Localized {
	if lang == "" || lang == "en" || english == "" {
		return Localized{Text: english, Language: "en", Source: SourceDataFile}
	}
	if t, ok := labels[lang]; ok {
		return Localized{Text: t, Language: lang, Source: SourceDataFile}
	}
	if name := regionName(codes, lang); name != "" {
		return Localized{Text: name, Language: lang, Source: SourceCLDR}
	}
	return Localized{Text: english, Language: "en", Source: SourceDataFile, FellBack: true}
}

// regionName is CLDR's name in lang of a country (its ISO 3166-1 alpha-2
// code) or of a UN M49 area such as 001, the World; "" when either is
// unknown.
func regionName(codes StandardCodes, lang string) string {
	code := cmp.Or(codes.ISO2, codes.M49)
	if code == "" {
		return ""
	}
	region, err := language.ParseRegion(code)
	if err != nil {
		return ""
	}
	namer := display.Regions(language.Make(lang))
	if namer == nil {
		return ""
	}
	return namer.Name(region)
}

// AllLabels are a text in every language it has, English first: the data
// file's translations and, for a country, CLDR's names in the offered
// languages the file does not translate. Structure exports (SDMX names)
// carry all of them.
func AllLabels(english string, labels Labels, codes StandardCodes) []Localized {
	out := []Localized{{Text: english, Language: "en", Source: SourceDataFile}}
	var tags []string
	for t := range labels {
		tags = append(tags, t)
	}
	for _, l := range Languages[1:] {
		if !slices.Contains(tags, l.String()) && regionName(codes, l.String()) != "" {
			tags = append(tags, l.String())
		}
	}
	slices.Sort(tags)
	for _, t := range tags {
		out = append(out, Localize(english, labels, codes, t))
	}
	return out
}

// LanguageUse is one request's language and the labels it served in English
// for want of a translation, named "kind:code.field" (indicator:
// victims_identified.name), so a response can say which ones fell back.
type LanguageUse struct {
	Language string

	mu       sync.Mutex
	fellBack []string
}

type languageKey struct{}

// WithLanguage returns ctx serving labels in lang (an offered tag).
func WithLanguage(ctx context.Context, lang string) (context.Context, *LanguageUse) {
	u := &LanguageUse{Language: lang}
	return context.WithValue(ctx, languageKey{}, u), u
}

// LanguageOf is ctx's language use; English when none was negotiated.
func LanguageOf(ctx context.Context) *LanguageUse {
	if u, ok := ctx.Value(languageKey{}).(*LanguageUse); ok {
		return u
	}
	return &LanguageUse{Language: "en"}
}

// Note records a label served: one that fell back is listed once.
func (u *LanguageUse) Note(name string, l Localized) {
	if !l.FellBack {
		return
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	if !slices.Contains(u.fellBack, name) {
		u.fellBack = append(u.fellBack, name)
	}
}

// FellBack lists the labels served in English instead, sorted.
func (u *LanguageUse) FellBack() []string {
	u.mu.Lock()
	defer u.mu.Unlock()
	out := append([]string{}, u.fellBack...)
	slices.Sort(out)
	return out
}

// LanguageArgument negotiates a lang argument: a tag that does not parse is
// the client's mistake, one the API does not offer is served in English
// (unoffered: every label it asks for falls back).
func LanguageArgument(lang string) (served string, unoffered bool, err error) {
	tag, err := language.Parse(lang)
	if err != nil {
		return "", false, Errorf(ErrBadInput, "lang: %q is not a BCP 47 language tag (offered: az, en, ru)", lang)
	}
	served = NegotiateLanguage(lang)
	base, _ := tag.Base()
	return served, served == "en" && base.String() != "en", nil
}

// Languages are the languages any label of the code lists is in (the data
// file's translations, CLDR's country names), English first.
func (c *CodeLists) Languages() []string {
	seen := map[string]bool{}
	note := func(english string, labels Labels, codes StandardCodes) {
		for _, l := range AllLabels(english, labels, codes) {
			seen[l.Language] = true
		}
	}
	for _, u := range c.Units {
		note(u.Name, u.Names, StandardCodes{})
	}
	for _, a := range c.RefAreas {
		note(a.Name, a.Names, a.StandardCodes)
	}
	for _, a := range c.Agencies {
		note(a.Name, a.Names, StandardCodes{})
		note(a.ShortName, a.ShortNames, StandardCodes{})
	}
	for _, d := range c.Dimensions {
		note(d.Name, d.Names, StandardCodes{})
		note(d.Description, d.Descriptions, StandardCodes{})
		for _, m := range d.Members {
			note(m.Name, m.Names, m.StandardCodes)
			note(m.Description, m.Descriptions, StandardCodes{})
		}
	}
	for _, i := range c.Indicators {
		note(i.Name, i.Names, StandardCodes{})
		note(i.Description, i.Descriptions, StandardCodes{})
	}
	delete(seen, "en")
	return append([]string{"en"}, slices.Sorted(maps.Keys(seen))...)
}
