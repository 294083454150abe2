package server

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// TestTimeoutMovesWriteDeadline: a handler that outlives the server's write
// timeout still delivers its response when its route allows it more time,
// through the logging middleware's wrapper.
func TestTimeoutMovesWriteDeadline(t *testing.T) {
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(300 * time.Millisecond)
		if r.Context().Err() != nil {
			t.Error("the route's context ended before its bound")
		}
		io.WriteString(w, "done")
	})
	tests := []struct {
		name    string
		bound   time.Duration
		wantErr bool
	}{
		{"within the route's bound", 2 * time.Second, false},
		{"past the server's write timeout without a longer bound", 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var h http.Handler = slow
			if tc.bound > 0 {
				h = withTimeout(tc.bound, slow)
			}
			srv := httptest.NewUnstartedServer(withObservability(slog.New(slog.DiscardHandler), newMetrics(prometheus.NewRegistry()), h))
			srv.Config.WriteTimeout = 100 * time.Millisecond
			srv.Start()
			defer srv.Close()
			resp, err := http.Get(srv.URL)
			var body []byte
			if err == nil {
				body, err = io.ReadAll(resp.Body)
				resp.Body.Close()
			}
			if gotErr := err != nil || string(body) != "done"; gotErr != tc.wantErr {
				t.Errorf("body %q, err %v; want failure %v", body, err, tc.wantErr)
			}
		})
	}
}
