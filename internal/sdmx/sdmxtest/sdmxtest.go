// Package sdmxtest checks SDMX messages with the tools a consumer would:
// xmllint against the official SDMX-ML 2.1 schemas, ajv against the
// official SDMX-JSON 2.0 schemas, and the SDMX working group's sdmx-rest
// library for query URLs. The schemas are committed under
// internal/sdmx/testdata (CI has no network); the npm packages are
// installed there by `npm ci` (.ci/run does). A missing tool skips a test,
// or fails it under CI=true.
package sdmxtest

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// testdata is internal/sdmx/testdata, wherever the test runs from.
func testdata() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "testdata")
}

// SkipOrFail skips the test with reason, or fails it under CI=true, where
// .ci/run has installed every tool.
func SkipOrFail(t testing.TB, reason string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s (CI=true: .ci/run should have installed it)", reason)
	}
	t.Skip(reason)
}

func tool(t testing.TB, name, install string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		SkipOrFail(t, name+" is not installed: "+install)
	}
	return path
}

func toolsDir(t testing.TB) string {
	t.Helper()
	dir := filepath.Join(testdata(), "tools")
	for _, pkg := range []string{"ajv", "ajv-formats", "sdmx-rest"} {
		if _, err := os.Stat(filepath.Join(dir, "node_modules", pkg, "package.json")); err != nil {
			SkipOrFail(t, "the npm package "+pkg+" is not installed: run `npm ci` in internal/sdmx/testdata/tools")
		}
	}
	return dir
}

// ValidateXML validates an SDMX-ML 2.1 message against the official
// schemas. extra are further schemas by file name, written beside the
// official ones and imported with them: the structure-specific schema a
// StructureSpecificData message's data set is typed by.
func ValidateXML(t testing.TB, doc []byte, extra map[string][]byte) {
	t.Helper()
	xmllint := tool(t, "xmllint", "apt-get install libxml2-utils")
	dir := t.TempDir()
	official := filepath.Join(testdata(), "sdmx-ml-2.1")
	entries, err := os.ReadDir(official)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".xsd") {
			if err := os.Symlink(filepath.Join(official, e.Name()), filepath.Join(dir, e.Name())); err != nil {
				t.Fatal(err)
			}
		}
	}
	imports := `<xs:import namespace="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message" schemaLocation="SDMXMessage.xsd"/>`
	for name, schema := range extra {
		if err := os.WriteFile(filepath.Join(dir, name), schema, 0o644); err != nil {
			t.Fatal(err)
		}
		ns := targetNamespace(t, schema)
		imports += `<xs:import namespace="` + ns + `" schemaLocation="` + name + `"/>`
	}
	wrapper := `<?xml version="1.0" encoding="UTF-8"?><xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">` + imports + `</xs:schema>`
	if err := os.WriteFile(filepath.Join(dir, "all.xsd"), []byte(wrapper), 0o644); err != nil {
		t.Fatal(err)
	}
	docPath := filepath.Join(dir, "message.xml")
	if err := os.WriteFile(docPath, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(xmllint, "--noout", "--nonet", "--schema", filepath.Join(dir, "all.xsd"), docPath).CombinedOutput()
	if err != nil {
		t.Fatalf("xmllint: the message is not valid SDMX-ML 2.1: %v\n%s", err, firstLines(out, 20))
	}
}

func targetNamespace(t testing.TB, schema []byte) string {
	t.Helper()
	_, rest, ok := bytes.Cut(schema, []byte(`targetNamespace="`))
	if !ok {
		t.Fatal("schema has no targetNamespace")
	}
	ns, _, _ := bytes.Cut(rest, []byte(`"`))
	return string(ns)
}

// Kinds of SDMX-JSON message.
const (
	Data      = "data"
	Structure = "structure"
)

// ValidateJSON validates an SDMX-JSON 2.0 message of the given kind against
// the official schema, with ajv.
func ValidateJSON(t testing.TB, doc []byte, kind string) {
	t.Helper()
	node := tool(t, "node", "apt-get install nodejs npm")
	dir := toolsDir(t)
	schema := filepath.Join(testdata(), "sdmx-json-2.0", "sdmx-json-"+kind+"-schema.json")
	cmd := exec.Command(node, filepath.Join(dir, "validate.mjs"), schema)
	cmd.Dir = dir
	cmd.Stdin = bytes.NewReader(doc)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("ajv: the message is not valid SDMX-JSON 2.0 (%s): %v\n%s", kind, err, firstLines(out, 60))
	}
}

// URLs builds the URLs of SDMX REST queries with the sdmx-rest library's
// getUrl, for the service at base: queries are its query objects (data
// queries {flow, key, start, end, lastNObs, obsDimension, detail, …},
// structure queries {resource, agency, id, version, references, detail}),
// for SDMX REST 2.1; with "api": "v2.0.0", SDMX 3.0 data queries {context,
// key, filters, lastNObs, obsDimension, attributes, measures, …}.
func URLs(t testing.TB, base string, queries []map[string]any) []string {
	t.Helper()
	node := tool(t, "node", "apt-get install nodejs npm")
	dir := toolsDir(t)
	in, err := json.Marshal(map[string]any{"service": base, "queries": queries})
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, filepath.Join(dir, "urls.mjs"))
	cmd.Dir = dir
	cmd.Stdin = bytes.NewReader(in)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("sdmx-rest getUrl: %v", err)
	}
	urls := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(urls) != len(queries) {
		t.Fatalf("sdmx-rest built %d URLs for %d queries", len(urls), len(queries))
	}
	return urls
}

func firstLines(b []byte, n int) string {
	lines := strings.SplitN(string(b), "\n", n+1)
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "\n")
}
