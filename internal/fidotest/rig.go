// Package fidotest is the test rig for Twofold's FIDO2 code: a software
// CTAP 2.1 authenticator (package softkey) plugged into the real libfido2
// through a SOCK_SEQPACKET socket and a libc shim (package shim). It is
// imported by tests only.
package fidotest

import (
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/twofold-app/twofold/internal/fidotest/shim"
	"github.com/twofold-app/twofold/internal/fidotest/softkey"
)

// Rig is one software key plugged in at a socket path.
type Rig struct {
	t    testing.TB
	Key  *softkey.Authenticator
	path string
	srv  *softkey.Server
}

// New plugs in a software key configured by cfg; it is unplugged when the
// test ends.
func New(t testing.TB, cfg softkey.Config) *Rig {
	t.Helper()
	// Unix socket paths are limited to 108 bytes, t.TempDir() can be longer.
	dir, err := os.MkdirTemp("", "tfk")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	r := &Rig{t: t, Key: softkey.New(cfg), path: filepath.Join(dir, "key")}
	r.plug()
	t.Cleanup(r.Unplug)
	return r
}

// Path is the device path to give libfido2.
func (r *Rig) Path() string { return r.path }

// Server is the CTAPHID endpoint while the key is plugged in.
func (r *Rig) Server() *softkey.Server { return r.srv }

func (r *Rig) plug() {
	srv, err := softkey.Listen(r.path, r.Key)
	if err != nil {
		r.t.Fatal(err)
	}
	r.srv = srv
}

// Unplug pulls the key out: open connections close, even mid-operation,
// and the path disappears.
func (r *Rig) Unplug() {
	if r.srv != nil {
		r.srv.Close()
		r.srv = nil
	}
}

// Replug unplugs the key if needed and plugs it back in, which powers it up
// again (reset window reopens, the three-wrong-PINs block is lifted).
func (r *Rig) Replug() {
	r.Unplug()
	r.Key.PowerCycle()
	r.plug()
}

// Command returns a command for one of libfido2's tools (fido2-token,
// fido2-cred, fido2-assert) with the shim preloaded, so that it can open
// the rig's socket.
func (r *Rig) Command(name string, args ...string) *exec.Cmd {
	r.t.Helper()
	lib := preload(r.t)
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), "LD_PRELOAD="+lib)
	return cmd
}

var (
	preloadOnce sync.Once
	preloadPath string
	preloadErr  error
)

// preload builds the shim library once per test binary, into a directory
// named after the shim's source so that runs share it instead of leaving
// one copy each behind.
func preload(t testing.TB) string {
	preloadOnce.Do(func() {
		dir := filepath.Join(os.TempDir(), "twofold-fido-shim-"+shim.Version())
		if err := os.MkdirAll(dir, 0o700); err != nil {
			preloadErr = err
			return
		}
		preloadPath, preloadErr = shim.BuildPreload(dir)
	})
	if preloadErr != nil {
		t.Fatal(preloadErr)
	}
	return preloadPath
}

// Clock is a manual clock for softkey.Config.Now.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock standing at a fixed instant.
func NewClock() *Clock {
	return &Clock{now: time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)}
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}
