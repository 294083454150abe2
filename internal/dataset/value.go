package dataset

import (
	"fmt"

	"github.com/shopspring/decimal"
)

// Values are exact decimals from the data file to every response: the
// database stores them as numeric, and a binary float would turn 0.1 + 0.2
// into 0.30000000000000004 and make a breakdown that adds up in the report
// look inconsistent. Sums and differences of values are exact; only ratios
// (Ratio) are rounded, by a rule stated once. A decimal's scale is not part
// of its value (12.35 may be held as 12.350): compare with Equal or Cmp,
// never ==, and write with FormatValue.

// ParseValue reads a value written as a plain decimal ("91", "-2", "12.35")
// exactly, without a float round trip.
func ParseValue(s string) (decimal.Decimal, error) {
	d, err := decimal.NewFromString(s)
	if err != nil {
		return decimal.Decimal{}, fmt.Errorf("value %q: %w", s, err)
	}
	return d, nil
}

// FormatValue writes a value the way the data file and exports do: the
// shortest exact decimal text, never in exponent form ("2643000", "12.35",
// "-0.5"). It does not depend on the decimal package's global string
// settings.
func FormatValue(v decimal.Decimal) string {
	if v.Exponent() >= 0 {
		return v.StringFixed(0) // an integer: the digits times 10^exponent
	}
	n := v.Normalize() // drop the trailing zeros of the fraction
	return n.StringFixed(max(0, -n.Exponent()))
}

// Sum adds values exactly.
func Sum(values ...decimal.Decimal) decimal.Decimal {
	var sum decimal.Decimal
	for _, v := range values {
		sum = sum.Add(v)
	}
	return sum
}

// RatioDecimals is the number of decimal places a ratio (a breakdown
// member's share, a percentage change) is rounded to. A ratio of two exact
// values is in general not a finite decimal; ten places still tell apart a
// part of one in a whole of ten billion, far beyond what a reported count
// can mean.
const RatioDecimals = 10

// Ratio is part / whole rounded half away from zero to RatioDecimals
// places; ok is false when whole is zero.
func Ratio(part, whole decimal.Decimal) (ratio decimal.Decimal, ok bool) {
	if whole.IsZero() {
		return decimal.Decimal{}, false
	}
	return part.DivRound(whole, RatioDecimals), true
}

// PercentChange is the change from previous to current as a percentage of
// previous, rounded as Ratio rounds; ok is false when previous is zero.
func PercentChange(previous, current decimal.Decimal) (percent decimal.Decimal, ok bool) {
	return Ratio(current.Sub(previous).Mul(decimal.NewFromInt(100)), previous)
}
