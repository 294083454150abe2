package dataset

import "testing"

// TestCoordinateKey: the key lists the coordinates as given, each
// "DIMENSION=MEMBER", joined by ";"; none is the total's empty key.
func TestCoordinateKey(t *testing.T) {
	for _, tc := range []struct {
		name string
		cs   []Coordinate
		want string
	}{
		{"the total", nil, ""},
		{"one", []Coordinate{{Dimension: "SEX", Member: "F"}}, "SEX=F"},
		{"two", []Coordinate{{Dimension: "AGE", Member: "Y18T24"}, {Dimension: "SEX", Member: "F"}}, "AGE=Y18T24;SEX=F"},
		{"three", []Coordinate{{Dimension: "AGE", Member: "Y_LT18"}, {Dimension: "COUNTRY_OF_EXPLOITATION", Member: "TUR"}, {Dimension: "SEX", Member: "M"}},
			"AGE=Y_LT18;COUNTRY_OF_EXPLOITATION=TUR;SEX=M"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := CoordinateKey(tc.cs); got != tc.want {
				t.Errorf("CoordinateKey(%v) = %q, want %q", tc.cs, got, tc.want)
			}
		})
	}
}
