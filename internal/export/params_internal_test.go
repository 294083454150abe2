package export

import (
	"reflect"
	"testing"
	"time"

	"indicators/internal/dataset"
)

// TestDecoderForFieldsToCome: the kinds of field the filter is about to grow
// (a time, an optional time, a count) decode with no change here.
func TestDecoderForFieldsToCome(t *testing.T) {
	at := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		typ   reflect.Type
		value string
		want  any
	}{
		{"a time", reflect.TypeFor[time.Time](), "2025-03-01T12:00:00Z", at},
		{"an optional time", reflect.TypeFor[*time.Time](), "2025-03-01T12:00:00Z", &at},
		{"a count", reflect.TypeFor[int](), "3", 3},
		{"a list of enums", reflect.TypeFor[[]dataset.Theme](), "CONTEXT,PREVENTION", []dataset.Theme{dataset.ThemeContext, dataset.ThemePrevention}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dec, _, ok := decoderFor("field", tc.typ)
			if !ok {
				t.Fatalf("no decoding for %s", tc.typ)
			}
			v := reflect.New(tc.typ).Elem()
			if err := dec(v, []string{tc.value}); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(v.Interface(), tc.want) {
				t.Errorf("got %#v, want %#v", v.Interface(), tc.want)
			}
		})
	}
	if _, _, ok := decoderFor("field", reflect.TypeFor[map[string]int]()); ok {
		t.Error("a map decodes: the drift test could not tell a field that needs a decoding")
	}
	dec, _, _ := decoderFor("updatedAfter", reflect.TypeFor[time.Time]())
	if err := dec(reflect.New(reflect.TypeFor[time.Time]()).Elem(), []string{"yesterday"}); dataset.CodeOf(err) != dataset.ErrBadInput {
		t.Errorf("a bad time: %v, want BAD_USER_INPUT", err)
	}
}
