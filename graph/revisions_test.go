package graph_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"indicators/internal/dataset"
	"indicators/internal/store"
)

// nextEdition is the bundled release as next year's report would restate
// it: every figure the same but one, the cumulative 2005-2024 victims
// (1441, now 1442).
func nextEdition(t *testing.T) *dataset.Dataset {
	t.Helper()
	b, err := os.ReadFile("../internal/dataset/data/az-2024.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(b), "code: az-2024", "code: az-2025", 1)
	s = strings.Replace(s, "reference_year: 2024", "reference_year: 2025", 1)
	s = strings.Replace(s, "value: 1441\n", "value: 1442\n", 1)
	ds, err := dataset.Parse("az-2025.yaml", []byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// loadAndWait loads ds through loader and returns once the server's store
// s has been told: callbacks run in registration order, so when the one
// registered here runs, the server's catalog (and the dataset version with
// it) has been dropped.
func loadAndWait(t *testing.T, s, loader *store.Store, ds *dataset.Dataset) {
	t.Helper()
	notified := make(chan struct{}, 1)
	if err := s.OnChange(func(int64) {
		select {
		case notified <- struct{}{}:
		default:
		}
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := loader.Load(context.Background(), []*dataset.Dataset{ds}, false); err != nil {
		t.Fatal(err)
	}
	select {
	case <-notified:
	case <-time.After(time.Minute):
		t.Fatal("no notification of the load")
	}
}

// get sends a GraphQL GET with the given extra headers.
func (a api) get(t *testing.T, query string, variables map[string]any, header http.Header) (*http.Response, response) {
	t.Helper()
	q := url.Values{"query": {query}}
	if variables != nil {
		v, _ := json.Marshal(variables)
		q.Set("variables", string(v))
	}
	req, _ := http.NewRequest(http.MethodGet, a.url+"/graphql?"+q.Encode(), nil)
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out response
	if resp.StatusCode != http.StatusNotModified {
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
			t.Fatal(err)
		}
	}
	return resp, out
}

const changesQuery = `query Changes($since: Vintage!, $kinds: [CellChangeKind!]) {
  dataset { version updatedAt }
  changes(since: $since, kinds: $kinds, first: 100) {
    totalCount
    nodes {
      kind indicator { code } refArea { code } period { label } coordinates { dimension { code } member { code } }
      before { value release { code } revision { number } }
      after { value release { code } revision { number } }
      revision { number action release { code } }
    }
  }
}`

type changesData struct {
	Dataset struct {
		Version   int
		UpdatedAt *string
	}
	Changes struct {
		TotalCount int
		Nodes      []struct {
			Kind        string
			Indicator   struct{ Code string }
			Period      struct{ Label string }
			Coordinates []any
			Before      *changedObservation
			After       *changedObservation
			Revision    struct {
				Number  int
				Action  string
				Release struct{ Code string }
			}
		}
	}
}

type changedObservation struct {
	Value    json.Number
	Release  struct{ Code string }
	Revision struct{ Number int }
}

// TestChangeFeed is the nightly integration: it keeps dataset.version,
// polls with the ETag it got (304 while nothing was loaded), and after the
// next edition is loaded finds the one figure that changed through
// changes(since:), without re-reading the dataset; asOf reads the earlier
// vintage back.
func TestChangeFeed(t *testing.T) {
	a, s, _ := newStoreAPI(t)
	const poll = `{ dataset { version updatedAt revisions { number action release { code } } } }`

	first, body := a.get(t, poll, nil, nil)
	var d struct {
		Dataset struct {
			Version   int
			UpdatedAt string
			Revisions []struct {
				Number  int
				Action  string
				Release struct{ Code string }
			}
		}
	}
	body.data(t, &d)
	if d.Dataset.Version != 1 || len(d.Dataset.Revisions) != 1 || d.Dataset.Revisions[0].Action != "LOADED" ||
		d.Dataset.Revisions[0].Release.Code != "az-2024" {
		t.Fatalf("dataset = %+v, want version 1: az-2024 loaded", d.Dataset)
	}
	tag, lastModified := first.Header.Get("ETag"), first.Header.Get("Last-Modified")
	if tag == "" || first.Header.Get("Cache-Control") != "public, no-cache" {
		t.Errorf("GET validators: ETag %q, Cache-Control %q", tag, first.Header.Get("Cache-Control"))
	}
	updated, err := time.Parse(time.RFC3339Nano, d.Dataset.UpdatedAt)
	if err != nil || lastModified != updated.UTC().Format(http.TimeFormat) {
		t.Errorf("Last-Modified %q, updatedAt %q (%v): want the same second", lastModified, d.Dataset.UpdatedAt, err)
	}

	t.Run("unchanged polls are 304 without executing", func(t *testing.T) {
		for _, tc := range []struct {
			name   string
			header http.Header
			want   int
		}{
			{"the tag", http.Header{"If-None-Match": {tag}}, http.StatusNotModified},
			{"among others, weakly", http.Header{"If-None-Match": {`"other", W/` + tag}}, http.StatusNotModified},
			{"the time", http.Header{"If-Modified-Since": {lastModified}}, http.StatusNotModified},
			{"another tag", http.Header{"If-None-Match": {`"other"`}}, http.StatusOK},
			{"another media type is another representation", http.Header{"If-None-Match": {tag}, "Accept": {"application/graphql-response+json"}}, http.StatusOK},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := a.count()
				resp, _ := a.get(t, poll, nil, tc.header)
				if resp.StatusCode != tc.want {
					t.Errorf("status %d, want %d", resp.StatusCode, tc.want)
				}
				if tc.want == http.StatusNotModified {
					if resp.Header.Get("ETag") != tag {
						t.Errorf("304 ETag %q, want %q", resp.Header.Get("ETag"), tag)
					}
					if n := a.count() - before; n != 0 {
						t.Errorf("a 304 ran %d statements", n)
					}
				}
			})
		}
		if resp, _ := a.get(t, `{ dataset { version } }`, nil, http.Header{"If-None-Match": {tag}}); resp.StatusCode != http.StatusOK {
			t.Errorf("another query with the tag: status %d, want 200", resp.StatusCode)
		}
	})

	loadAndWait(t, s, s, nextEdition(t))

	t.Run("a load changes the tag", func(t *testing.T) {
		resp, body := a.get(t, poll, nil, http.Header{"If-None-Match": {tag}})
		if resp.StatusCode != http.StatusOK || resp.Header.Get("ETag") == tag || resp.Header.Get("ETag") == "" {
			t.Fatalf("after a load: status %d, ETag %q (was %q)", resp.StatusCode, resp.Header.Get("ETag"), tag)
		}
		body.data(t, &d)
		if d.Dataset.Version != 2 || d.Dataset.Revisions[1].Release.Code != "az-2025" {
			t.Errorf("dataset after the load = %+v, want version 2: az-2025", d.Dataset)
		}
	})

	t.Run("the feed names the one changed figure", func(t *testing.T) {
		for _, since := range []map[string]any{{"revision": 1}, {"time": updated.Format(time.RFC3339Nano)}} {
			var c changesData
			a.post(t, changesQuery, map[string]any{"since": since}).data(t, &c)
			if c.Changes.TotalCount != 1 || len(c.Changes.Nodes) != 1 {
				t.Fatalf("since %v: %d changes, want 1: %+v", since, c.Changes.TotalCount, c.Changes.Nodes)
			}
			n := c.Changes.Nodes[0]
			if n.Kind != "CHANGED" || n.Indicator.Code != "victims_identified" || n.Period.Label != "2005-2024" || len(n.Coordinates) != 0 ||
				n.Before == nil || n.Before.Value != "1441" || n.Before.Release.Code != "az-2024" || n.Before.Revision.Number != 1 ||
				n.After == nil || n.After.Value != "1442" || n.After.Release.Code != "az-2025" || n.After.Revision.Number != 2 ||
				n.Revision.Number != 2 || n.Revision.Action != "LOADED" || n.Revision.Release.Code != "az-2025" {
				t.Errorf("since %v: change = %+v", since, n)
			}
		}
		var c changesData
		a.post(t, changesQuery, map[string]any{"since": map[string]any{"revision": 1}, "kinds": []string{"RESTATED"}}).data(t, &c)
		if c.Changes.TotalCount == 0 || c.Changes.Nodes[0].Before.Value != c.Changes.Nodes[0].After.Value {
			t.Errorf("restated cells: %d, first %+v", c.Changes.TotalCount, c.Changes.Nodes)
		}
		a.post(t, changesQuery, map[string]any{"since": map[string]any{"revision": 2}}).data(t, &c)
		if c.Changes.TotalCount != 0 || c.Dataset.Version != 2 {
			t.Errorf("since the latest: %d changes at version %d, want none at 2", c.Changes.TotalCount, c.Dataset.Version)
		}
	})

	t.Run("asOf reads the earlier vintage", func(t *testing.T) {
		const q = `query($asOf: Vintage) {
		  observations(filter: {asOf: $asOf, indicators: ["victims_identified"], periodFrom: 2005, periodTo: 2024, exactlyBy: []}, orderBy: VALUE_DESC, first: 1) {
		    nodes { period { label } value release { code } revision { number } }
		  }
		}`
		for _, tc := range []struct {
			asOf    any
			value   string
			release string
		}{
			{map[string]any{"revision": 1}, "1441", "az-2024"},
			{map[string]any{"time": updated.Format(time.RFC3339Nano)}, "1441", "az-2024"},
			{map[string]any{"revision": 2}, "1442", "az-2025"},
			{nil, "1442", "az-2025"},
		} {
			var o struct {
				Observations struct {
					Nodes []struct {
						Period  struct{ Label string }
						Value   json.Number
						Release struct{ Code string }
					}
				}
			}
			a.post(t, q, map[string]any{"asOf": tc.asOf}).data(t, &o)
			var got []string
			for _, n := range o.Observations.Nodes {
				got = append(got, n.Period.Label+" "+n.Value.String()+" "+n.Release.Code)
			}
			if want := "2005-2024 " + tc.value + " " + tc.release; len(got) != 1 || got[0] != want {
				t.Errorf("as of %v: %q, want %q", tc.asOf, got, want)
			}
		}
	})

	t.Run("updatedAfter and revisions on observations and releases", func(t *testing.T) {
		var o struct {
			Releases []struct {
				Code     string
				Revision struct{ Number int }
			}
			Observations struct{ TotalCount int }
			Old          struct{ TotalCount int }
		}
		a.post(t, `{
		  releases { code revision { number } }
		  observations(filter: {updatedAfter: {revision: 2}}) { totalCount }
		  old: observations(filter: {updatedAfter: {revision: 0}, releases: ["az-2024"]}) { totalCount }
		}`, nil).data(t, &o)
		if len(o.Releases) != 2 || o.Releases[0].Revision.Number != 1 || o.Releases[1].Revision.Number != 2 {
			t.Errorf("release revisions = %+v", o.Releases)
		}
		if o.Observations.TotalCount != 0 || o.Old.TotalCount == 0 {
			t.Errorf("updated after 2: %d, want 0; az-2024 after 0: %d, want all", o.Observations.TotalCount, o.Old.TotalCount)
		}
	})

	t.Run("malformed points are the client's mistake", func(t *testing.T) {
		for _, tc := range []struct {
			name  string
			query string
			vars  map[string]any
		}{
			{"no point", changesQuery, map[string]any{"since": map[string]any{}}},
			{"two points", changesQuery, map[string]any{"since": map[string]any{"revision": 1, "time": "2026-01-01T00:00:00Z"}}},
			{"a negative revision", changesQuery, map[string]any{"since": map[string]any{"revision": -1}}},
			{"a time that is not RFC 3339", changesQuery, map[string]any{"since": map[string]any{"time": "yesterday"}}},
			{"a time without a zone", changesQuery, map[string]any{"since": map[string]any{"time": "2026-01-01T00:00:00"}}},
			{"a time that is a number", changesQuery, map[string]any{"since": map[string]any{"time": 20260101}}},
			{"a kind in another case", changesQuery, map[string]any{"since": map[string]any{"revision": 1}, "kinds": []string{"changed"}}},
			{"asOf with two points", `{ observations(filter: {asOf: {revision: 1, time: "2026-01-01T00:00:00Z"}}) { totalCount } }`, nil},
			{"asOf nested", `{ indicators(first: 1) { nodes { observations(filter: {asOf: {revision: -3}}) { totalCount } } } }`, nil},
			{"updatedAfter with none", `{ observations(filter: {updatedAfter: {}}) { totalCount } }`, nil},
			{"a cursor from elsewhere", `{ changes(since: {revision: 0}, after: "bm90IGEgY3Vyc29y") { totalCount } }`, nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if got := a.post(t, tc.query, tc.vars); got.code() != "BAD_USER_INPUT" {
					t.Errorf("code %q, want BAD_USER_INPUT: %s", got.code(), got.raw)
				}
			})
		}
	})
}

// TestFacetsHeldWithTheCatalog: indicators' agencies, periods and
// dimensions are read once per data version, not per request, and anew
// after a load.
func TestFacetsHeldWithTheCatalog(t *testing.T) {
	a, s, _ := newStoreAPI(t)
	// The page size differs each time, so the response cache answers none.
	const q = `query($n: Int) { indicators(first: $n) { nodes { code periods { label } agencies { code } dimensions { code } } } }`
	statements := func(n int) int64 {
		t.Helper()
		before := a.count()
		if resp := a.post(t, q, map[string]any{"n": n}); len(resp.Errors) > 0 {
			t.Fatalf("errors: %+v", resp.Errors)
		}
		return a.count() - before
	}
	a.post(t, `{ releases { code } }`, nil) // the code lists, read once per process
	first, again := statements(100), statements(99)
	if again != first-1 {
		t.Errorf("%d statements, then %d: want the facets' one statement the first time only", first, again)
	}
	loadAndWait(t, s, s, nextEdition(t))
	a.post(t, `{ releases { code } }`, nil)
	if afterLoad := statements(98); afterLoad != first {
		t.Errorf("%d statements after a load, want %d: the facets read anew", afterLoad, first)
	}
}
