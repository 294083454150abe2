package scalar

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/shopspring/decimal"
)

func TestMarshalDecimal(t *testing.T) {
	tests := []struct {
		name string
		in   decimal.Decimal
		want string
	}{
		{"large integer, no exponent", decimal.New(2643, 3), "2643000"},
		{"decimals exactly", decimal.RequireFromString("12.35"), "12.35"},
		{"tiny, no exponent", decimal.New(1, -12), "0.000000000001"},
		{"negative", decimal.RequireFromString("-2"), "-2"},
		{"zero", decimal.Decimal{}, "0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			MarshalDecimal(tc.in).MarshalGQL(&buf)
			if got := buf.String(); got != tc.want {
				t.Errorf("MarshalDecimal = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestUnmarshalDecimal(t *testing.T) {
	tests := []struct {
		name    string
		in      any
		want    string
		wantErr bool
	}{
		{"JSON variable read exactly", json.Number("9007199254740993.25"), "9007199254740993.25", false},
		{"literal float", 12.35, "12.35", false},
		{"literal integer", int64(2643000), "2643000", false},
		{"string", "0.1", "0.1", false},
		{"not a number", true, "", true},
		{"malformed", json.Number("1,5"), "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := UnmarshalDecimal(tc.in)
			if (err != nil) != tc.wantErr || err == nil && got.String() != tc.want {
				t.Errorf("UnmarshalDecimal(%v) = %s, %v; want %s, error %v", tc.in, got, err, tc.want, tc.wantErr)
			}
		})
	}
}
