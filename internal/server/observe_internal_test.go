package server

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"testing"
)

// TestRequestAttrs: whatever is logged with a request's context, by any
// logger derived from the server's, names the request and its trace.
func TestRequestAttrs(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(requestAttrs{slog.NewJSONHandler(&buf, nil)}).With("component", "resolver")
	tests := []struct {
		name string
		info *requestInfo
		want map[string]any
	}{
		{"with a trace", &requestInfo{id: "r1", traceID: "t1", parentID: "p1"},
			map[string]any{"request_id": "r1", "trace_id": "t1", "parent_id": "p1", "component": "resolver"}},
		{"without", &requestInfo{id: "r2"}, map[string]any{"request_id": "r2"}},
		{"outside a request", nil, map[string]any{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			buf.Reset()
			ctx := context.Background()
			if tc.info != nil {
				ctx = context.WithValue(ctx, infoKey{}, tc.info)
			}
			log.ErrorContext(ctx, "resolver failed")
			var line map[string]any
			if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
				t.Fatal(err)
			}
			for k, v := range tc.want {
				if line[k] != v {
					t.Errorf("%s = %v, want %v: %v", k, line[k], v, line)
				}
			}
			if _, ok := line["request_id"]; tc.info == nil && ok {
				t.Errorf("a request id outside a request: %v", line)
			}
			if _, ok := line["trace_id"]; tc.info != nil && tc.info.traceID == "" && ok {
				t.Errorf("a trace without a traceparent: %v", line)
			}
		})
	}
}
