package scalar

import (
	"bytes"
	"testing"
	"time"

	"indicators/internal/dataset"
)

func TestDateTime(t *testing.T) {
	at := time.Date(2026, 12, 1, 2, 0, 0, 771719000, time.FixedZone("AZT", 4*3600))
	var buf bytes.Buffer
	MarshalDateTime(at).MarshalGQL(&buf)
	if got, want := buf.String(), `"2026-11-30T22:00:00.771719Z"`; got != want {
		t.Errorf("MarshalDateTime = %s, want %s (UTC, every digit)", got, want)
	}
	back, err := UnmarshalDateTime("2026-11-30T22:00:00.771719Z")
	if err != nil || !back.Equal(at) {
		t.Errorf("UnmarshalDateTime of the marshalled time = %s, %v; want %s", back, err, at)
	}
	for _, bad := range []any{"2026-12-01", "2026-12-01T00:00:00", "tomorrow", 20261201, nil} {
		if _, err := UnmarshalDateTime(bad); dataset.CodeOf(err) != dataset.ErrBadInput {
			t.Errorf("UnmarshalDateTime(%#v) = %v, want BAD_USER_INPUT", bad, err)
		}
	}
}
