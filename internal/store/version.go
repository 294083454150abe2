package store

import (
	"context"
	"fmt"
	"time"

	"indicators/internal/dataset"
)

// DatasetVersion is the latest revision. Code lists and observations only
// ever change by a load that makes a revision, so the version changes
// exactly when what a reader sees may have; reloading an unchanged file
// keeps it. One index probe, cheap enough to answer every poll.
func (s *Store) DatasetVersion(ctx context.Context) (dataset.Version, error) {
	var rows []struct {
		ID       int64
		LoadedAt time.Time `db:"loaded_at"`
	}
	if err := s.db.SelectContext(ctx, &rows, `SELECT id, loaded_at FROM revision ORDER BY id DESC LIMIT 1`); err != nil {
		return dataset.Version{}, fmt.Errorf("read dataset version: %w", err)
	}
	if len(rows) == 0 {
		return dataset.Version{}, nil
	}
	return dataset.Version{Revision: rows[0].ID, UpdatedAt: rows[0].LoadedAt.UTC()}, nil
}

// Revisions lists every revision, oldest first.
func (s *Store) Revisions(ctx context.Context) ([]dataset.Revision, error) {
	var rows []struct {
		ID       int64
		LoadedAt time.Time `db:"loaded_at"`
		Release  string
		Action   string
	}
	if err := s.db.SelectContext(ctx, &rows, `
		SELECT v.id, v.loaded_at, r.code AS release, v.action
		FROM revision v JOIN release r ON r.id = v.release_id ORDER BY v.id`); err != nil {
		return nil, fmt.Errorf("read revisions: %w", err)
	}
	out := make([]dataset.Revision, len(rows))
	for i, r := range rows {
		out[i] = dataset.Revision{Number: r.ID, LoadedAt: r.LoadedAt.UTC(), Release: r.Release, Action: dataset.RevisionAction(r.Action)}
	}
	return out, nil
}

// revisionAt is the SQL for the revision a vintage names, its parameter
// added through arg: a time stands for the last revision loaded at or
// before it, 0 before the first.
func revisionAt(v dataset.Vintage, arg func(any) string) string {
	if v.Revision != nil {
		return arg(int64(*v.Revision)) + "::bigint"
	}
	return "(SELECT COALESCE(max(id), 0) FROM revision WHERE loaded_at <= " + arg(*v.Time) + "::timestamptz)"
}
