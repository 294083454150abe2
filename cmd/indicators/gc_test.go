package main

import (
	"testing"

	"indicators/internal/server"
)

func TestGCSettings(t *testing.T) {
	const mb = 1 << 20
	cases := []struct {
		name       string
		env        map[string]string
		cacheBytes int64
		percent    int
		limit      int64
		apply      bool
	}{
		{"the default cache", nil, 0, 400, 512*mb + 2*64*mb, true},
		{"a larger cache", nil, 256 * mb, 400, 512*mb + 2*256*mb, true},
		{"no cache", nil, -1, 400, 512 * mb, true},
		{"GOGC chosen", map[string]string{"GOGC": "100"}, 0, 0, 0, false},
		{"GOGC off", map[string]string{"GOGC": "off"}, 0, 0, 0, false},
		{"GOMEMLIMIT chosen", map[string]string{"GOMEMLIMIT": "2GiB"}, 0, 0, 0, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			size := server.Config{ResponseCacheBytes: tc.cacheBytes}.ResponseCacheSize()
			percent, limit, apply := gcSettings(func(k string) string { return tc.env[k] }, size)
			if percent != tc.percent || limit != tc.limit || apply != tc.apply {
				t.Errorf("gcSettings = %d, %d MiB, %v; want %d, %d MiB, %v",
					percent, limit/mb, apply, tc.percent, tc.limit/mb, tc.apply)
			}
		})
	}
}
