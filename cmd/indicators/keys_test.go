package main

import (
	"bytes"
	"context"
	"database/sql"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"indicators/internal/testdb"
)

// runCLI runs one command and returns its stdout, failing the test on error.
func runCLI(t *testing.T, getenv func(string) string, args ...string) (string, error) {
	t.Helper()
	var out, errs bytes.Buffer
	err := run(context.Background(), append([]string{"indicators"}, args...), getenv, strings.NewReader(""), &out, &errs)
	return out.String() + errs.String(), err
}

func getWithKey(t *testing.T, url, key string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

var secretLine = regexp.MustCompile(`(?m)^ind_[A-Za-z0-9_-]{43}$`)

// A key's life through the CLI, used against a running serve: created,
// listed, used, revoked (which reaches the serve process by notification),
// and its last use recorded when serve stops.
func TestKeysLifecycle(t *testing.T) {
	getenv := env("DATABASE_URL", testdb.DSN(t), "ADDR", "127.0.0.1:0", "LOG_LEVEL", "warn")
	out, err := runCLI(t, getenv, "keys", "create", "--label", "UNODC data team", "--valid-for", "24h")
	if err != nil {
		t.Fatalf("keys create: %v\n%s", err, out)
	}
	secret := secretLine.FindString(out)
	if secret == "" || !strings.Contains(out, "key 1 (UNODC data team) created") || !strings.Contains(out, "not shown again") {
		t.Fatalf("keys create printed:\n%s", out)
	}

	base, _, stop := startServe(t, getenv)
	query := base + "graphql?query=%7Breleases%7Bcode%7D%7D"
	if code := getWithKey(t, query, secret); code != http.StatusOK {
		t.Fatalf("with the new key: %d", code)
	}

	out, err = runCLI(t, getenv, "keys", "list")
	if err != nil || !regexp.MustCompile(`(?m)^1\s+UNODC data team\s+ind_\S+…\s+\S+\s+\S+\s+active\s+-$`).MatchString(out) {
		t.Fatalf("keys list: %v\n%s", err, out)
	}

	if out, err := runCLI(t, getenv, "keys", "revoke", "1"); err != nil || !strings.Contains(out, "key 1 (UNODC data team) revoked at") {
		t.Fatalf("keys revoke: %v\n%s", err, out)
	}
	// The revoke reaches serve through a notification, not a poll: waiting
	// for it is bounded generously, and never part of what is asserted.
	deadline := time.Now().Add(10 * time.Second)
	for getWithKey(t, query, secret) != http.StatusUnauthorized {
		if time.Now().After(deadline) {
			t.Fatal("serve still accepts the revoked key")
		}
		time.Sleep(20 * time.Millisecond)
	}
	stop() // records the key's last use

	out, err = runCLI(t, getenv, "keys", "list")
	if err != nil || !regexp.MustCompile(`(?m)^1\s+UNODC data team\s+ind_\S+…\s+\S+\s+\S+\s+revoked\s+\d{4}-\d\d-\d\dT`).MatchString(out) {
		t.Errorf("keys list after use and revoke: %v\n%s", err, out)
	}

	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no label", []string{"keys", "create"}, "needs a label"},
		{"past expiry", []string{"keys", "create", "--label", "x", "--expires", "2001-01-01"}, "not in the future"},
		{"bad expiry", []string{"keys", "create", "--label", "x", "--expires", "soon"}, "neither a date"},
		{"both expiries", []string{"keys", "create", "--label", "x", "--expires", "2099-01-01", "--valid-for", "1h"}, "not both"},
		{"unknown id", []string{"keys", "revoke", "99"}, "no key has id 99"},
		{"not an id", []string{"keys", "revoke", "one"}, "is not a key id"},
		{"unknown subcommand", []string{"keys", "rotate"}, `unknown keys command "rotate"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := runCLI(t, getenv, tc.args...)
			if err == nil {
				t.Fatalf("succeeded:\n%s", out)
			}
			if !strings.Contains(out+err.Error(), tc.want) {
				t.Errorf("got %v\n%s\nwant %q", err, out, tc.want)
			}
		})
	}
}

// A data file's restricted cells load, and `export` leaves them out unless
// asked for them.
func TestExportRestricted(t *testing.T) {
	b, err := os.ReadFile("../../internal/dataset/testdata/fixture.yaml")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "restricted.yaml")
	text := strings.Replace(string(b), "    period: 2005-2024\n", "    period: 2005-2024\n    restricted: true\n", 1)
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	getenv := env("DATABASE_URL", testdb.DSN(t), "LOG_LEVEL", "warn")
	if out, err := runCLI(t, getenv, "load", file); err != nil {
		t.Fatalf("load: %v\n%s", err, out)
	}
	for _, tc := range []struct {
		name string
		args []string
		has  bool
	}{
		{"anonymous", []string{"export", "--format", "observations.csv"}, false},
		{"restricted", []string{"export", "--format", "observations.csv", "--restricted"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := runCLI(t, getenv, tc.args...)
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Contains(out, ",1441,"); got != tc.has || !strings.Contains(out, ",10254,") {
				t.Errorf("restricted 1441 present: %v, want %v\n%s", got, tc.has, out)
			}
		})
	}
}

// serve shares what its clients spent through the writer pool, as the
// writer role: a partner's key and an anonymous client each have their row
// in rate_limit_spend once serve's last flush has run (when it stops), and
// no flush failed on the way.
func TestServeSharesTheBudget(t *testing.T) {
	dsn := testdb.DSN(t)
	getenv := env("DATABASE_URL", dsn, "ADDR", "127.0.0.1:0", "LOG_LEVEL", "warn")
	out, err := runCLI(t, getenv, "keys", "create", "--label", "partner")
	secret := secretLine.FindString(out)
	if err != nil || secret == "" {
		t.Fatalf("keys create: %v\n%s", err, out)
	}
	base, logs, stop := startServe(t, getenv)
	query := base + "graphql?query=%7Breleases%7Bcode%7D%7D"
	if code := getWithKey(t, query, secret); code != http.StatusOK {
		t.Fatalf("with the key: %d", code)
	}
	resp, err := http.Get(query)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("anonymous: %v %v", resp, err)
	}
	resp.Body.Close()
	stop()

	db, err := sql.Open("postgres", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var clients []string
	rows, err := db.Query(`SELECT client FROM rate_limit_spend WHERE points > 0 ORDER BY client`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			t.Fatal(err)
		}
		clients = append(clients, c)
	}
	if strings.Join(clients, " ") != "ip:127.0.0.1 key:1" {
		t.Errorf("shared budget of %v, want ip:127.0.0.1 and key:1\n%s", clients, logs)
	}
	if strings.Contains(logs.String(), "rate-limit budget") {
		t.Errorf("a flush failed:\n%s", logs)
	}
}
