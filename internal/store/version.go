package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// DatasetVersion identifies the loaded data: a hash of every release's code
// and checksum. Code lists and observations only ever change by loading a
// file, which adds or changes a release's checksum, so the version changes
// exactly when what an export reads may have; reloading an unchanged file
// keeps it. One small query, cheap enough to answer every poll.
func (s *Store) DatasetVersion(ctx context.Context) (string, error) {
	var rows []struct{ Code, Checksum string }
	if err := s.db.SelectContext(ctx, &rows, `SELECT code, checksum FROM release ORDER BY code`); err != nil {
		return "", fmt.Errorf("read dataset version: %w", err)
	}
	h := sha256.New()
	for _, r := range rows {
		fmt.Fprintf(h, "%s %s\n", r.Code, r.Checksum)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
