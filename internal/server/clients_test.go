package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"indicators/internal/server"
)

// TestTypedClients does what a frontend developer does with the published
// schema: GraphQL Code Generator turns it and the saved example queries into
// TypeScript types, tsc checks them together with a client using them and
// with the server's real responses typed as the generated query types, and
// the Relay compiler accepts the schema with a paginated, refetchable
// fragment (@connection, @refetchable through Node).
func TestTypedClients(t *testing.T) {
	if _, err := exec.LookPath("node"); err != nil {
		skipOrFail(t, "node is not installed: the typed-client test runs GraphQL Code Generator, tsc and the Relay compiler")
	}
	tools := npmDir(t, "TYPED_CLIENTS_DIR", "clients", "a typed-client toolchain", ".bin/graphql-codegen", ".bin/tsc", ".bin/relay-compiler")
	_, srv := bundledServer(t)

	work := t.TempDir()
	if err := os.CopyFS(work, os.DirFS(filepath.Join("testdata", "clients", "project"))); err != nil {
		t.Fatal(err)
	}
	// The tools and their plugins resolve from the project's node_modules.
	if err := os.Symlink(filepath.Join(tools, "node_modules"), filepath.Join(work, "node_modules")); err != nil {
		t.Fatal(err)
	}
	sdl := get(t, srv, "/graphql/schema.graphql", nil)
	if sdl.status != http.StatusOK {
		t.Fatalf("SDL: status %d", sdl.status)
	}
	write(t, filepath.Join(work, "schema.graphql"), sdl.body)

	// Every saved example is an operation of the client, and its response
	// from the server is a value of the type generated for it.
	var responses strings.Builder
	var imports []string
	for i, ex := range server.Examples {
		write(t, filepath.Join(work, "operations", fmt.Sprintf("%02d.graphql", i)), ex.Query)
		doc, err := parser.ParseQuery(&ast.Source{Input: ex.Query})
		if err != nil || len(doc.Operations) != 1 || doc.Operations[0].Name == "" {
			t.Fatalf("example %q: one named operation, please (%v)", ex.Name, err)
		}
		typ := doc.Operations[0].Name + "Query"
		imports = append(imports, typ)
		fmt.Fprintf(&responses, "export const response%d: %s = %s;\n", i, typ, exampleData(t, srv.URL, ex.Query, ex.Variables))
	}
	write(t, filepath.Join(work, "responses.ts"),
		"import type { "+strings.Join(imports, ", ")+" } from \"./operations\";\n\n"+responses.String())

	run := func(tool string, args ...string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, filepath.Join(work, "node_modules", ".bin", tool), args...)
		cmd.Dir = work
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		start := time.Now()
		if err := cmd.Run(); err != nil {
			t.Fatalf("%s %s: %v\n%s", tool, strings.Join(args, " "), err, out.Bytes())
		}
		t.Logf("%s in %s", tool, time.Since(start).Round(time.Millisecond))
	}
	run("graphql-codegen", "--config", "codegen.yml", "--silent")
	run("tsc", "-p", "tsconfig.json")
	run("relay-compiler")
	for _, artifact := range []string{"AppQuery.graphql.ts", "IndicatorObservations_indicator.graphql.ts", "IndicatorObservationsPaginationQuery.graphql.ts"} {
		if _, err := os.Stat(filepath.Join(work, "relay", "__generated__", artifact)); err != nil {
			t.Errorf("the Relay compiler wrote no %s: %v", artifact, err)
		}
	}
}

// exampleData is the data of the server's answer to an example, as JSON.
func exampleData(t *testing.T, base, query, variables string) string {
	t.Helper()
	var vars map[string]any
	if variables != "" {
		if err := json.Unmarshal([]byte(variables), &vars); err != nil {
			t.Fatalf("example variables: %v", err)
		}
	}
	var data json.RawMessage
	graphQL(t, base, query, vars, &data)
	return string(data)
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
