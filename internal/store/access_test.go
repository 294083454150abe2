package store_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"indicators/internal/dataset"
	"indicators/internal/store"
	"indicators/internal/testdb"
)

// loadRestricted loads the fixture with the 2005-2024 victims figure and
// the whole hotline_calls indicator marked restricted.
func loadRestricted(t *testing.T, s *store.Store) {
	t.Helper()
	ds := parseFixture(t, func(text string) string {
		text = strings.Replace(text, "    unit: calls\n    theme: protection\n", "    unit: calls\n    theme: protection\n    restricted: true\n", 1)
		return strings.Replace(text, "    period: 2005-2024\n", "    period: 2005-2024\n    restricted: true\n", 1)
	})
	if _, err := s.Load(context.Background(), []*dataset.Dataset{ds}, false); err != nil {
		t.Fatal(err)
	}
}

var partner = dataset.WithViewer(context.Background(), dataset.Viewer{Tier: dataset.TierPartner, KeyID: 1})

// Restricted cells are absent for an anonymous viewer in every read, and
// present for a partner.
func TestRestrictedCells(t *testing.T) {
	s := testdb.New(t)
	loadRestricted(t, s)
	anon := context.Background()
	all := dataset.Filter{Current: true}
	cum := dataset.Cell{Indicator: "victims_identified", RefArea: "AZE", Period: dataset.Period{Start: 2005, End: 2024}}
	hotline := dataset.Cell{Indicator: "hotline_calls", RefArea: "AZE", Period: dataset.Period{Start: 2024, End: 2024}}
	tests := []struct {
		name             string
		read             func(context.Context) (int, error)
		anonymous, wants int
	}{
		{"observations and totalCount", func(ctx context.Context) (int, error) {
			p, err := s.Observations(ctx, all, dataset.PageRequest{First: 100, Order: dataset.OrderByKey, Count: true})
			if err == nil && p.TotalCount != len(p.Observations) {
				return 0, errors.New("totalCount disagrees with the rows")
			}
			return p.TotalCount, err
		}, 4, 7},
		{"each observation (exports)", func(ctx context.Context) (int, error) {
			n := 0
			err := s.EachObservation(ctx, all, func(dataset.Observation) error { n++; return nil })
			return n, err
		}, 4, 7},
		{"lastN ranks among the visible periods", func(ctx context.Context) (int, error) {
			two := 2
			p, err := s.Observations(ctx, dataset.Filter{Current: true, LastN: &two, Indicators: []string{"victims_identified"}, ExactlyBy: []string{}},
				dataset.PageRequest{First: 100, Order: dataset.OrderByKey})
			earliest := 9999
			for _, o := range p.Observations {
				earliest = min(earliest, o.Period.Start)
			}
			return earliest, err
		}, 2023, 2005},
		{"current observations of cells", func(ctx context.Context) (int, error) {
			m, err := s.CurrentObservations(ctx, []dataset.Cell{cum, hotline})
			return len(m), err
		}, 0, 2},
		{"observation of a cell in a release (node)", func(ctx context.Context) (int, error) {
			_, ok, err := s.ObservationOfCellInRelease(ctx, "fixture-2024", cum)
			return map[bool]int{true: 1}[ok], err
		}, 0, 1},
		{"series", func(ctx context.Context) (int, error) {
			k := dataset.SeriesKey{Indicator: "hotline_calls", RefArea: "AZE"}
			m, err := s.Series(ctx, []dataset.SeriesKey{k})
			return len(m[k]), err
		}, 0, 2},
		{"latest", func(ctx context.Context) (int, error) {
			m, err := s.Latest(ctx, []dataset.LatestKey{{Indicator: "hotline_calls"}})
			return len(m), err
		}, 0, 1},
		{"slices (breakdown)", func(ctx context.Context) (int, error) {
			k := dataset.SliceKey{Indicator: "hotline_calls", Dimension: "SEX", Period: dataset.Period{Start: 2024, End: 2024}}
			m, err := s.Slices(ctx, []dataset.SliceKey{k})
			return len(m[k]), err
		}, 0, 1},
		{"indicator list", func(ctx context.Context) (int, error) {
			p, err := s.Indicators(ctx, 100, "", "")
			if err == nil && p.TotalCount != len(p.Indicators) {
				return 0, errors.New("totalCount disagrees with the rows")
			}
			return p.TotalCount, err
		}, 1, 2},
		{"code lists", func(ctx context.Context) (int, error) {
			c, err := s.CodeLists(ctx)
			if err != nil {
				return 0, err
			}
			return len(c.Indicators), nil
		}, 1, 2},
		{"facets", func(ctx context.Context) (int, error) {
			m, err := s.FacetsOfIndicators(ctx, []string{"victims_identified", "hotline_calls"})
			return len(m["victims_identified"].Periods) + len(m["hotline_calls"].Periods), err
		}, 2, 5},
		{"indicators of agencies", func(ctx context.Context) (int, error) {
			m, err := s.IndicatorsOfAgencies(ctx, []string{"MIA"})
			return len(m["MIA"]), err
		}, 0, 2},
		{"first pages", func(ctx context.Context) (int, error) {
			m, err := s.FirstPages(ctx, dataset.ByIndicator, []string{"hotline_calls"}, all,
				dataset.PageRequest{First: 10, Order: dataset.OrderByKey, Count: true})
			return m["hotline_calls"].TotalCount, err
		}, 0, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, v := range []struct {
				who  string
				ctx  context.Context
				want int
			}{{"anonymous", anon, tc.anonymous}, {"partner", partner, tc.wants}} {
				got, err := tc.read(v.ctx)
				if err != nil {
					t.Fatalf("%s: %v", v.who, err)
				}
				if got != v.want {
					t.Errorf("%s: got %d, want %d", v.who, got, v.want)
				}
			}
		})
	}
}

