package main

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// TestExportIntoAClosedPipe is `indicators export … | head` on the private
// cluster: the reader is gone before the first row, and the command must
// still end by itself and stop the cluster it started.
func TestExportIntoAClosedPipe(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a private PostgreSQL")
	}
	dir := clusterDataDir(t)
	pidFile := filepath.Join(dir, "pg", "postmaster.pid")
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "export", "--format", "observations.csv")
	cmd.Env = append(os.Environ(), runAsCommand+"=1", "DATA_DIR="+dir, "DATABASE_URL=")
	cmd.Stdout = w
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Both ends closed here: the child's stdout is a pipe nobody reads.
	w.Close()
	r.Close()
	err = cmd.Wait()
	t.Cleanup(func() { stopLeftCluster(t, pidFile) })

	var exit *exec.ExitError
	if errors.As(err, &exit) && !exit.Exited() {
		t.Fatalf("the command was killed (%v) instead of ending; stderr:\n%s", exit, stderr.String())
	}
	if strings.Contains(stderr.String(), "broken pipe") {
		t.Errorf("a reader that left is reported as an error:\n%s", stderr.String())
	}
	if _, err := os.Stat(pidFile); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the private cluster is still running (%s: %v)", pidFile, err)
	}
}

// stopLeftCluster stops a postmaster a failed run left behind, so a failing
// test does not leak a server.
func stopLeftCluster(t *testing.T, pidFile string) {
	t.Helper()
	b, err := os.ReadFile(pidFile)
	if err != nil {
		return
	}
	pid, err := strconv.Atoi(strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0]))
	if err != nil {
		return
	}
	if p, err := os.FindProcess(pid); err == nil {
		p.Signal(syscall.SIGQUIT)
	}
}
