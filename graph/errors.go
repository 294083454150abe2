package graph

import (
	"context"
	"errors"
	"log/slog"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"indicators/internal/dataset"
)

func badInput(format string, args ...any) error {
	return dataset.Errorf(dataset.ErrBadInput, format, args...)
}

// codeCancelled is the code of a field cut short because the client went
// away: nobody reads it, and it is no fault to log.
const codeCancelled = "CANCELLED"

// ErrorPresenter gives every error a code. Errors the client caused keep their
// message; anything else is logged and replaced by a generic message, so no
// internal detail (SQL, paths) reaches a client.
func ErrorPresenter(log *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gqlErr := graphql.DefaultErrorPresenter(ctx, err)
		if gqlErr.Extensions["code"] != nil && gqlErr.Err == nil {
			// Parse and validation errors already carry gqlgen's codes,
			// admission's refusals their own.
			return gqlErr
		}
		if dataset.CodeOf(err) == dataset.ErrInternal && ctx.Err() != nil {
			// Whatever failed once the request's deadline passed or its
			// client left failed because of that: the server sets the
			// deadline with a coded cause (TIMEOUT).
			if errors.Is(ctx.Err(), context.Canceled) && context.Cause(ctx) == context.Canceled {
				gqlErr.Message = "the request was cancelled"
				setCode(gqlErr, codeCancelled)
				return gqlErr
			}
			err = context.Cause(ctx)
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