// The API's pool reads as ReaderRole and the writer as WriterRole: neither
// can write the dataset, and only the writer the rate-limit budget.
func TestLeastPrivilege(t *testing.T) {
	s := testdb.New(t)
	ctx := context.Background()
	if why := s.Privileges(); why != "" {
		t.Fatalf("roles unused: %s", why)
	}
	denied := []string{
		`INSERT INTO unit (code, name) VALUES ('sheep', 'Sheep')`,
		`UPDATE observation SET value = 0`,
		`DELETE FROM api_key`,
		`INSERT INTO api_key (label, prefix, hash) VALUES ('x', 'x', sha256('x'))`,
		`CREATE TABLE mine (id int)`,
		`TRUNCATE rate_limit_spend`,
	}
	budget := []string{
		`INSERT INTO rate_limit_spend VALUES (now(), 'ip:192.0.2.1', 1)`,
		`UPDATE rate_limit_spend SET points = 0`,
		`DELETE FROM rate_limit_spend`,
	}
	for _, tc := range []struct {
		name, role string
		db         *sqlx.DB
		denied     []string
	}{
		{"api", store.ReaderRole, s.DB(), append(denied, budget...)},
		{"exports", store.ReaderRole, s.ExportDB(), append(denied, budget...)},
		{"writer", store.WriterRole, s.WriterDB(), denied},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var role string
			if err := tc.db.GetContext(ctx, &role, "SELECT current_user"); err != nil {
				t.Fatal(err)
			}
			if role != tc.role {
				t.Errorf("current_user %q, want %q", role, tc.role)
			}
			for _, q := range tc.denied {
				var pqErr *pq.Error
				if _, err := tc.db.ExecContext(ctx, q); !errors.As(err, &pqErr) || pqErr.Code != "42501" {
					t.Errorf("%s: got %v, want permission denied", q, err)
				}
			}
		})
	}
	// What the writer may do: record when keys were used.
	k, secret, err := s.CreateKey(ctx, "writer test", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, secret); err != nil {
		t.Fatal(err)
	}
	if err := s.FlushKeyUse(ctx); err != nil {
		t.Fatal(err)
	}
	keys, err := s.Keys(ctx)
	if err != nil || len(keys) != 1 || keys[0].ID != k.ID || keys[0].LastUsed == nil {
		t.Fatalf("keys after use: %+v, %v", keys, err)
	}
	// And share the rate-limit budget (SpendRateBudget): add to a window's
	// totals, then, in the next window, drop the ended one.
	hour := time.Now().UTC().Truncate(time.Hour)
	for _, step := range []struct {
		window time.Time
		want   map[string]int64
	}{
		{hour, map[string]int64{"ip:192.0.2.1": 5}},
		{hour, map[string]int64{"ip:192.0.2.1": 10}},
		{hour.Add(time.Hour), map[string]int64{"ip:192.0.2.1": 5}},
	} {
		totals, err := s.SpendRateBudget(ctx, step.window, []string{"ip:192.0.2.1"}, []int64{5})
		if err != nil || !maps.Equal(totals, step.want) {
			t.Fatalf("spend in the window of %s: %v, %v; want %v", step.window.Format(time.TimeOnly), totals, err, step.want)
		}
	}
	var windows int
	if err := s.DB().GetContext(ctx, &windows, `SELECT count(DISTINCT window_start) FROM rate_limit_spend`); err != nil || windows != 1 {
		t.Errorf("%d windows kept (%v), want the current one only", windows, err)
	}
}

