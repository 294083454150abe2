// Package scalar holds the GraphQL scalars bound to domain types in
// gqlgen.yml.
package scalar

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/99designs/gqlgen/graphql"
	"github.com/shopspring/decimal"

	"indicators/internal/dataset"
)

// MarshalDecimal writes a value as a JSON number, exactly and never in
// exponent form ("2643000", "12.35"). gqlgen.yml binds the schema's Float to
// it: every Float in the schema carries an observation value or something
// computed from values, and a float64 would print 2643000 as 2.643e+06 and
// lose digits beyond the sixteenth.
func MarshalDecimal(d decimal.Decimal) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		_, _ = io.WriteString(w, dataset.FormatValue(d))
	})
}

// UnmarshalDecimal reads a Float argument. JSON variables arrive as
// json.Number (gqlgen decodes them with UseNumber) and are read exactly; a
// literal in the query text arrives already parsed as a float64, which is
// read as the shortest decimal that converts back to it (12.35 stays 12.35).
func UnmarshalDecimal(v any) (decimal.Decimal, error) {
	switch v := v.(type) {
	case json.Number:
		return dataset.ParseValue(v.String())
	case string:
		return dataset.ParseValue(v)
	case int:
		return decimal.NewFromInt(int64(v)), nil
	case int64:
		return decimal.NewFromInt(v), nil
	case float64:
		return decimal.NewFromFloat(v), nil
	default:
		return decimal.Decimal{}, fmt.Errorf("%T is not a number", v)
	}
}
