package server_test

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"indicators/internal/dataset"
	"indicators/internal/ratelimit"
	"indicators/internal/server"
	"indicators/internal/store"
	"indicators/internal/testdb"
)

// TestRateLimitTiers: a partner's verified key is a client of its own, with
// the partner tier's budget, and two keys do not share one; anonymous
// clients are their address, whatever key-like header they send; a key that
// is not valid is 401 and spends nothing. Every request's log line names its
// client and tier, and each tier's responses keep their caching headers
// beside the budget's.
func TestRateLimitTiers(t *testing.T) {
	ctx := context.Background()
	s := testdb.New(t)
	one, keyOne, err := s.CreateKey(ctx, "one", nil)
	if err != nil {
		t.Fatal(err)
	}
	two, keyTwo, err := s.CreateKey(ctx, "two", nil)
	if err != nil {
		t.Fatal(err)
	}
	revoked, revokedKey, err := s.CreateKey(ctx, "revoked", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.RevokeKey(ctx, revoked.ID); err != nil {
		t.Fatal(err)
	}
	const anonymousPoints, partnerPoints, exportCost = 100, 1000, 7
	limiter := ratelimit.New(ratelimit.Config{
		Anonymous: ratelimit.Policy{Points: anonymousPoints},
		Partner:   ratelimit.Policy{Points: partnerPoints},
		Ledger:    s,
	})
	logs := &lockedBuffer{}
	srv := httptest.NewServer(server.New(server.Config{Store: s, RateLimit: limiter, ExportCost: exportCost,
		Logger: slog.New(slog.NewJSONHandler(logs, nil))}))
	t.Cleanup(srv.Close)

	const anonymous = "ip:127.0.0.1"
	clientOne, clientTwo := "key:"+strconv.FormatInt(one.ID, 10), "key:"+strconv.FormatInt(two.ID, 10)
	const query, export = `{ rateLimit { cost } }`, "/export/structure.json"
	tests := []struct {
		name   string
		path   string // "" for the GraphQL query
		header map[string]string
		// client is the budget charged, "" for a 401 that charges none;
		// cache is the Cache-Control of an export.
		client, cache string
	}{
		{"anonymous", "", nil, anonymous, ""},
		{"a partner", "", bearer(keyOne), clientOne, ""},
		{"the same partner again", "", bearer(keyOne), clientOne, ""},
		{"another partner: a budget of its own", "", bearer(keyTwo), clientTwo, ""},
		{"a partner's export", export, bearer(keyOne), clientOne, "private, no-cache"},
		{"an anonymous export", export, nil, anonymous, "public, no-cache"},
		{"X-API-Key is no key: anonymous", "", map[string]string{"X-API-Key": keyOne}, anonymous, ""},
		{"an unknown key", "", bearer(store.KeyPrefix + strings.Repeat("A", 43)), "", ""},
		{"a revoked key's export", export, bearer(revokedKey), "", ""},
		{"another scheme", "", map[string]string{"Authorization": "Basic " + keyOne}, "", ""},
	}
	spent := map[string]int64{}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			header := map[string]string{"X-Request-Id": fmt.Sprint("step-", i)}
			maps.Copy(header, tc.header)
			var r response
			if tc.path == "" {
				r = post(t, srv, query, header)
			} else {
				r = get(t, srv, tc.path, header)
			}
			if tc.client == "" {
				if code, _ := errorOf(t, r); r.status != http.StatusUnauthorized || code != "UNAUTHENTICATED" ||
					!strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer ") {
					t.Errorf("%d %s, WWW-Authenticate %q; want 401 UNAUTHENTICATED", r.status, r.body, r.header.Get("WWW-Authenticate"))
				}
				if r.header.Get("X-RateLimit-Used") != "" {
					t.Errorf("a refused key was charged: X-RateLimit-Used %s", r.header.Get("X-RateLimit-Used"))
				}
				return
			}
			if r.status != http.StatusOK {
				t.Fatalf("%d %s", r.status, r.body)
			}
			cost := int64(exportCost)
			if tc.path == "" {
				cost = int64(decode(t, r).Extensions.Cost.Points)
			}
			spent[tc.client] += cost
			limit := anonymousPoints
			if strings.HasPrefix(tc.client, "key:") {
				limit = partnerPoints
			}
			checkHeaders(t, r.header, limit, int(spent[tc.client]))
			if vary := strings.Join(r.header.Values("Vary"), ", "); !strings.Contains(vary, "Authorization") {
				t.Errorf("Vary %q lacks Authorization", vary)
			}
			if got := r.header.Get("Cache-Control"); tc.cache != "" && got != tc.cache {
				t.Errorf("Cache-Control %q, want %q", got, tc.cache)
			}
		})
	}

	// What the limiter shares is exactly what was charged: nothing for
	// the refused keys, nor under the address of their senders.
	if err := limiter.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	var rows []struct {
		Client string
		Points int64
	}
	if err := s.AdminDB().SelectContext(ctx, &rows, `SELECT client, points FROM rate_limit_spend`); err != nil {
		t.Fatal(err)
	}
	ledger := map[string]int64{}
	for _, r := range rows {
		ledger[r.Client] = r.Points
	}
	if !maps.Equal(ledger, spent) {
		t.Errorf("the shared budget holds %v, want %v", ledger, spent)
	}

	lines := logLines(t, logs.String())
	for i, tc := range tests {
		var line map[string]any
		for _, l := range lines {
			if l["msg"] == "request" && l["request_id"] == fmt.Sprint("step-", i) {
				line = l
			}
		}
		want := map[string]any{"client": tc.client, "tier": string(dataset.TierAnonymous)}
		switch {
		case tc.client == "":
			want = map[string]any{"client": nil, "tier": nil, "status": 401.0, "outcome": "refused", "code": "UNAUTHENTICATED"}
		case strings.HasPrefix(tc.client, "key:"):
			want["tier"] = string(dataset.TierPartner)
		}
		for k, v := range want {
			if line[k] != v {
				t.Errorf("%s: log %s = %v, want %v (line %v)", tc.name, k, line[k], v, line)
			}
		}
	}
	if m := get(t, srv, "/metrics", nil); !strings.Contains(m.body, `indicators_refusals_total{reason="UNAUTHENTICATED"} 3`) {
		t.Error("the refused keys are not counted among the refusals")
	}
}
