package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// progress shows how far a load has read its observations files, on
// stderr: a bar redrawn in place on a terminal, else a plain line for each
// tenth read (a log or CI keeps every line, so a bar's redraws would be
// noise there).
type progress struct {
	w        io.Writer
	terminal bool
	start    time.Time
	shown    int // tenths printed (plain) or the last percentage drawn (bar)
	release  string
}

func newProgress(w io.Writer) *progress {
	p := &progress{w: w}
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			p.terminal = true
		}
	}
	return p
}

// report is a store.LoadOptions.Progress.
func (p *progress) report(release string, read, size int64) {
	if release != p.release {
		// The bar draws 0%; plain lines begin at the first tenth.
		p.release, p.shown, p.start = release, 0, time.Now()
		if p.terminal {
			p.shown = -1
		}
	}
	percent := 100
	if size > 0 {
		percent = int(read * 100 / size)
	}
	elapsed := time.Since(p.start).Truncate(time.Second)
	if p.terminal {
		if percent == p.shown {
			return
		}
		p.shown = percent
		const width = 30
		bar := strings.Repeat("=", percent*width/100) + strings.Repeat(" ", width-percent*width/100)
		fmt.Fprintf(p.w, "\r%s [%s] %3d%% %s of %s, %s", release, bar, percent, mb(read), mb(size), elapsed)
		if percent == 100 {
			fmt.Fprintln(p.w)
		}
		return
	}
	if tenth := percent / 10; tenth > p.shown {
		p.shown = tenth
		fmt.Fprintf(p.w, "load: %s: %d%% of the observations file read (%s of %s), %s\n", release, percent, mb(read), mb(size), elapsed)
	}
}

func mb(n int64) string { return fmt.Sprintf("%d MB", n>>20) }
