package server_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/formatter"

	"indicators/internal/testdb"
)

// TestSchemaSDL: /graphql/schema.graphql is the schema of graph/*.graphqls,
// whole, as SDL a tool loads, with a validator.
func TestSchemaSDL(t *testing.T) {
	srv := newServer(t, testdb.New(t))
	r := get(t, srv, "/graphql/schema.graphql", nil)
	if r.status != http.StatusOK || r.header.Get("Content-Type") != "text/plain; charset=utf-8" {
		t.Fatalf("status %d, Content-Type %q", r.status, r.header.Get("Content-Type"))
	}
	served, err := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphql", Input: r.body})
	if err != nil {
		t.Fatalf("the served SDL does not load: %v", err)
	}

	files, err := filepath.Glob("../../graph/*.graphqls")
	if err != nil || len(files) == 0 {
		t.Fatalf("schema files: %v", err)
	}
	var sources []*ast.Source
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sources = append(sources, &ast.Source{Name: f, Input: string(b)})
	}
	written, err := gqlparser.LoadSchema(sources...)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := format(served), format(written); got != want {
		t.Errorf("the served schema is not graph/*.graphqls: %d bytes, want %d", len(got), len(want))
	}
	if !strings.Contains(r.body, "Selects observations. Fields combine with AND") {
		t.Error("descriptions are missing: the SDL is the documentation")
	}

	tag := r.header.Get("ETag")
	if tag == "" {
		t.Fatal("no ETag")
	}
	if again := get(t, srv, "/graphql/schema.graphql", map[string]string{"If-None-Match": tag}); again.status != http.StatusNotModified || again.body != "" {
		t.Errorf("If-None-Match: status %d, %d bytes", again.status, len(again.body))
	}
}

func format(s *ast.Schema) string {
	var b strings.Builder
	formatter.NewFormatter(&b).FormatSchema(s)
	return b.String()
}
