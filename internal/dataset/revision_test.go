package dataset_test

import (
	"testing"
	"time"

	"indicators/internal/dataset"
)

func TestVintageUnmarshalText(t *testing.T) {
	at := time.Date(2026, 12, 1, 2, 0, 0, 123456000, time.UTC)
	tests := []struct {
		name     string
		in       string
		revision int
		time     time.Time
		bad      bool
	}{
		{"a revision", "12", 12, time.Time{}, false},
		{"revision 0, before the first load", "0", 0, time.Time{}, false},
		{"spaces around", " 3 ", 3, time.Time{}, false},
		{"a time in UTC with fractions", "2026-12-01T02:00:00.123456Z", 0, at, false},
		{"a time with an offset", "2026-12-01T06:00:00.123456+04:00", 0, at, false},
		{"a negative revision", "-1", 0, time.Time{}, true},
		{"a date alone", "2026-12-01", 0, time.Time{}, true},
		{"a time without a zone", "2026-12-01T02:00:00", 0, time.Time{}, true},
		{"words", "yesterday", 0, time.Time{}, true},
		{"nothing", "", 0, time.Time{}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var v dataset.Vintage
			err := v.UnmarshalText([]byte(tc.in))
			if tc.bad {
				if err == nil {
					t.Fatalf("UnmarshalText(%q) = %+v, want an error", tc.in, v)
				}
				return
			}
			switch {
			case err != nil:
				t.Fatalf("UnmarshalText(%q): %v", tc.in, err)
			case tc.time.IsZero() && (v.Revision == nil || *v.Revision != tc.revision || v.Time != nil):
				t.Errorf("UnmarshalText(%q) = %+v, want revision %d", tc.in, v, tc.revision)
			case !tc.time.IsZero() && (v.Time == nil || !v.Time.Equal(tc.time) || v.Revision != nil):
				t.Errorf("UnmarshalText(%q) = %+v, want time %s", tc.in, v, tc.time)
			}
		})
	}
}

func TestVintageValidate(t *testing.T) {
	n, neg, now := 2, -2, time.Now()
	late := time.Date(9999, 12, 31, 23, 59, 59, 0, time.FixedZone("", -23*3600))
	tests := []struct {
		name string
		v    dataset.Vintage
		ok   bool
	}{
		{"a revision", dataset.Vintage{Revision: &n}, true},
		{"a time", dataset.Vintage{Time: &now}, true},
		{"neither", dataset.Vintage{}, false},
		{"both", dataset.Vintage{Revision: &n, Time: &now}, false},
		{"a negative revision", dataset.Vintage{Revision: &neg}, false},
		{"a time past 9999 in UTC", dataset.Vintage{Time: &late}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.v.Validate("since")
			if tc.ok != (err == nil) || err != nil && dataset.CodeOf(err) != dataset.ErrBadInput {
				t.Errorf("Validate = %v, want ok %v (or BAD_USER_INPUT)", err, tc.ok)
			}
		})
	}
}

func TestVersionOf(t *testing.T) {
	at := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	revs := []dataset.Revision{{Number: 1, LoadedAt: at.Add(-time.Hour)}, {Number: 2, LoadedAt: at}}
	if v := dataset.VersionOf(revs); v.Revision != 2 || !v.UpdatedAt.Equal(at) {
		t.Errorf("VersionOf = %+v, want revision 2 at %s", v, at)
	}
	if v := dataset.VersionOf(nil); v != (dataset.Version{}) || v.String() != "0" {
		t.Errorf("VersionOf(none) = %+v (%s), want the zero version \"0\"", v, v)
	}
	// Two databases that counted to the same revision at different times
	// must not share validators.
	other := dataset.Version{Revision: 2, UpdatedAt: at.Add(time.Microsecond)}
	if dataset.VersionOf(revs).String() == other.String() {
		t.Errorf("versions at different times print alike: %s", other)
	}
}
