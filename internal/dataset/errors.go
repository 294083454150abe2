package dataset

import (
	"errors"
	"fmt"
)

// ErrorCode says what kind of failure an error is; every transport shows it
// (extensions.code in GraphQL, the same JSON shape on other HTTP endpoints)
// and picks its status from it.
type ErrorCode string

// Error codes. A client can act on each of them; anything without one is an
// internal error whose detail stays in the log.
const (
	// ErrBadInput: an argument, filter or parameter the client must fix.
	ErrBadInput ErrorCode = "BAD_USER_INPUT"
	// ErrNotFound: the thing asked for does not exist (an export format).
	ErrNotFound ErrorCode = "NOT_FOUND"
	// ErrUnknownCode: a filter names a code the dataset does not have; the
	// message gives the nearest ones.
	ErrUnknownCode ErrorCode = "UNKNOWN_CODE"
	// ErrNotAcceptable: no representation the client accepts.
	ErrNotAcceptable ErrorCode = "NOT_ACCEPTABLE"
	// ErrTooLarge: a request body over the limit.
	ErrTooLarge ErrorCode = "PAYLOAD_TOO_LARGE"
	// ErrTooManyObservations: a computation over more observations than it
	// takes at once.
	ErrTooManyObservations ErrorCode = "TOO_MANY_OBSERVATIONS"
	// ErrIncompatibleUnits: a sum over figures of different units.
	ErrIncompatibleUnits ErrorCode = "INCOMPATIBLE_UNITS"
	// ErrDoubleCounting: a sum over a total and its own breakdown.
	ErrDoubleCounting ErrorCode = "DOUBLE_COUNTING"
	// ErrUnauthenticated: the request sent credentials that are not a
	// valid key (unknown, expired or revoked); never read as anonymous.
	ErrUnauthenticated ErrorCode = "UNAUTHENTICATED"
	// ErrRateLimited: the client asked too often.
	ErrRateLimited ErrorCode = "RATE_LIMITED"
	// ErrUnavailable: the database or a connection share is exhausted or
	// down; the client may retry.
	ErrUnavailable ErrorCode = "SERVICE_UNAVAILABLE"
	// ErrDatabaseUnavailable: the database cannot be reached or refuses
	// connections (down, restarting); the client retries after a while.
	ErrDatabaseUnavailable ErrorCode = "DATABASE_UNAVAILABLE"
	// ErrTimeout: the request took longer than the service lets one take.
	ErrTimeout ErrorCode = "TIMEOUT"
	// ErrInternal: a fault of the service.
	ErrInternal ErrorCode = "INTERNAL_SERVER_ERROR"
)

// Error is the one error type that carries a code to the client. Message is
// written for the client; Err, if any, is the cause, for the log only.
type Error struct {
	Code    ErrorCode
	Message string
	Err     error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf makes a coded error with a client-facing message.
func Errorf(code ErrorCode, format string, args ...any) error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// CodeOf returns the code of the first coded error in err's chain, or
// ErrInternal when there is none.
func CodeOf(err error) ErrorCode {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ErrInternal
}

// MessageOf returns the client-facing message of err: a coded error's own
// message, else a generic one, so internal detail (SQL, paths) never reaches
// a client.
func MessageOf(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Code != ErrInternal {
		return e.Message
	}
	return "internal error"
}
