package graph

import (
	"context"

	"indicators/internal/dataset"
)

// labelText is one row's label in English and its translations, named for
// extensions.language.fellBack ("indicator:victims_identified.name").
type labelText struct {
	ref     string
	english string
	labels  dataset.Labels
	codes   dataset.StandardCodes
}

// localize serves a row's label in the request's language, or in lang when
// the field names one, noting it when it fell back to English. The labels
// come from the request's catalog (the code lists held in the process),
// whichever read produced the row, so a language costs no statement.
func localize[T any](ctx context.Context, row *T, lang *string, text func(*dataset.Catalog, *T) labelText) (dataset.Localized, error) {
	c, err := catalogFor(ctx)
	if err != nil {
		return dataset.Localized{}, err
	}
	use := dataset.LanguageOf(ctx)
	served, unoffered := use.Language, false
	if lang != nil {
		if served, unoffered, err = dataset.LanguageArgument(*lang); err != nil {
			return dataset.Localized{}, err
		}
	}
	t := text(c, row)
	l := dataset.Localize(t.english, t.labels, t.codes, served)
	// Asked for a language the API does not offer, an English label fell
	// back all the same.
	l.FellBack = l.FellBack || unoffered && t.english != ""
	use.Note(t.ref, l)
	return l, nil
}

// localizeText is localize for a field that is a plain string.
func localizeText[T any](ctx context.Context, row *T, lang *string, text func(*dataset.Catalog, *T) labelText) (string, error) {
	l, err := localize(ctx, row, lang, text)
	return l.Text, err
}

// localizeOptional is localize for a field that is null when empty.
func localizeOptional[T any](ctx context.Context, row *T, lang *string, text func(*dataset.Catalog, *T) labelText) (*string, error) {
	l, err := localize(ctx, row, lang, text)
	return optional(l.Text), err
}

// allLabels answers a names field: a row's label in every language.
func allLabels[T any](ctx context.Context, row *T, text func(*dataset.Catalog, *T) labelText) ([]dataset.Localized, error) {
	c, err := catalogFor(ctx)
	if err != nil {
		return nil, err
	}
	t := text(c, row)
	return dataset.AllLabels(t.english, t.labels, t.codes), nil
}

// The labels of each kind of row, from the catalog's entry for its code
// (the row itself when the catalog has none).

// entry is the catalog's entry for row's code, or row.
func entry[V any](m map[string]V, code string, row *V) *V {
	if v, ok := m[code]; ok {
		return &v
	}
	return row
}

func unitName(c *dataset.Catalog, u *dataset.Unit) labelText {
	u = entry(c.Units, u.Code, u)
	return labelText{ref: "unit:" + u.Code + ".name", english: u.Name, labels: u.Names}
}

func refAreaName(c *dataset.Catalog, a *dataset.RefArea) labelText {
	a = entry(c.RefAreas, a.Code, a)
	return labelText{ref: "refArea:" + a.Code + ".name", english: a.Name, labels: a.Names, codes: a.StandardCodes}
}

func agencyName(c *dataset.Catalog, a *dataset.Agency) labelText {
	a = entry(c.Agencies, a.Code, a)
	return labelText{ref: "agency:" + a.Code + ".name", english: a.Name, labels: a.Names}
}

func agencyShortName(c *dataset.Catalog, a *dataset.Agency) labelText {
	a = entry(c.Agencies, a.Code, a)
	return labelText{ref: "agency:" + a.Code + ".shortName", english: a.ShortName, labels: a.ShortNames}
}

func indicatorName(c *dataset.Catalog, i *dataset.Indicator) labelText {
	i = entry(c.Indicators, i.Code, i)
	return labelText{ref: "indicator:" + i.Code + ".name", english: i.Name, labels: i.Names}
}

func indicatorDescription(c *dataset.Catalog, i *dataset.Indicator) labelText {
	i = entry(c.Indicators, i.Code, i)
	return labelText{ref: "indicator:" + i.Code + ".description", english: i.Description, labels: i.Descriptions}
}

func dimensionName(c *dataset.Catalog, d *dataset.Dimension) labelText {
	d = entry(c.Dimensions, d.Code, d)
	return labelText{ref: "dimension:" + d.Code + ".name", english: d.Name, labels: d.Names}
}

func dimensionDescription(c *dataset.Catalog, d *dataset.Dimension) labelText {
	d = entry(c.Dimensions, d.Code, d)
	return labelText{ref: "dimension:" + d.Code + ".description", english: d.Description, labels: d.Descriptions}
}

func memberName(c *dataset.Catalog, m *dataset.Member) labelText {
	m = catalogMember(c, m)
	return labelText{ref: "member:" + m.Dimension + "=" + m.Code + ".name", english: m.Name, labels: m.Names, codes: m.StandardCodes}
}

func memberDescription(c *dataset.Catalog, m *dataset.Member) labelText {
	m = catalogMember(c, m)
	return labelText{ref: "member:" + m.Dimension + "=" + m.Code + ".description", english: m.Description, labels: m.Descriptions}
}

func catalogMember(c *dataset.Catalog, m *dataset.Member) *dataset.Member {
	if v, ok := c.Dimensions[m.Dimension].Member(m.Code); ok {
		return &v
	}
	return m
}
