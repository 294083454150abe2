package server_test

import (
	"bufio"
	"encoding/json"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"indicators/internal/ratelimit"
	"indicators/internal/server"
)

// logLines parses a JSON log, one object a line.
func logLines(t *testing.T, log string) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(log))
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("a log line is not JSON: %q: %v", sc.Text(), err)
		}
		out = append(out, m)
	}
	return out
}

const traceID, parentID = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"

func TestRequestLogs(t *testing.T) {
	logs := &lockedBuffer{}
	srv, _ := limitedServer(t, ratelimit.Policy{Points: 5}, server.Config{Logger: slog.New(slog.NewJSONHandler(logs, nil))})

	ok := post(t, srv, `query Tiles { rateLimit { cost } }`, map[string]string{
		"X-Request-Id": "req-1", "traceparent": "00-" + traceID + "-" + parentID + "-01"})
	if ok.header.Get("X-Request-Id") != "req-1" {
		t.Errorf("X-Request-Id %q, want the client's", ok.header.Get("X-Request-Id"))
	}
	post(t, srv, `query Costly { observations(first: 100) { nodes { indicator { observations(first: 100) { nodes { value } } } } } }`, map[string]string{"X-Request-Id": "req-2"})
	invalid := post(t, srv, `{ rateLimit { cost } }`, map[string]string{"X-Request-Id": "not a sane id", "traceparent": "00-" + strings.Repeat("0", 32) + "-" + parentID + "-01"})
	generated := invalid.header.Get("X-Request-Id")
	if !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(generated) {
		t.Errorf("an id with spaces was not replaced: X-Request-Id %q", generated)
	}
	for range 5 {
		post(t, srv, `query Tiles { rateLimit { cost } }`, map[string]string{"X-Request-Id": "req-3"})
	}

	lines := logLines(t, logs.String())
	tests := []struct {
		name, id string
		want     map[string]any
		absent   []string
	}{
		{"executed, with the trace of its traceparent", "req-1", map[string]any{
			"operation": "Tiles", "client": "ip:127.0.0.1", "tier": "anonymous", "cost": 1.0, "outcome": "ok", "status": 200.0,
			"path": "/graphql", "trace_id": traceID, "parent_id": parentID}, nil},
		{"refused by admission", "req-2", map[string]any{
			"operation": "Costly", "outcome": "refused", "code": "COMPLEXITY_LIMIT_EXCEEDED"}, nil},
		{"an all-zero trace id is no trace", generated, map[string]any{"outcome": "ok"}, []string{"trace_id"}},
		{"refused by the rate limit", "req-3", map[string]any{
			"operation": "Tiles", "outcome": "rate_limited", "code": "RATE_LIMITED", "status": 429.0}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var line map[string]any
			for _, l := range lines {
				if l["msg"] == "request" && l["request_id"] == tc.id {
					line = l // the last one of the id
				}
			}
			if line == nil {
				t.Fatalf("no request line with request_id %q in %v", tc.id, lines)
			}
			for k, v := range tc.want {
				if line[k] != v {
					t.Errorf("%s = %#v, want %#v (line %v)", k, line[k], v, line)
				}
			}
			for _, k := range tc.absent {
				if _, ok := line[k]; ok {
					t.Errorf("%s present: %v", k, line)
				}
			}
			if _, ok := line["duration"].(float64); !ok {
				t.Errorf("no duration: %v", line)
			}
		})
	}
}

func TestMetricsSeries(t *testing.T) {
	srv, _ := limitedServer(t, ratelimit.Policy{Points: 60}, server.Config{ExportCost: 1})

	get(t, srv, "/export/structure.json", nil)
	post(t, srv, `query Codes { releases { code } }`, nil)
	post(t, srv, `query Costly { observations(first: 100) { nodes { indicator { observations(first: 100) { nodes { value } } } } } }`, nil)
	post(t, srv, `query Codes { releases { code } }`, nil) // 1 + 50 + 50 > 60: 429
	metrics := get(t, srv, "/metrics", nil)
	if metrics.status != http.StatusOK {
		t.Fatalf("/metrics: %d", metrics.status)
	}
	for _, series := range []string{
		`indicators_requests_total{operation="Codes",outcome="ok",route="/graphql"} 1`,
		`indicators_requests_total{operation="Codes",outcome="rate_limited",route="/graphql"} 1`,
		// Outside GraphQL there is no operation: the label is empty.
		`indicators_requests_total{operation="",outcome="ok",route="/export"} 1`,
		`indicators_request_duration_seconds_bucket{operation="Codes",outcome="ok",route="/graphql",le="+Inf"} 1`,
		`indicators_request_cost_points_sum{route="/graphql"} 50`,
		`indicators_refusals_total{reason="COMPLEXITY_LIMIT_EXCEEDED"} 1`,
		`indicators_refusals_total{reason="RATE_LIMITED"} 1`,
		`indicators_rate_limit_hits_total{limit="points"} 1`,
		`indicators_sql_statements_total{pool="api"}`,
		`indicators_sql_statement_duration_seconds_count{pool="api"}`,
		`go_sql_open_connections{db_name="api"}`,
	} {
		if !strings.Contains(metrics.body, series) {
			t.Errorf("no series %s", series)
		}
	}
}