func TestKeyLifecycle(t *testing.T) {
	s := testdb.New(t)
	ctx := context.Background()
	if err := s.OnChange(func(int64) {}); err != nil { // keys are held once revokes are heard
		t.Fatal(err)
	}
	soon := time.Now().Add(time.Hour)
	k, secret, err := s.CreateKey(ctx, "partner agency", &soon)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(secret, store.KeyPrefix) || len(secret) != len(store.KeyPrefix)+43 || !strings.HasPrefix(secret, k.Prefix) {
		t.Errorf("secret %q (prefix %q) is not ind_ and 43 base64url characters", secret, k.Prefix)
	}
	v, err := s.Authenticate(ctx, secret)
	if err != nil || v.Tier != dataset.TierPartner || v.KeyID != k.ID || v.Client() == "" {
		t.Fatalf("authenticate: %+v, %v", v, err)
	}
	var stored int
	if err := s.DB().GetContext(ctx, &stored, `SELECT count(*) FROM api_key WHERE hash = sha256(convert_to($1, 'UTF8')) AND prefix <> $1 AND label <> $1`, secret); err != nil || stored != 1 {
		t.Errorf("the key is not stored as its SHA-256 alone: %d, %v", stored, err)
	}
	if _, err := s.RevokeKey(ctx, k.ID); err != nil {
		t.Fatal(err)
	}
	// The revoke drops the held key at once.
	if _, err := s.Authenticate(ctx, secret); dataset.CodeOf(err) != dataset.ErrUnauthenticated || !strings.Contains(err.Error(), "revoked") {
		t.Errorf("revoked key: %v", err)
	}
	if _, err := s.RevokeKey(ctx, 999); dataset.CodeOf(err) != dataset.ErrNotFound {
		t.Errorf("revoke unknown: %v", err)
	}
	past := time.Now().Add(-time.Hour)
	if _, _, err := s.CreateKey(ctx, "late", &past); dataset.CodeOf(err) != dataset.ErrBadInput {
		t.Errorf("expiry in the past: %v", err)
	}
	if _, _, err := s.CreateKey(ctx, " ", nil); dataset.CodeOf(err) != dataset.ErrBadInput {
		t.Errorf("no label: %v", err)
	}
	for _, bad := range []string{"", "ind_nothing", "not-ours", secret + "x"} {
		if _, err := s.Authenticate(ctx, bad); dataset.CodeOf(err) != dataset.ErrUnauthenticated {
			t.Errorf("%q: %v", bad, err)
		}
	}
	// Expiry: a key whose time has come is refused, cached or not.
	k2, secret2, err := s.CreateKey(ctx, "short", &soon)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AdminDB().ExecContext(ctx, `UPDATE api_key SET expires_at = now() - interval '1 second' WHERE id = $1`, k2.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, secret2); dataset.CodeOf(err) != dataset.ErrUnauthenticated || !strings.Contains(err.Error(), "expired") {
		t.Errorf("expired key: %v", err)
	}
	keys, err := s.Keys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	states := []string{}
	for _, k := range keys {
		states = append(states, k.State(time.Now()))
	}
	if strings.Join(states, ",") != "revoked,expired" {
		t.Errorf("states %v", states)
	}
}

