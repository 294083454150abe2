package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"indicators/internal/testdb"
)

// runAsCommand makes the test binary run main instead of the tests, for
// tests about the process itself: its signals, its exit, what it leaves.
const runAsCommand = "INDICATORS_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runAsCommand) == "1" {
		main()
		os.Exit(0)
	}
	testdb.Main(m)
}

// env builds a getenv from pairs.
func env(pairs ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(pairs); i += 2 {
		m[pairs[i]] = pairs[i+1]
	}
	return func(k string) string { return m[k] }
}

// syncBuffer is a bytes.Buffer safe for the logger and the test to share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var servingLine = regexp.MustCompile(`serving on (http://\S+/) `)

// startServe runs `indicators serve` on a free port and returns its base URL,
// its log, and a stop function that waits for a clean shutdown.
func startServe(t *testing.T, getenv func(string) string) (string, *syncBuffer, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	logs := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"indicators", "serve"}, getenv, strings.NewReader(""), pw, logs)
		pw.Close()
	}()
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if m := servingLine.FindStringSubmatch(sc.Text()); m != nil {
				urls <- m[1]
			}
		}
	}()
	var base string
	select {
	case base = <-urls:
	case err := <-done:
		cancel()
		t.Fatalf("serve ended before listening: %v\n%s", err, logs)
	case <-time.After(2 * time.Minute):
		cancel()
		t.Fatalf("serve did not start listening\n%s", logs)
	}
	stop := func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve returned %v\n%s", err, logs)
		}
	}
	return base, logs, stop
}

type gqlResponse struct {
	Data   json.RawMessage
	Errors []struct {
		Message    string
		Extensions map[string]any
	}
}

func postQuery(t *testing.T, base, query string) gqlResponse {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"query": query})
	req, _ := http.NewRequest(http.MethodPost, base+"graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/graphql-response+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST /graphql: %v", err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/graphql-response+json") {
		t.Errorf("Content-Type = %q", ct)
	}
	var out gqlResponse
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("decode response: %v", err)
	}
	return out
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

const indicatorsQuery = `{ indicators(first: 1) { totalCount edges { cursor node { code unit { code } } } pageInfo { hasNextPage endCursor } } }`

