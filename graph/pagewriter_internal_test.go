package graph

import (
	"bytes"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
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
			w := pageWriter{buf: new(bytes.Buffer)}
			w.quoted(tc.s)
			if w.buf.String() != want.String() {
				t.Errorf("quoted(%q) = %s, want %s", tc.s, w.buf.String(), want.String())
			}
		})
	}
}

// TestOnceWritesAnObjectOnce: the page writer writes a code-list object
// the first time a page names it and copies those bytes (and their count of
// values) after; another selection set, another code, or the same code in
// another dimension is another object, and an object whose writing failed
// is not remembered.
func TestOnceWritesAnObjectOnce(t *testing.T) {
	long := strings.Repeat("x", 1000)
	sel, other := ast.SelectionSet{&ast.Field{Name: "code"}}, ast.SelectionSet{&ast.Field{Name: "name"}}
	type write struct {
		sel             ast.SelectionSet
		dimension, code string
		fail            bool
	}
	for _, tc := range []struct {
		name   string
		writes []write
		// want is what the page holds; calls, how many writes ran.
		want  string
		calls int
	}{
		{"one code twice", []write{{sel, "", "A", false}, {sel, "", "A", false}}, "<A><A>", 1},
		{"two codes", []write{{sel, "", "A", false}, {sel, "", "B", false}, {sel, "", "A", false}}, "<A><B><A>", 2},
		{"two selection sets", []write{{sel, "", "A", false}, {other, "", "A", false}}, "<A><A>", 2},
		{"one member code in two dimensions", []write{{sel, "SEX", "X", false}, {sel, "AGE", "X", false}, {sel, "SEX", "X", false}}, "<SEX=X><AGE=X><SEX=X>", 2},
		{"no selection set", []write{{nil, "", "A", false}, {nil, "", "A", false}}, "<A><A>", 2},
		// The copy is read from the buffer it grows.
		{"a copy larger than the buffer's room", []write{{sel, "", long, false}, {sel, "", long, false}, {sel, "", long, false}}, strings.Repeat("<"+long+">", 3), 1},
		{"a failed write", []write{{sel, "", "A", true}, {sel, "", "A", false}}, "<A><A>", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := pageWriter{buf: new(bytes.Buffer)}
			calls := 0
			for _, wr := range tc.writes {
				w.once(wr.sel, wr.dimension, wr.code, func() {
					calls++
					w.values += 2
					w.buf.WriteString("<")
					if wr.dimension != "" {
						w.buf.WriteString(wr.dimension + "=")
					}
					w.buf.WriteString(wr.code + ">")
					w.failed = wr.fail
				})
				w.failed = false
			}
			if w.buf.String() != tc.want || calls != tc.calls {
				t.Errorf("wrote %s in %d writes, want %s in %d", w.buf.String(), calls, tc.want, tc.calls)
			}
			if w.values != int64(2*len(tc.writes)) {
				t.Errorf("counted %d values, want %d", w.values, 2*len(tc.writes))
			}
		})
	}
}