// A DATABASE_URL user that may not create roles still migrates and serves,
// as itself, and the store says why it is not least privilege.
func TestWithoutCreateRole(t *testing.T) {
	ctx := context.Background()
	user := fmt.Sprintf("plain_%d", time.Now().UnixNano())
	var owner *store.Store
	// Registered first, so it runs after the database is dropped.
	t.Cleanup(func() {
		if owner != nil {
			owner.AdminDB().ExecContext(ctx, "DROP ROLE IF EXISTS "+user)
		}
	})
	dsn := testdb.DSN(t)
	owner, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { owner.Close() })
	for _, q := range []string{
		"CREATE ROLE " + user + " LOGIN",
		"GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + user,
		"GRANT CREATE ON SCHEMA public TO " + user,
	} {
		if _, err := owner.AdminDB().ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	plain := dsn + " user=" + user // lib/pq: a later key overrides an earlier one
	if u, err := url.Parse(dsn); err == nil && strings.HasPrefix(dsn, "postgres") {
		u.User = url.User(user) // TEST_DATABASE_URL's URL form; the server must trust the user
		plain = u.String()
	}
	if err := store.Migrate(ctx, plain); err != nil {
		t.Fatalf("migrate as a user who may not create roles: %v", err)
	}
	s, err := store.Open(ctx, plain)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if why := s.Privileges(); !strings.Contains(why, "indicators_reader is not granted to the DATABASE_URL user") {
		t.Errorf("Privileges() = %q", why)
	}
	var who string
	if err := s.DB().GetContext(ctx, &who, "SELECT current_user"); err != nil || who != user {
		t.Errorf("current_user %q, %v", who, err)
	}
	if _, err := s.Indicators(ctx, 10, "", ""); err != nil {
		t.Errorf("reading as the user: %v", err)
	}
}

// With a read replica, the API's reads go to it while loads, key management
// and key lookups stay on the primary. A second database stands in for the
// replica: what each side holds shows where a statement went.
func TestReplica(t *testing.T) {
	ctx := context.Background()
	primary, replica := testdb.DSN(t), testdb.DSN(t)
	s, err := store.Open(ctx, primary, store.WithReplica(replica))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Load(ctx, []*dataset.Dataset{parseFixture(t, nil)}, false); err != nil {
		t.Fatal(err)
	}
	_, secret, err := s.CreateKey(ctx, "replica test", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, secret); err != nil {
		t.Errorf("key lookup on the primary: %v", err)
	}
	page, err := s.Observations(ctx, dataset.Filter{}, dataset.PageRequest{First: 10, Order: dataset.OrderByKey, Count: true})
	if err != nil || page.TotalCount != 0 {
		t.Errorf("reads went to the primary: %d observations, %v", page.TotalCount, err)
	}
	var n int
	if err := s.AdminDB().GetContext(ctx, &n, "SELECT count(*) FROM observation"); err != nil || n != 7 {
		t.Errorf("the load did not reach the primary: %d, %v", n, err)
	}
}

// The change feed and earlier revisions hide restricted observations from
// anonymous viewers as the live reads do.
func TestRestrictedHistory(t *testing.T) {
	s := testdb.New(t)
	ctx := context.Background()
	loadRestricted(t, s)
	corrected := parseFixture(t, func(text string) string {
		text = strings.Replace(text, "    period: 2005-2024\n", "    period: 2005-2024\n    restricted: true\n", 1)
		text = strings.Replace(text, `quote: "1.441"`, `quote: "1.442"`, 1)
		return strings.Replace(text, "value: 1441", "value: 1442", 1)
	})
	corrected.Release.Checksum = strings.Repeat("b", 64)
	if _, err := s.Load(ctx, []*dataset.Dataset{corrected}, false); err != nil {
		t.Fatal(err)
	}
	one := 1
	for _, v := range []struct {
		who     string
		ctx     context.Context
		changed int // cells whose current figure changed since revision 1
		asOf    int // observations current at revision 1
	}{{"anonymous", context.Background(), 0, 4}, {"partner", partner, 1, 7}} {
		t.Run(v.who, func(t *testing.T) {
			page, err := s.Changes(v.ctx, dataset.ChangeRequest{Since: dataset.Vintage{Revision: &one},
				Kinds: []dataset.ChangeKind{dataset.ChangeChanged}, First: 100, Count: true})
			if err != nil {
				t.Fatal(err)
			}
			if page.TotalCount != v.changed || len(page.Changes) != v.changed {
				t.Errorf("changes: %d counted, %d listed, want %d", page.TotalCount, len(page.Changes), v.changed)
			}
			n := 0
			err = s.EachObservation(v.ctx, dataset.Filter{Current: true, AsOf: &dataset.Vintage{Revision: &one}},
				func(dataset.Observation) error { n++; return nil })
			if err != nil || n != v.asOf {
				t.Errorf("as of revision 1: %d observations, %v; want %d", n, err, v.asOf)
			}
		})
	}
}