func TestServeOverHTTP(t *testing.T) {
	base, logs, stop := startServe(t, env("DATABASE_URL", testdb.DSN(t), "ADDR", "127.0.0.1:0"))
	defer stop()

	t.Run("indicators connection", func(t *testing.T) {
		resp := postQuery(t, base, indicatorsQuery)
		if len(resp.Errors) > 0 {
			t.Fatalf("errors: %+v", resp.Errors)
		}
		var data struct {
			Indicators struct {
				TotalCount int
				Edges      []struct {
					Cursor string
					Node   struct {
						Code string
						Unit struct{ Code string }
					}
				}
				PageInfo struct {
					HasNextPage bool
					EndCursor   string
				}
			}
		}
		if err := json.Unmarshal(resp.Data, &data); err != nil {
			t.Fatal(err)
		}
		c := data.Indicators
		if c.TotalCount < 2 || len(c.Edges) != 1 || !c.PageInfo.HasNextPage || c.Edges[0].Node.Unit.Code == "" {
			t.Errorf("unexpected first page: %+v", c)
		}
		next := postQuery(t, base, `{ indicators(first: 100, after: "`+c.PageInfo.EndCursor+`") { totalCount nodes { code } pageInfo { hasNextPage hasPreviousPage } } }`)
		var page2 struct {
			Indicators struct {
				Nodes    []struct{ Code string }
				PageInfo struct{ HasNextPage, HasPreviousPage bool }
			}
		}
		if err := json.Unmarshal(next.Data, &page2); err != nil {
			t.Fatal(err)
		}
		if got := len(page2.Indicators.Nodes) + 1; got != c.TotalCount {
			t.Errorf("two pages hold %d indicators, totalCount says %d", got, c.TotalCount)
		}
		if page2.Indicators.PageInfo.HasNextPage || !page2.Indicators.PageInfo.HasPreviousPage {
			t.Errorf("last page info = %+v", page2.Indicators.PageInfo)
		}
	})

	errorCases := []struct {
		name, query, code string
	}{
		{"first above 100", `{ indicators(first: 101) { totalCount } }`, "BAD_USER_INPUT"},
		{"first below 1", `{ indicators(first: 0) { totalCount } }`, "BAD_USER_INPUT"},
		{"foreign cursor", `{ indicators(after: "bm90LWEtY3Vyc29y") { totalCount } }`, "BAD_USER_INPUT"},
		{"unknown field", `{ indicators { nope } }`, "GRAPHQL_VALIDATION_FAILED"},
		{"syntax error", `{ indicators(`, "GRAPHQL_PARSE_FAILED"},
	}
	for _, tc := range errorCases {
		t.Run(tc.name, func(t *testing.T) {
			resp := postQuery(t, base, tc.query)
			if len(resp.Errors) == 0 || resp.Errors[0].Extensions["code"] != tc.code {
				t.Errorf("errors = %+v, want code %s", resp.Errors, tc.code)
			}
		})
	}

	for _, path := range []string{"healthz", "readyz"} {
		t.Run(path, func(t *testing.T) {
			if status, body := get(t, base+path); status != http.StatusOK || body != "ok\n" {
				t.Errorf("GET /%s = %d %q", path, status, body)
			}
		})
	}
	t.Run("metrics", func(t *testing.T) {
		status, body := get(t, base+"metrics")
		if status != http.StatusOK || !strings.Contains(body, `indicators_http_requests_total{code="200",method="post",route="/graphql"}`) {
			t.Errorf("GET /metrics = %d, body lacks the GraphQL request counter:\n%.500s", status, body)
		}
	})
	t.Run("logs are JSON, and no pprof unless asked", func(t *testing.T) {
		lines := jsonLines(t, logs.String())
		if len(lines) == 0 {
			t.Fatal("serve logged nothing")
		}
		for _, l := range lines {
			if l["msg"] == pprofMessage {
				t.Errorf("a pprof listener without PPROF_ADDR: %v", l)
			}
		}
		if status, body := get(t, base+"debug/pprof/cmdline"); status == http.StatusOK && strings.Contains(body, "indicators") {
			t.Errorf("the API serves pprof: %d %q", status, body)
		}
	})
}

const pprofMessage = "pprof listening"

func jsonLines(t *testing.T, log string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for line := range strings.Lines(log) {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Errorf("a log line is not JSON: %q", line)
			continue
		}
		out = append(out, m)
	}
	return out
}

// TestServePprofOptIn: PPROF_ADDR serves Go's profiles on an address of its
// own, the API's address still does not; LOG_FORMAT=text logs text.
func TestServePprofOptIn(t *testing.T) {
	base, logs, stop := startServe(t, env("DATABASE_URL", testdb.DSN(t), "ADDR", "127.0.0.1:0",
		"PPROF_ADDR", "127.0.0.1:0", "LOG_FORMAT", "text"))
	defer stop()
	m := regexp.MustCompile(`msg="` + pprofMessage + `" addr=(\S+)`).FindStringSubmatch(logs.String())
	if m == nil {
		t.Fatalf("no text line saying where pprof listens:\n%s", logs)
	}
	if status, body := get(t, "http://"+m[1]+"/debug/pprof/cmdline"); status != http.StatusOK || !strings.Contains(body, "indicators") {
		t.Errorf("pprof's cmdline: %d %q", status, body)
	}
	if status, _ := get(t, "http://"+m[1]+"/debug/pprof/goroutine?debug=1"); status != http.StatusOK {
		t.Errorf("pprof's goroutines: %d", status)
	}
	if status, body := get(t, base+"debug/pprof/cmdline"); status == http.StatusOK && strings.Contains(body, "indicators") {
		t.Errorf("the API serves pprof too: %d %q", status, body)
	}
}

