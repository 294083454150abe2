package main

import (
	"io"
	"testing"
	"time"

	"indicators/internal/ratelimit"
	"indicators/internal/server"
)

func TestServerConfigFromEnvironment(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		check   func(t *testing.T, cfg server.Config)
		wantErr bool
	}{
		{"defaults: everything on", nil, func(t *testing.T, cfg server.Config) {
			if cfg.NoIntrospection || cfg.NoFieldSuggestions || cfg.NoGraphiQL || cfg.NoPageWriter || cfg.MaxConcurrent != 0 || cfg.MaxQueued != 0 {
				t.Errorf("%+v", cfg)
			}
		}, false},
		{"each switch off", map[string]string{"INTROSPECTION": "off", "FIELD_SUGGESTIONS": "OFF", "GRAPHIQL": "off", "PAGE_WRITER": "off"}, func(t *testing.T, cfg server.Config) {
			if !cfg.NoIntrospection || !cfg.NoFieldSuggestions || !cfg.NoGraphiQL || !cfg.NoPageWriter {
				t.Errorf("%+v", cfg)
			}
		}, false},
		{"load shedding bounds", map[string]string{"MAX_CONCURRENT_REQUESTS": "8", "MAX_QUEUED_REQUESTS": "16"}, func(t *testing.T, cfg server.Config) {
			if cfg.MaxConcurrent != 8 || cfg.MaxQueued != 16 {
				t.Errorf("%d %d", cfg.MaxConcurrent, cfg.MaxQueued)
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
				tc.check(t, cfg)
			}
		})
	}
}

func TestRateLimitConfigFromEnvironment(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		want    ratelimit.Config
		wantErr bool
	}{
		{"defaults left to the limiter", nil, ratelimit.Config{}, false},
		{"every setting", map[string]string{"RATE_LIMIT_POINTS": "5000", "RATE_LIMIT_CONCURRENCY": "3",
			"RATE_LIMIT_PARTNER_POINTS": "80000", "RATE_LIMIT_PARTNER_CONCURRENCY": "12",
			"RATE_LIMIT_WINDOW": "10m", "RATE_LIMIT_FLUSH_INTERVAL": "250ms"},
			ratelimit.Config{Anonymous: ratelimit.Policy{Points: 5000, Concurrency: 3}, Partner: ratelimit.Policy{Points: 80000, Concurrency: 12},
				Window: 10 * time.Minute, FlushEvery: 250 * time.Millisecond}, false},
		{"partners' points alone", map[string]string{"RATE_LIMIT_PARTNER_POINTS": "80000"},
			ratelimit.Config{Partner: ratelimit.Policy{Points: 80000}}, false},
		{"points that are not a number", map[string]string{"RATE_LIMIT_POINTS": "lots"}, ratelimit.Config{}, true},
		{"partners' concurrency of zero", map[string]string{"RATE_LIMIT_PARTNER_CONCURRENCY": "0"}, ratelimit.Config{}, true},
		{"a window of zero", map[string]string{"RATE_LIMIT_WINDOW": "0s"}, ratelimit.Config{}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := &cli{getenv: func(k string) string { return tc.env[k] }}
			got, err := c.rateLimitConfig()
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if !tc.wantErr && (got.Anonymous != tc.want.Anonymous || got.Partner != tc.want.Partner || got.Window != tc.want.Window || got.FlushEvery != tc.want.FlushEvery) {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
	c := &cli{getenv: env("TRUSTED_PROXIES", "10.0.0.0/8,192.0.2.1", "EXPORT_COST", "50", "AUTH_FAILURES_PER_MINUTE", "7")}
	cfg, err := c.serverConfig()
	if err != nil || len(cfg.TrustedProxies) != 2 || cfg.ExportCost != 50 || cfg.AuthFailures != 7 {
		t.Errorf("TRUSTED_PROXIES, EXPORT_COST, AUTH_FAILURES_PER_MINUTE: %+v %v", cfg, err)
	}
	if _, err := (&cli{getenv: env("AUTH_FAILURES_PER_MINUTE", "0")}).serverConfig(); err == nil {
		t.Error("AUTH_FAILURES_PER_MINUTE=0 was accepted")
	}
	if _, err := (&cli{getenv: env("TRUSTED_PROXIES", "proxy.example")}).serverConfig(); err == nil {
		t.Error("a host name in TRUSTED_PROXIES was accepted")
	}
	if err := run(t.Context(), []string{"indicators", "check"}, env("LOG_FORMAT", "xml"), nil, io.Discard, io.Discard); err == nil {
		t.Error("LOG_FORMAT=xml was accepted")
	}
}

func TestResponseCacheSizeFromEnvironment(t *testing.T) {
	tests := []struct {
		name    string
		value   string
		want    int64
		wantErr bool
	}{
		{"unset: the server's default", "", 0, false},
		{"megabytes", "128", 128 << 20, false},
		{"none", "0", -1, false},
		{"negative", "-1", 0, true},
		{"not a number", "lots", 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := &cli{getenv: func(k string) string {
				if k == "RESPONSE_CACHE_MB" {
					return tc.value
				}
				return ""
			}}
			cfg, err := c.serverConfig()
			if (err != nil) != tc.wantErr || (err == nil && cfg.ResponseCacheBytes != tc.want) {
				t.Errorf("ResponseCacheBytes %d, err %v; want %d, error %v", cfg.ResponseCacheBytes, err, tc.want, tc.wantErr)
			}
		})
	}
}
