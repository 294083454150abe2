package graph

import (
	"bytes"
	"testing"

	"github.com/99designs/gqlgen/graphql"
)

// TestQuotedIsMarshalString: the page writer quotes a string as gqlgen's
// MarshalString does, whether or not it needs an escape.
func TestQuotedIsMarshalString(t *testing.T) {
	for _, tc := range []struct{ name, s string }{
		{"empty", ""},
		{"plain", "Calls to the national hotline"},
		{"non-ASCII", "Türkiye — Azərbaycan"},
		{"a quote", `the "hotline"`},
		{"a backslash", `a\b`},
		{"a newline and a tab", "a\nb\tc"},
		{"a control character", "a\x01b"},
		{"invalid UTF-8", "a\xffb"},
		{"HTML", "<b>&</b>"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var want bytes.Buffer
			graphql.MarshalString(tc.s).MarshalGQL(&want)
			var w pageWriter
			w.quoted(tc.s)
			if w.buf.String() != want.String() {
				t.Errorf("quoted(%q) = %s, want %s", tc.s, w.buf.String(), want.String())
			}
		})
	}
}