// clusterDataDir is a DATA_DIR for a private cluster of the test's own,
// removed when the test ends. t.TempDir sits in a directory closed to the
// cluster's unprivileged user, which would move the cluster elsewhere, out
// of reach of the cleanup.
func clusterDataDir(t *testing.T) string {
	t.Helper()
	parent, err := os.MkdirTemp("", "indicators-serve-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(parent) })
	if err := os.Chmod(parent, 0o755); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(parent, "data")
}

// TestServeEmbeddedReusesData is the README's first command: no DATABASE_URL,
// a private cluster in DATA_DIR, the bundled data loaded once and kept.
func TestServeEmbeddedReusesData(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a private PostgreSQL twice")
	}
	getenv := env("DATA_DIR", clusterDataDir(t), "ADDR", "127.0.0.1:0")

	base, logs, stop := startServe(t, getenv)
	first := postQuery(t, base, `{ indicators(first: 1) { totalCount } }`)
	stop()
	if !strings.Contains(logs.String(), "loaded bundled dataset") {
		t.Errorf("first start did not load the bundled dataset:\n%s", logs)
	}

	base, logs, stop = startServe(t, getenv)
	defer stop()
	second := postQuery(t, base, `{ indicators(first: 1) { totalCount } }`)
	if strings.Contains(logs.String(), "loaded bundled dataset") {
		t.Errorf("second start loaded the dataset again instead of reusing it:\n%s", logs)
	}
	if string(first.Data) != string(second.Data) || len(first.Errors)+len(second.Errors) > 0 {
		t.Errorf("data differs across restarts: %s vs %s (%+v %+v)", first.Data, second.Data, first.Errors, second.Errors)
	}
}

func TestLoadCommand(t *testing.T) {
	dsn := testdb.DSN(t)
	fixture, err := os.ReadFile("../../internal/dataset/testdata/fixture.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	broken := filepath.Join(dir, "broken.yaml")
	os.WriteFile(good, fixture, 0o644)
	os.WriteFile(broken, []byte(strings.Replace(strings.Replace(string(fixture), "value: 91", "value: 9l", 1),
		"unit: calls\n    theme", "unit: call\n    theme", 1)), 0o644)

	runCases(t, env("DATABASE_URL", dsn), []cliCase{
		{"dry run", []string{"load", "--dry-run", good}, false, "fixture-2024: loaded, 7 observations\ndry run: rolled back", nil},
		{"broken file lists every problem", []string{"load", good, broken}, true, "",
			[]string{broken + ":45: indicator: unknown unit \"call\"", broken + ":50: observation: value \"9l\" is not a plain decimal", "nothing was loaded"}},
		{"load", []string{"load", good}, false, "fixture-2024: loaded, 7 observations, revision 1\n", nil},
		{"load again", []string{"load", good}, false, "fixture-2024: unchanged, 0 observations\n", nil},
		{"missing file", []string{"load", filepath.Join(dir, "nope.yaml")}, true, "", nil},
		{"no file", []string{"load"}, true, "", []string{"usage: indicators load"}},
	})
}

func TestExportCommand(t *testing.T) {
	dsn := testdb.DSN(t)
	// The first run loads the bundled dataset into the empty database.
	runCases(t, env("DATABASE_URL", dsn, "EXPORT_MAX_CONNS", "1"), []cliCase{
		{"export with a share of one connection", []string{"export", "--format", "sdmx.csv", "--release", "az-2024"}, false, "DATAFLOW,", nil},
		{"bad filter", []string{"export", "--format", "sdmx.csv", "--period", "20x4"}, true, "", nil},
		{"unknown format", []string{"export", "--format", "sdmx.xml"}, true, "", []string{"one of: glotip-coverage.csv, "}},
	})
	runCases(t, env("DATABASE_URL", dsn, "EXPORT_MAX_CONNS", "0"), []cliCase{
		{"no connections for exports", []string{"export", "--format", "sdmx.csv"}, true, "", nil},
	})
	bySex := []string{"export", "--format", "sdmx.csv", "--indicators", "victims_identified", "--periods", "2024", "--exactlyBy", "SEX"}
	runCases(t, env("DATABASE_URL", dsn, "SUPPRESS_BELOW", "5"), []cliCase{
		{"small cells: the 1 man suppressed", bySex, false, ",M,_T,_T,_T,_T,_T,_T,_Z,_Z,_Z,_Z,_Z,_Z,_Z,_Z,_Z,_Z,_Z,_Z,_Z,_Z,_Z,2024,,Q,C,", nil},
		{"small cells: --restricted reads as a partner", append(slices.Clone(bySex), "--restricted"), false, ",M,_T,_T,_T,_T,_T,_T,_Z,_Z,_Z,_Z,_Z,_Z,_Z,_Z,_Z,_Z,_Z,_Z,_Z,_Z,_Z,2024,1,A,F,", nil},
	})
	runCases(t, env("DATABASE_URL", dsn, "SUPPRESS_BELOW", "1"), []cliCase{
		{"a threshold that suppresses nothing", bySex, true, "", nil},
	})
}

// cliCase is one command line and what it must print.
type cliCase struct {
	name       string
	args       []string
	wantErr    bool
	wantOut    string   // on stdout
	wantStderr []string // each on stderr
}

// runCases runs each command line with getenv and checks what it printed.
func runCases(t *testing.T, getenv func(string) string, cases []cliCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := run(context.Background(), append([]string{"indicators"}, tc.args...), getenv, strings.NewReader(""), &out, &errOut)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v\nstderr: %s", err, tc.wantErr, errOut.String())
			}
			if !strings.Contains(out.String(), tc.wantOut) {
				t.Errorf("stdout %q lacks %q", out.String(), tc.wantOut)
			}
			for _, want := range tc.wantStderr {
				if !strings.Contains(errOut.String(), want) {
					t.Errorf("stderr %q lacks %q", errOut.String(), want)
				}
			}
		})
	}
}

