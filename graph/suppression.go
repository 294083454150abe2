package graph

import (
	"github.com/shopspring/decimal"

	"indicators/graph/model"
	"indicators/internal/dataset"
)

// What the store masked for a client without a key (dataset.Suppression.Mask)
// reads as null here, with the reason: the masked value is zero, not the
// figure, so nothing may read Value without asking published first.

// published is o's value, nil when it is suppressed.
func published(o *dataset.Observation) *decimal.Decimal {
	if o.Suppressed != "" {
		return nil
	}
	return &o.Value
}

// suppressionOf says why o's value is suppressed; nil when it is not.
func suppressionOf(o *dataset.Observation) *model.Suppression {
	if o.Suppressed == "" {
		return nil
	}
	return &model.Suppression{Reason: o.Suppressed, Message: o.Suppressed.Explain()}
}

// withheld lists what of o is withheld.
func withheld(o *dataset.Observation) []model.Withheld {
	out := []model.Withheld{}
	for _, w := range []struct {
		is   bool
		what model.Withheld
	}{
		{o.Suppressed != "", model.WithheldValue},
		{o.ChangeWithheld, model.WithheldChange},
		{o.Source.Withheld, model.WithheldQuote},
		{o.NoteWithheld, model.WithheldNote},
	} {
		if w.is {
			out = append(out, w.what)
		}
	}
	return out
}

// quoteOf is a source's quote, nil when it is withheld.
func quoteOf(s *dataset.Source) *string {
	if s.Withheld {
		return nil
	}
	return &s.Quote
}
