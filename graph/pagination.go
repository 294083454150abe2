package graph

import (
	"encoding/base64"
	"strings"
	"unicode/utf8"
)

// Connections take `first` between 1 and 100, as GitHub's API does: a bound
// on the rows one request can ask for.
const (
	defaultPageSize = 20
	maxPageSize     = 100
)

func pageSize(first *int) (int, error) {
	if first == nil {
		return defaultPageSize, nil
	}
	if *first < 1 || *first > maxPageSize {
		return 0, badInput("first must be between 1 and %d, got %d", maxPageSize, *first)
	}
	return *first, nil
}

// Cursors are opaque to clients: base64 of "kind:key", written as a global
// id is. The kind stops a cursor of one connection being replayed against
// another.
func encodeCursor(kind, key string) string { return nodeID(kind, key) }

func decodeCursor(kind string, cursor *string) (string, error) {
	if cursor == nil || *cursor == "" {
		return "", nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(*cursor)
	key, ok := strings.CutPrefix(string(raw), kind+":")
	// Cursors are not signed: a forged one holding bytes no code has is
	// refused here rather than by PostgreSQL.
	if err != nil || !ok || !utf8.ValidString(key) || strings.ContainsRune(key, 0) {
		return "", badInput("after: %q is not a cursor of this connection", *cursor)
	}
	return key, nil
}
