package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/lib/pq"
)

// Least privilege. The API serves every request through connections of the
// ReaderRole, which may only read; what serve itself must write goes through
// the WriterRole, which may write only the tables WriterTables names. Both
// are NOLOGIN roles the DATABASE_URL user is made a member of, and the pools
// take them up per connection (the connection's startup parameter role=…,
// SET ROLE before the first statement), so nothing else about the database's
// users changes. Migrating and loading use the DATABASE_URL user itself.
const (
	ReaderRole = "indicators_reader"
	WriterRole = "indicators_writer"
)

// WriterTables are the tables the WriterRole may write, with the privileges
// it gets on each: what serve writes while it serves. A migration adding
// such a table adds it here; Migrate grants on every table listed that
// exists. Read access comes with the ReaderRole's grant on every table.
var WriterTables = map[string]string{
	// Authenticate reads keys on the primary, where a revoke is seen at
	// once; FlushKeyUse records their last use.
	"api_key": "SELECT, UPDATE (last_used_at)",
	// SpendRateBudget adds each client's points (INSERT … ON CONFLICT DO
	// UPDATE), drops the windows that ended (DELETE) and reads the totals
	// back (SELECT, which the other two need as well).
	"rate_limit_spend": "SELECT, INSERT, UPDATE, DELETE",
}

// ensureRoles creates the reader and writer roles when they are missing and
// the user may create roles, makes the user a member of both, and grants
// them their privileges in the database db is connected to. Every step is
// idempotent: migrate runs it each time. A user who may not create roles is
// not an error: the roles an administrator made are granted to as they are,
// and without them requests are served as the user itself (Open says so:
// Store.Privileges).
func ensureRoles(ctx context.Context, db *sql.DB) error {
	var canCreate bool
	if err := db.QueryRowContext(ctx, `SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user`).Scan(&canCreate); err != nil {
		return fmt.Errorf("check role privileges: %w", err)
	}
	for _, role := range []string{ReaderRole, WriterRole} {
		exists, member, err := roleOf(ctx, db, role)
		if err != nil {
			return err
		}
		switch {
		case member:
			continue
		case !canCreate:
			// Nothing the user could grant would be used; Open says why.
			return nil
		case !exists:
			// Roles belong to the cluster: another database's migrate (a
			// parallel test) may create it at the same moment.
			if _, err := db.ExecContext(ctx, "CREATE ROLE "+pq.QuoteIdentifier(role)+" NOLOGIN"); err != nil && !duplicateRole(err) {
				return fmt.Errorf("create role %s: %w", role, err)
			}
		}
		if _, err := db.ExecContext(ctx, "GRANT "+pq.QuoteIdentifier(role)+" TO CURRENT_USER"); err != nil && !duplicateRole(err) {
			return fmt.Errorf("grant role %s: %w", role, err)
		}
	}
	reader := pq.QuoteIdentifier(ReaderRole)
	for _, g := range []string{
		"GRANT USAGE ON SCHEMA public TO " + reader,
		"GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + reader,
		// Tables later migrations create are readable as they come.
		"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO " + reader,
		"GRANT USAGE ON SCHEMA public TO " + pq.QuoteIdentifier(WriterRole),
	} {
		if _, err := db.ExecContext(ctx, g); err != nil {
			return fmt.Errorf("grant to role: %s: %w", g, err)
		}
	}
	for table, privileges := range WriterTables {
		if err := GrantWriter(ctx, db, table, privileges); err != nil {
			return err
		}
	}
	return nil
}

// GrantWriter gives the WriterRole privileges (SQL privilege text, e.g.
// "INSERT, UPDATE") on table, when the table exists; table and privileges
// come from WriterTables, never from a client.
func GrantWriter(ctx context.Context, db *sql.DB, table, privileges string) error {
	var exists bool
	if err := db.QueryRowContext(ctx, `SELECT to_regclass($1) IS NOT NULL`, table).Scan(&exists); err != nil {
		return fmt.Errorf("look up table %s: %w", table, err)
	}
	if !exists {
		return nil
	}
	if _, err := db.ExecContext(ctx, "GRANT "+privileges+" ON "+pq.QuoteIdentifier(table)+" TO "+pq.QuoteIdentifier(WriterRole)); err != nil {
		return fmt.Errorf("grant %s on %s to %s: %w", privileges, table, WriterRole, err)
	}
	return nil
}

// roleOf reports whether role exists and whether the current user is a
// member of it (may SET ROLE to it).
func roleOf(ctx context.Context, db interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, role string) (exists, member bool, err error) {
	err = db.QueryRowContext(ctx, `
		SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1),
		       EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1 AND pg_has_role(current_user, oid, 'MEMBER'))`,
		role).Scan(&exists, &member)
	if err != nil {
		return false, false, fmt.Errorf("look up role %s: %w", role, err)
	}
	return exists, member, nil
}

// duplicateRole reports a role created, or granted, by someone else first.
func duplicateRole(err error) bool {
	var pqErr *pq.Error
	return errors.As(err, &pqErr) && (pqErr.Code == "42710" || pqErr.Code == "23505") // duplicate_object, unique_violation
}

// withParam sets a run-time parameter of every connection made with dsn:
// lib/pq sends a connection string's unknown keys in the startup packet,
// where PostgreSQL applies them as SET would.
func withParam(dsn, key, value string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		if u, err := url.Parse(dsn); err == nil {
			q := u.Query()
			q.Set(key, value)
			u.RawQuery = q.Encode()
			return u.String()
		}
	}
	return dsn + " " + key + "=" + value
}
