package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Error codes clients find in extensions.code.
const (
	CodeBadUserInput = "BAD_USER_INPUT"
	CodeInternal     = "INTERNAL_SERVER_ERROR"
)

// userError is a problem the client can fix; its message is shown as is.
type userError struct {
	code string
	msg  string
}

func (e *userError) Error() string { return e.msg }

func badInput(format string, args ...any) error {
	return &userError{code: CodeBadUserInput, msg: fmt.Sprintf(format, args...)}
}

// ErrorPresenter gives every error a code. Errors the client caused keep their
// message; anything else is logged and replaced by a generic message, so no
// internal detail (SQL, paths) reaches a client.
func ErrorPresenter(log *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gqlErr := graphql.DefaultErrorPresenter(ctx, err)
		var ue *userError
		switch {
		case errors.As(err, &ue):
			gqlErr.Message = ue.msg
			setCode(gqlErr, ue.code)
		case gqlErr.Extensions["code"] != nil:
			// Parse and validation errors already carry gqlgen's codes.
		default:
			log.ErrorContext(ctx, "resolver failed", "path", gqlErr.Path.String(), "error", err)
			gqlErr.Message = "internal error"
			setCode(gqlErr, CodeInternal)
		}
		return gqlErr
	}
}

func setCode(e *gqlerror.Error, code string) {
	if e.Extensions == nil {
		e.Extensions = map[string]any{}
	}
	e.Extensions["code"] = code
}
