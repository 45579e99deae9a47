package main

import (
	"bufio"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"gopkg.in/macaroon.v2"

	"github.com/twofold-app/twofold/vault"
)

// cheapKDF makes test vaults open in milliseconds.
var cheapKDF = vault.KDFParams{KDF: vault.KDFArgon2id, Iterations: 1, MemoryBytes: 1 << 20, Parallelism: 1}

// builds holds the real binaries the process-level tests run: twofold
// itself and testdata/vaulthelper (a small program that drives the vault
// package the way a long-running front end does). They are built once per
// test run, without -race, and removed when the run ends (see TestMain).
var builds struct {
	once sync.Once
	dir  string
	err  error
}

// binaries returns the paths of the built twofold and vaulthelper.
func binaries(t testing.TB) (twofold, helper string) {
	t.Helper()
	builds.once.Do(buildBinaries)
	if builds.err != nil {
		t.Fatalf("build binaries: %v", builds.err)
	}
	return filepath.Join(builds.dir, "twofold"), filepath.Join(builds.dir, "vaulthelper")
}

func buildBinaries() {
	builds.dir, builds.err = os.MkdirTemp("", "twofold-bin-")
	if builds.err != nil {
		return
	}
	// Other users must reach the binary (memlock test).
	if builds.err = os.Chmod(builds.dir, 0o755); builds.err != nil {
		return
	}
	for out, pkg := range map[string]string{"twofold": ".", "vaulthelper": "./testdata/vaulthelper"} {
		cmd := exec.Command(goTool(), "build", "-o", filepath.Join(builds.dir, out), pkg)
		if b, err := cmd.CombinedOutput(); err != nil {
			builds.err = fmt.Errorf("go build %s: %v\n%s", pkg, err, b)
			return
		}
	}
}

func removeBuilds() {
	if builds.dir != "" {
		os.RemoveAll(builds.dir)
	}
}

func goTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return filepath.Join(runtime.GOROOT(), "bin", "go")
}

// pypiToken makes a PyPI-style API token: "pypi-" and the unpadded
// base64url of a V2 binary macaroon for location pypi.org with the given
// first-party caveats, under a fresh random root key.
func pypiToken(caveats ...string) (string, error) {
	return pypiTokenAt("pypi.org", caveats...)
}

// pypiTokenAt is pypiToken for the index at location ("test.pypi.org"
// for TestPyPI).
func pypiTokenAt(location string, caveats ...string) (string, error) {
	root := make([]byte, 32)
	id := make([]byte, 16)
	rand.Read(root)
	rand.Read(id)
	m, err := macaroon.New(root, []byte(fmt.Sprintf(`{"version":1,"id":"%x"}`, id)), location, macaroon.V2)
	if err != nil {
		return "", err
	}
	for _, c := range caveats {
		if err := m.AddFirstPartyCaveat([]byte(c)); err != nil {
			return "", err
		}
	}
	b, err := m.MarshalBinary()
	if err != nil {
		return "", err
	}
	return "pypi-" + base64.RawURLEncoding.EncodeToString(b), nil
}

// lineReader delivers a process's output lines on a channel, so a test
// can wait for one with a deadline instead of polling.
type lineReader struct {
	lines chan string
	done  chan struct{} // closed at EOF
}

func readLines(r io.Reader) *lineReader {
	lr := &lineReader{lines: make(chan string, 1024), done: make(chan struct{})}
	go func() {
		defer close(lr.done)
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			lr.lines <- sc.Text()
		}
		close(lr.lines)
	}()
	return lr
}

var errTimeout = errors.New("timed out")

// next waits for the next line, at most d.
func (lr *lineReader) next(d time.Duration) (string, error) {
	select {
	case l, ok := <-lr.lines:
		if !ok {
			return "", io.EOF
		}
		return l, nil
	case <-time.After(d):
		return "", errTimeout
	}
}

// rest returns every line still to come, until EOF (the process's end).
func (lr *lineReader) rest(d time.Duration) ([]string, error) {
	var out []string
	for {
		l, err := lr.next(d)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, l)
	}
}

// minimalEnv is an environment for child processes that carries no
// secret: only PATH and a private HOME.
func minimalEnv(home string) []string {
	return []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "LANG=C"}
}

// runCLI runs the built twofold with stdin and returns stdout; it fails
// the test when twofold fails.
func runCLI(t testing.TB, bin, stdin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Env = minimalEnv(t.TempDir())
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("twofold %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}
