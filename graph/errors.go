package graph

import (
	"context"
	"log/slog"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"indicators/internal/dataset"
)

func badInput(format string, args ...any) error {
	return dataset.Errorf(dataset.ErrBadInput, format, args...)
}

// ErrorPresenter gives every error a code. Errors the client caused keep their
// message; anything else is logged and replaced by a generic message, so no
// internal detail (SQL, paths) reaches a client.
func ErrorPresenter(log *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gqlErr := graphql.DefaultErrorPresenter(ctx, err)
		if gqlErr.Extensions["code"] != nil && gqlErr.Err == nil {
			// Parse and validation errors already carry gqlgen's codes.
			return gqlErr
		}
		code := dataset.CodeOf(err)
		if code == dataset.ErrInternal {
			log.ErrorContext(ctx, "resolver failed", "path", gqlErr.Path.String(), "error", err)
		}
		gqlErr.Message = dataset.MessageOf(err)
		setCode(gqlErr, string(code))
		return gqlErr
	}
}

func setCode(e *gqlerror.Error, code string) {
	if e.Extensions == nil {
		e.Extensions = map[string]any{}
	}
	e.Extensions["code"] = code
}