// TestSynthCommand writes a synthetic world file and loads it in a dry run:
// every file synth writes is one load accepts.
func TestSynthCommand(t *testing.T) {
	dsn := testdb.DSN(t)
	dir := t.TempDir()
	file, csv, inline := filepath.Join(dir, "world.yaml"), filepath.Join(dir, "world.csv"), filepath.Join(dir, "inline.yaml")
	runCases(t, env("DATABASE_URL", dsn), []cliCase{
		{"synth", []string{"synth", "--observations", "3000", "--seed", "3", "-o", file}, false, "",
			[]string{"synth: 4071 observations (4064 reported, 7 derived from a change), 1 countries, 3 years"}},
		{"dry run of the synthetic file", []string{"load", "--dry-run", file}, false,
			"world-synthetic: loaded, 4071 observations\ndry run: rolled back",
			[]string{"load: world-synthetic: 100% of the observations file read"}},
		{"inline", []string{"synth", "--observations", "3000", "--seed", "3", "--inline", "-o", inline}, false, "", nil},
		{"dry run of the inline file", []string{"load", "--dry-run", inline}, false,
			"world-synthetic: loaded, 4071 observations\ndry run: rolled back", nil},
		{"check reads the observations file", []string{"check", file}, false, "664 breakdowns: 0 inconsistent, 0 partial (only some members stated), 664 add up", nil},
		{"no size", []string{"synth", "--observations", "0"}, true, "", []string{"--observations must be positive"}},
		{"no extension to swap", []string{"synth", "-o", csv}, true, "", []string{"name the data file FILE.yaml"}},
	})
	if b, err := os.ReadFile(inline); err != nil || bytes.Contains(b, []byte("observations_file")) {
		t.Errorf("the inline file names an observations file (%v)", err)
	}
	f, err := os.OpenFile(csv, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintln(f, "victims_identifed,2024,1,,,MIA,AFG,,Synthetic,1")
	f.Close()
	runCases(t, env("DATABASE_URL", dsn), []cliCase{
		{"a broken observations file", []string{"load", file}, true, "",
			[]string{csv + ":4066: observation: unknown indicator \"victims_identifed\"", "nothing was loaded"}},
	})
}
