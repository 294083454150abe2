package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"indicators/internal/dataset"
	"indicators/internal/server"
	"indicators/internal/store"
	"indicators/internal/testdb"
)

// restrictedServer serves the fixture with its cumulative victims figure
// and the whole hotline_calls indicator restricted.
func restrictedServer(t *testing.T) (*store.Store, *httptest.Server) {
	t.Helper()
	b, err := os.ReadFile("../dataset/testdata/fixture.yaml")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(b), "    unit: calls\n    theme: protection\n", "    unit: calls\n    theme: protection\n    restricted: true\n", 1)
	text = strings.Replace(text, "    period: 2005-2024\n", "    period: 2005-2024\n    restricted: true\n", 1)
	ds, err := dataset.Parse("fixture.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	s := testdb.New(t)
	load(t, s, ds)
	srv := httptest.NewServer(server.New(server.Config{Store: s}))
	t.Cleanup(srv.Close)
	return s, srv
}

const tiersQuery = `{
  indicators { totalCount nodes { code } }
  hotline: indicator(code: "hotline_calls") { code restricted latest { value } }
  victims: indicator(code: "victims_identified") { series(periodLength: 20) { value } }
  observations(first: 100) { totalCount nodes { value } }
}`

func bearer(key string) map[string]string { return map[string]string{"Authorization": "Bearer " + key} }

