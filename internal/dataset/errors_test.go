package dataset

import (
	"errors"
	"fmt"
	"testing"
)

func TestErrorCodes(t *testing.T) {
	cause := errors.New("pq: relation does not exist")
	tests := []struct {
		name        string
		err         error
		wantCode    ErrorCode
		wantMessage string
	}{
		{"coded", Errorf(ErrBadInput, "first: %d is not between 1 and 100", 0), ErrBadInput, "first: 0 is not between 1 and 100"},
		{"wrapped coded", fmt.Errorf("list observations: %w", Errorf(ErrBadInput, "bad cursor")), ErrBadInput, "bad cursor"},
		{"plain", fmt.Errorf("list observations: %w", cause), ErrInternal, "internal error"},
		{"internal with cause", &Error{Code: ErrInternal, Message: "secret detail", Err: cause}, ErrInternal, "internal error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CodeOf(tt.err); got != tt.wantCode {
				t.Errorf("CodeOf = %s, want %s", got, tt.wantCode)
			}
			if got := MessageOf(tt.err); got != tt.wantMessage {
				t.Errorf("MessageOf = %q, want %q", got, tt.wantMessage)
			}
		})
	}
	if !errors.Is(&Error{Code: ErrUnavailable, Message: "x", Err: cause}, cause) {
		t.Error("a coded error does not unwrap to its cause")
	}
}
