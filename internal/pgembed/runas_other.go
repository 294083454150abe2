//go:build !unix

package pgembed

import (
	"os"
	"syscall"
)

// Without Unix credentials there is no root to step down from
// (os.Geteuid reports -1), so an account is never created here.
func (a *account) sysProcAttr() *syscall.SysProcAttr { return nil }

func fileOwner(os.FileInfo) (uint32, bool) { return 0, false }

// processExists cannot ask without Unix signals: the pid file's presence
// and status stand alone.
func processExists(int) bool { return true }
