package server

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"indicators/internal/dataset"
)

// TestWriteError: each code answers with its status, and the body carries
// the code and the client's message only.
func TestWriteError(t *testing.T) {
	coded := func(code dataset.ErrorCode) error { return dataset.Errorf(code, "message for the client") }
	tests := []struct {
		name    string
		err     error
		status  int
		code    string
		message string
	}{
		{"bad input", coded(dataset.ErrBadInput), 400, "BAD_USER_INPUT", "message for the client"},
		{"not found", coded(dataset.ErrNotFound), 404, "NOT_FOUND", "message for the client"},
		{"not acceptable", coded(dataset.ErrNotAcceptable), 406, "NOT_ACCEPTABLE", "message for the client"},
		{"too large", coded(dataset.ErrTooLarge), 413, "PAYLOAD_TOO_LARGE", "message for the client"},
		{"rate limited", coded(dataset.ErrRateLimited), 429, "RATE_LIMITED", "message for the client"},
		{"unavailable", coded(dataset.ErrUnavailable), 503, "SERVICE_UNAVAILABLE", "message for the client"},
		{"database unavailable", coded(dataset.ErrDatabaseUnavailable), 503, "DATABASE_UNAVAILABLE", "message for the client"},
		{"timeout", coded(dataset.ErrTimeout), 503, "TIMEOUT", "message for the client"},
		{"double counting", coded(dataset.ErrDoubleCounting), 400, "DOUBLE_COUNTING", "message for the client"},
		{"internal, coded", coded(dataset.ErrInternal), 500, "INTERNAL_SERVER_ERROR", "internal error"},
		{"uncoded", errors.New(`pq: relation "release" does not exist`), 500, "INTERNAL_SERVER_ERROR", "internal error"},
		{"coded, wrapped with detail", fmt.Errorf("export sdmx.csv: read: %w", &dataset.Error{
			Code: dataset.ErrUnavailable, Message: "try again later", Err: errors.New("pool exhausted")}), 503, "SERVICE_UNAVAILABLE", "try again later"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				writeError(w, r, slog.New(slog.DiscardHandler), tc.err)
			}))
			defer srv.Close()
			resp, err := http.Get(srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			raw, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tc.status || resp.Header.Get("Content-Type") != "application/json" {
				t.Errorf("status %d, Content-Type %q; want %d, application/json", resp.StatusCode, resp.Header.Get("Content-Type"), tc.status)
			}
			if retry := resp.Header.Get("Retry-After") != ""; retry != (tc.status == http.StatusServiceUnavailable) {
				t.Errorf("Retry-After %q with status %d", resp.Header.Get("Retry-After"), tc.status)
			}
			// The messages are plain ASCII, where %q quotes as JSON does.
			want := fmt.Sprintf(`{"errors":[{"message":%q,"extensions":{"code":%q}}]}`, tc.message, tc.code)
			if string(raw) != want {
				t.Errorf("body %s, want %s", raw, want)
			}
		})
	}
}
