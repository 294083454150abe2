package main

import (
	"runtime/debug"

	"indicators/internal/server"
)

// serveGCPercent is the garbage collector's target for serve when the
// environment leaves it to the binary: serving allocates much per request
// and holds little, so at Go's default (100) the collector ran often over a
// small heap. On the world dataset, uncached, the same build at GOGC=400
// served 17–27% more pages of 100 and nested pages than at 100, in the same
// run, and as many one-cell requests (docs/benchmarks.md).
const serveGCPercent = 400

// serveMemoryHeadroom is the soft memory limit's part apart from the
// response cache: what a serving process holds besides (code lists,
// prepared statements, requests in flight, streamed exports' buffers), with
// room for the collector's target to stay the binding one at that size.
const serveMemoryHeadroom = 512 << 20

// gcSettings are serve's garbage-collector settings: GOGC serveGCPercent
// and a soft memory limit of serveMemoryHeadroom plus twice the response
// cache (its bodies and their index), so the larger target cannot grow the
// heap without bound. cacheBytes is the cache's size
// (server.Config.ResponseCacheSize). Either of Go's own variables, GOGC or
// GOMEMLIMIT, in the environment leaves both to Go (apply false): the
// operator has chosen.
func gcSettings(getenv func(string) string, cacheBytes int64) (percent int, limit int64, apply bool) {
	if getenv("GOGC") != "" || getenv("GOMEMLIMIT") != "" {
		return 0, 0, false
	}
	return serveGCPercent, serveMemoryHeadroom + 2*cacheBytes, true
}

// tuneGC applies gcSettings to this process and logs them.
func (c *cli) tuneGC(cfg server.Config) {
	percent, limit, apply := gcSettings(c.getenv, cfg.ResponseCacheSize())
	if !apply {
		return
	}
	debug.SetGCPercent(percent)
	debug.SetMemoryLimit(limit)
	c.log.Info("garbage collector tuned for serving (GOGC or GOMEMLIMIT set in the environment leave it to Go)",
		"gogc", percent, "memory_limit_mb", limit>>20)
}
