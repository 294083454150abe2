//go:build unix

package pgembed

import (
	"errors"
	"os"
	"syscall"
)

// sysProcAttr switches the child to the account before exec. Doing it in the
// kernel call rather than through runuser/su needs no external tool and no
// shell quoting, and drops root's supplementary groups (empty Groups).
func (a *account) sysProcAttr() *syscall.SysProcAttr {
	if a == nil {
		return nil
	}
	return &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: a.uid, Gid: a.gid}}
}

func fileOwner(fi os.FileInfo) (uid uint32, ok bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return st.Uid, true
}

// processExists reports whether pid is a live process. Signal 0 checks
// without signalling; EPERM means it exists under another user (the
// cluster's, when this process is root's or vice versa).
func processExists(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
