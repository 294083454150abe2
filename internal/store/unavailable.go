package store

import (
	"database/sql/driver"
	"errors"
	"net"

	"github.com/lib/pq"

	"indicators/internal/dataset"
)

// unavailable codes err DATABASE_UNAVAILABLE when it says the database
// cannot be reached or will not serve (no server listening, a connection
// lost, a server shutting down or starting up), so clients hear they may
// retry instead of an internal error. Other errors pass unchanged.
func unavailable(err error) error {
	if err == nil || dataset.CodeOf(err) != dataset.ErrInternal {
		return err
	}
	var pqErr *pq.Error
	var netErr *net.OpError
	switch {
	case errors.As(err, &pqErr):
		// Class 08: connection exceptions; 57P01-57P03: admin or crash
		// shutdown, cannot connect now (starting up, recovering).
		if pqErr.Code.Class() != "08" && pqErr.Code != "57P01" && pqErr.Code != "57P02" && pqErr.Code != "57P03" {
			return err
		}
	case errors.As(err, &netErr), errors.Is(err, driver.ErrBadConn):
	default:
		return err
	}
	return &dataset.Error{Code: dataset.ErrDatabaseUnavailable,
		Message: "the database is unavailable; retry in a few seconds", Err: err}
}
