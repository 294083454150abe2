package store

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"testing"

	"github.com/lib/pq"

	"indicators/internal/dataset"
)

func TestUnavailable(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want dataset.ErrorCode
	}{
		{"nothing listening", fmt.Errorf("list: %w", &net.OpError{Op: "dial", Net: "unix", Err: errors.New("no such file or directory")}), dataset.ErrDatabaseUnavailable},
		{"a connection lost", driver.ErrBadConn, dataset.ErrDatabaseUnavailable},
		{"the server shutting down", &pq.Error{Code: "57P01"}, dataset.ErrDatabaseUnavailable},
		{"the server starting up", &pq.Error{Code: "57P03"}, dataset.ErrDatabaseUnavailable},
		{"a connection exception", &pq.Error{Code: "08006"}, dataset.ErrDatabaseUnavailable},
		{"a statement cancelled", &pq.Error{Code: "57014"}, dataset.ErrInternal},
		{"a syntax error", &pq.Error{Code: "42601"}, dataset.ErrInternal},
		{"no rows", sql.ErrNoRows, dataset.ErrInternal},
		{"already coded", dataset.Errorf(dataset.ErrBadInput, "x"), dataset.ErrBadInput},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := unavailable(tc.err)
			if got := dataset.CodeOf(err); got != tc.want {
				t.Errorf("code = %s, want %s", got, tc.want)
			}
			if !errors.Is(err, tc.err) {
				t.Errorf("the cause is lost: %v", err)
			}
		})
	}
}
