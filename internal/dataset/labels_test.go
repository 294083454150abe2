package dataset

import "testing"

func TestNegotiateLanguage(t *testing.T) {
	tests := []struct{ name, accept, want string }{
		{"Azerbaijani", "az", "az"},
		{"Russian region variant", "ru-RU,ru;q=0.9", "ru"},
		{"preference order", "fr;q=0.9,ru;q=0.5,az;q=0.8", "az"},
		{"unoffered falls back to English", "fr", "en"},
		{"absent", "", "en"},
		{"malformed", "!!", "en"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := NegotiateLanguage(tc.accept); got != tc.want {
				t.Errorf("NegotiateLanguage(%q) = %q, want %q", tc.accept, got, tc.want)
			}
		})
	}
}

// TestLocalize: the data file's translation first, CLDR for a country, else
// English marked as fallen back.
func TestLocalize(t *testing.T) {
	turkey := StandardCodes{ISO2: "TR", ISO3: "TUR", M49: "792"}
	tests := []struct {
		name    string
		english string
		labels  Labels
		codes   StandardCodes
		lang    string
		want    Localized
	}{
		{"English", "Türkiye", nil, turkey, "en", Localized{"Türkiye", "en", SourceDataFile, false}},
		{"CLDR Azerbaijani", "Türkiye", nil, turkey, "az", Localized{"Türkiyə", "az", SourceCLDR, false}},
		{"CLDR Russian", "Türkiye", nil, turkey, "ru", Localized{"Турция", "ru", SourceCLDR, false}},
		{"data file before CLDR", "Türkiye", Labels{"ru": "Турецкая Республика"}, turkey, "ru", Localized{"Турецкая Республика", "ru", SourceDataFile, false}},
		{"no translation falls back", "Female", nil, StandardCodes{}, "az", Localized{"Female", "en", SourceDataFile, true}},
		{"CLDR by M49 code", "World", nil, StandardCodes{M49: "001"}, "az", Localized{"Dünya", "az", SourceCLDR, false}},
		{"no code, no CLDR name", "Baku", nil, StandardCodes{}, "ru", Localized{"Baku", "en", SourceDataFile, true}},
		{"empty text never falls back", "", nil, StandardCodes{}, "az", Localized{"", "en", SourceDataFile, false}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Localize(tc.english, tc.labels, tc.codes, tc.lang); got != tc.want {
				t.Errorf("Localize = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestLanguageArgument(t *testing.T) {
	tests := []struct {
		name, lang, served string
		unoffered, err     bool
	}{
		{"offered", "ru", "ru", false, false},
		{"offered, with a region", "az-AZ", "az", false, false},
		{"English", "en-US", "en", false, false},
		{"unoffered", "fr", "en", true, false},
		{"not a tag", "russian!", "", false, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			served, unoffered, err := LanguageArgument(tc.lang)
			if served != tc.served || unoffered != tc.unoffered || (err != nil) != tc.err {
				t.Errorf("LanguageArgument(%q) = %q, %v, %v", tc.lang, served, unoffered, err)
			}
			if err != nil && CodeOf(err) != ErrBadInput {
				t.Errorf("error code %s, want %s", CodeOf(err), ErrBadInput)
			}
		})
	}
}
