package main

import (
	"testing"
)

func TestServerConfigFromEnvironment(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		check   func(t *testing.T, noIntro, noSugg, noGraphiQL bool, conc, queue int)
		wantErr bool
	}{
		{"defaults: everything on", nil, func(t *testing.T, a, b, c bool, conc, queue int) {
			if a || b || c || conc != 0 || queue != 0 {
				t.Errorf("%v %v %v %d %d", a, b, c, conc, queue)
			}
		}, false},
		{"each switch off", map[string]string{"INTROSPECTION": "off", "FIELD_SUGGESTIONS": "OFF", "GRAPHIQL": "off"}, func(t *testing.T, a, b, c bool, _, _ int) {
			if !a || !b || !c {
				t.Errorf("%v %v %v", a, b, c)
			}
		}, false},
		{"load shedding bounds", map[string]string{"MAX_CONCURRENT_REQUESTS": "8", "MAX_QUEUED_REQUESTS": "16"}, func(t *testing.T, _, _, _ bool, conc, queue int) {
			if conc != 8 || queue != 16 {
				t.Errorf("%d %d", conc, queue)
			}
		}, false},
		{"a switch neither on nor off", map[string]string{"GRAPHIQL": "no"}, nil, true},
		{"a bound that is not a number", map[string]string{"MAX_CONCURRENT_REQUESTS": "many"}, nil, true},
		{"a bound of zero", map[string]string{"MAX_QUEUED_REQUESTS": "0"}, nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := &cli{getenv: func(k string) string { return tc.env[k] }}
			cfg, err := c.serverConfig()
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if tc.check != nil {
				tc.check(t, cfg.NoIntrospection, cfg.NoFieldSuggestions, cfg.NoGraphiQL, cfg.MaxConcurrent, cfg.MaxQueued)
			}
		})
	}
}
