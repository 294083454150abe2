package server_test

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"testing"

	"indicators/internal/server"
	"indicators/internal/store"
	"indicators/internal/testdb"
)

// An address past its budget of failed authentications gets 429 before
// any key is looked up, so a flood of invented keys costs no statement; an
// unknown key is looked up once; a key the server holds still works from
// that address, and another address is not affected. Clients are told
// apart by X-Forwarded-For from a trusted proxy (the test's loopback), as
// behind TRUSTED_PROXIES.
func TestAuthFailuresLimitedPerAddress(t *testing.T) {
	dsn := testdb.DSN(t)
	db, counter := testdb.CountingDB(t, dsn)
	s := store.New(db, dsn)
	t.Cleanup(func() { s.Close() })
	const budget = 3
	srv := httptest.NewServer(server.New(server.Config{Store: s, AuthFailures: budget,
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}}))
	t.Cleanup(srv.Close)
	_, good, err := s.CreateKey(t.Context(), "partner", nil)
	if err != nil {
		t.Fatal(err)
	}
	_, fresh, err := s.CreateKey(t.Context(), "never used", nil)
	if err != nil {
		t.Fatal(err)
	}
	from := func(addr, key string) map[string]string {
		h := map[string]string{"X-Forwarded-For": addr}
		if key != "" {
			h["Authorization"] = "Bearer " + key
		}
		return h
	}
	const flooder, other = "203.0.113.9", "198.51.100.4"
	bad := func(i int) string { return store.KeyPrefix + "invented" + strconv.Itoa(i) }

	// In order: each step's status and the statements it may cost.
	steps := []struct {
		name       string
		header     map[string]string
		status     int
		statements int64 // -1: not counted (the query itself runs some)
	}{
		{"a valid key, held from then on", from(flooder, good), http.StatusOK, -1},
		{"an unknown key is looked up once", from(flooder, bad(1)), http.StatusUnauthorized, 1},
		{"the same key again is known to be unknown", from(flooder, bad(1)), http.StatusUnauthorized, 0},
		{"the budget's last failure", from(flooder, bad(2)), http.StatusUnauthorized, 1},
		{"past the budget, a new key is not looked up", from(flooder, bad(3)), http.StatusTooManyRequests, 0},
		{"past the budget, a held unknown key alike", from(flooder, bad(1)), http.StatusTooManyRequests, 0},
		{"another scheme alike", map[string]string{"X-Forwarded-For": flooder, "Authorization": "Basic eDp5"}, http.StatusTooManyRequests, 0},
		{"a valid key the server holds still works", from(flooder, good), http.StatusOK, -1},
		{"a valid key it does not hold waits with the address", from(flooder, fresh), http.StatusTooManyRequests, 0},
		{"no credentials are not limited", from(flooder, ""), http.StatusOK, -1},
		{"another address is looked up", from(other, bad(3)), http.StatusUnauthorized, 1},
		{"and has its own budget", from(other, fresh), http.StatusOK, -1},
	}
	for _, st := range steps {
		before := counter.Count()
		r := post(t, srv, `{ releases { code } }`, st.header)
		spent := counter.Count() - before
		if r.status != st.status {
			t.Fatalf("%s: status %d, want %d: %s", st.name, r.status, st.status, r.body)
		}
		if st.statements >= 0 && spent != st.statements {
			t.Errorf("%s: %d statements, want %d", st.name, spent, st.statements)
		}
		if st.status == http.StatusTooManyRequests {
			retry, err := strconv.Atoi(r.header.Get("Retry-After"))
			if err != nil || retry < 1 || retry > 60 {
				t.Errorf("%s: Retry-After %q, want 1-60 seconds", st.name, r.header.Get("Retry-After"))
			}
			if got := decode(t, r); len(got.Errors) != 1 || got.Errors[0].Extensions["code"] != "RATE_LIMITED" ||
				!strings.Contains(got.Errors[0].Message, "3 a minute") {
				t.Errorf("%s: body %s", st.name, r.body)
			}
		}
	}
}