// Restricted cells are absent for anonymous clients and present for a
// partner's key, in GraphQL and in an export alike; a key that is not
// valid is 401, never anonymous.
func TestAccessTiers(t *testing.T) {
	s, srv := restrictedServer(t)
	ctx := context.Background()
	_, key, err := s.CreateKey(ctx, "partner", nil)
	if err != nil {
		t.Fatal(err)
	}
	soon := time.Now().Add(time.Hour)
	expiring, expiringKey, err := s.CreateKey(ctx, "expiring", &soon)
	if err != nil {
		t.Fatal(err)
	}
	revoked, revokedKey, err := s.CreateKey(ctx, "revoked", nil)
	if err != nil {
		t.Fatal(err)
	}
	// Used once while valid, so the server holds it when it lapses.
	for _, k := range []string{expiringKey, revokedKey} {
		if r := post(t, srv, `{ releases { code } }`, bearer(k)); r.status != http.StatusOK {
			t.Fatalf("valid key: %d %s", r.status, r.body)
		}
	}
	if _, err := s.RevokeKey(ctx, revoked.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AdminDB().ExecContext(ctx, `UPDATE api_key SET expires_at = now() - interval '1 second' WHERE id = $1`, expiring.ID); err != nil {
		t.Fatal(err)
	}

	t.Run("GraphQL", func(t *testing.T) {
		for _, tc := range []struct {
			name   string
			header map[string]string
			want   string
		}{
			{"anonymous", nil, `{"indicators":{"totalCount":1,"nodes":[{"code":"victims_identified"}]},"hotline":null,"victims":{"series":[]},"observations":{"totalCount":4,`},
			{"partner", bearer(key), `{"indicators":{"totalCount":2,"nodes":[{"code":"hotline_calls"},{"code":"victims_identified"}]},"hotline":{"code":"hotline_calls","restricted":true,"latest":{"value":10254}},"victims":{"series":[{"value":1441}]},"observations":{"totalCount":7,`},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := post(t, srv, tiersQuery, tc.header)
				if r.status != http.StatusOK || !strings.HasPrefix(r.body, `{"data":`+tc.want) {
					t.Errorf("status %d, body %s\nwant data starting %s", r.status, r.body, tc.want)
				}
				if vary := strings.Join(r.header.Values("Vary"), ", "); !strings.Contains(vary, "Authorization") {
					t.Errorf("Vary %q lacks Authorization", vary)
				}
			})
		}
	})

	t.Run("node and aggregate", func(t *testing.T) {
		r := post(t, srv, `{ observations(filter: {periodLength: 20}) { nodes { id } } }`, bearer(key))
		var out struct {
			Data struct {
				Observations struct{ Nodes []struct{ ID string } }
			}
		}
		if err := json.Unmarshal([]byte(r.body), &out); err != nil || len(out.Data.Observations.Nodes) != 1 {
			t.Fatalf("the partner's cumulative figure: %v %s", err, r.body)
		}
		q := `{ node(id: "` + out.Data.Observations.Nodes[0].ID + `") { id } aggregate(filter: {periodLength: 20, exactlyBy: []}) { count sum } }`
		for _, tc := range []struct {
			name   string
			header map[string]string
			want   string
		}{
			{"anonymous", nil, `{"data":{"node":null,"aggregate":[]}`},
			{"partner", bearer(key), `{"data":{"node":{"id":"` + out.Data.Observations.Nodes[0].ID + `"},"aggregate":[{"count":1,"sum":1441}]}`},
		} {
			if r := post(t, srv, q, tc.header); !strings.HasPrefix(r.body, tc.want) {
				t.Errorf("%s: %s, want %s", tc.name, r.body, tc.want)
			}
		}
	})

	t.Run("export", func(t *testing.T) {
		anon := get(t, srv, "/export/observations.csv", nil)
		partner := get(t, srv, "/export/observations.csv", bearer(key))
		if anon.status != http.StatusOK || partner.status != http.StatusOK {
			t.Fatalf("status %d and %d", anon.status, partner.status)
		}
		if strings.Contains(anon.body, "1441") || strings.Contains(anon.body, "hotline_calls") {
			t.Errorf("anonymous export has restricted cells:\n%s", anon.body)
		}
		if !strings.Contains(partner.body, "1441") || !strings.Contains(partner.body, "hotline_calls") {
			t.Errorf("partner export lacks restricted cells:\n%s", partner.body)
		}
		if anon.header.Get("ETag") == partner.header.Get("ETag") {
			t.Error("the tiers' exports share an ETag")
		}
		// The anonymous tag does not validate the partner's copy.
		if r := get(t, srv, "/export/observations.csv", map[string]string{"If-None-Match": anon.header.Get("ETag"),
			"Authorization": "Bearer " + key}); r.status != http.StatusOK {
			t.Errorf("partner with the anonymous ETag: %d", r.status)
		}
	})

	t.Run("SDMX", func(t *testing.T) {
		const path = "/sdmx/rest/data/TIP_INDICATORS/all?format=csvfile"
		anon := get(t, srv, path, nil)
		partner := get(t, srv, path, bearer(key))
		if anon.status != http.StatusOK || partner.status != http.StatusOK {
			t.Fatalf("status %d and %d: %s %s", anon.status, partner.status, anon.body, partner.body)
		}
		if strings.Contains(anon.body, "HOTLINE_CALLS") || strings.Contains(anon.body, "1441") {
			t.Errorf("anonymous SDMX data has restricted cells:\n%s", anon.body)
		}
		if !strings.Contains(partner.body, "1441") {
			t.Errorf("partner SDMX data lacks restricted cells:\n%s", partner.body)
		}
		if vary := strings.Join(anon.header.Values("Vary"), ", "); !strings.Contains(vary, "Authorization") {
			t.Errorf("Vary %q lacks Authorization", vary)
		}
		r := get(t, srv, "/sdmx/rest/data/TIP_INDICATORS/all", map[string]string{"Authorization": "Bearer " + revokedKey})
		if r.status != http.StatusUnauthorized || !strings.Contains(r.body, `<message:ErrorMessage code="110">`) || !strings.Contains(r.body, "revoked") {
			t.Errorf("revoked key on SDMX: %d %s", r.status, r.body)
		}
	})

	t.Run("401", func(t *testing.T) {
		for _, tc := range []struct {
			name, header, message string
		}{
			{"unknown key", "Bearer " + store.KeyPrefix + strings.Repeat("A", 43), "not valid"},
			{"not a key of ours", "Bearer abc", "not valid"},
			{"revoked", "Bearer " + revokedKey, "revoked"},
			{"expired", "Bearer " + expiringKey, "expired"},
			{"other scheme", "Basic dXNlcjpwYXNz", "Authorization: Bearer"},
			{"no token", "Bearer ", "Authorization: Bearer"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				for _, path := range []string{"/graphql?query=%7Breleases%7Bcode%7D%7D", "/export/observations.csv"} {
					r := get(t, srv, path, map[string]string{"Authorization": tc.header})
					code, message := errorOf(t, r)
					if r.status != http.StatusUnauthorized || code != "UNAUTHENTICATED" || !strings.Contains(message, tc.message) {
						t.Errorf("%s: status %d, code %s, message %q", path, r.status, code, message)
					}
					if !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer ") || r.header.Get("Content-Disposition") != "" {
						t.Errorf("%s: headers %v", path, r.header)
					}
				}
			})
		}
	})
}
