package scalar

import (
	"io"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"indicators/internal/dataset"
)

// MarshalDateTime writes a time in UTC, RFC 3339 with as many fractional
// digits as it has: a revision's time read back as a Vintage names that
// very revision.
func MarshalDateTime(t time.Time) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		_, _ = io.WriteString(w, strconv.Quote(t.UTC().Format(time.RFC3339Nano)))
	})
}

// UnmarshalDateTime reads an RFC 3339 time; anything else is the client's
// mistake, coded as such.
func UnmarshalDateTime(v any) (time.Time, error) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, dataset.Errorf(dataset.ErrBadInput, "DateTime: %v is not a string; write an RFC 3339 time such as \"2026-12-01T00:00:00Z\"", v)
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, dataset.Errorf(dataset.ErrBadInput, "DateTime: %q is not an RFC 3339 time such as \"2026-12-01T00:00:00Z\"", s)
	}
	return t, nil
}
