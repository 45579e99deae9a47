package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"debug/elf"
	"encoding/base32"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/awnumar/memguard"

	"github.com/twofold-app/twofold/vault"
	"github.com/twofold-app/twofold/vault/otp"
)

// TestSecretsNotInCoreDump dumps the memory of running processes that hold
// an unlocked vault (gcore, which honours MADV_DONTDUMP as the kernel's
// own core dumps do) and searches the dump for every secret in every
// encoding it could plausibly sit in memory as. Scenarios:
//
//   - watch: `twofold codes --watch`, after its first code line.
//   - exec: `twofold token exec` while its child runs. (The CLI has no
//     long-running command that saves, so:)
//   - listed: testdata/vaulthelper lists accounts, recovery-code sets
//     and tokens (metadata only, as a window's lists do) and stays
//     unlocked.
//   - saved: testdata/vaulthelper uses every kind of item, saves, and
//     stays unlocked, as the GUI does.
//
// Positive control: the accounts' titles (plain, random) must be found,
// or the dump or the search is broken.
func TestSecretsNotInCoreDump(t *testing.T) {
	if testing.Short() {
		t.Skip("writes four core dumps of over a gigabyte each; skipped in -short mode")
	}
	if _, err := exec.LookPath("gcore"); err != nil {
		if os.Getenv("CI") == "" {
			t.Skip("gcore (gdb) is not installed")
		}
		t.Fatal("gcore (gdb) is needed in CI")
	}
	twofold, helper := binaries(t)
	fx := newDumpFixture(t)
	t.Run("watch", func(t *testing.T) {
		p := startDumpee(t, fx, twofold, "codes", "--watch", "--vault", fx.path)
		p.closeStdin(t)
		p.waitLine(t, regexp.MustCompile(`^\d\d:\d\d:\d\d  \S.* +\d{6,8} +\d+s left$`))
		p.dumpAndSearch(t, fx)
		p.cmd.Process.Signal(os.Interrupt)
		p.wait(t)
	})
	t.Run("exec", func(t *testing.T) {
		p := startDumpee(t, fx, twofold, "token", "exec", "upload", "--vault", fx.path, "--",
			"sh", "-c", "echo child-ready; read line || :")
		p.waitLine(t, regexp.MustCompile(`^child-ready$`))
		p.dumpAndSearch(t, fx)
		p.closeStdin(t) // the child reads EOF and ends, then twofold
		p.wait(t)
	})
	t.Run("listed", func(t *testing.T) {
		p := startDumpee(t, fx, helper, "listwait", fx.path)
		p.waitLine(t, regexp.MustCompile(`^ready$`))
		p.dumpAndSearch(t, fx)
		p.closeStdin(t)
		p.wait(t)
	})
	t.Run("saved", func(t *testing.T) {
		p := startDumpee(t, fx, helper, "savewait", fx.path)
		p.waitLine(t, regexp.MustCompile(`^ready$`))
		// UseRecoveryCode returns the first code as a string: the one code
		// the user asked for. Every other code must stay sealed.
		p.dumpAndSearch(t, fx, "recovery code 1")
		p.closeStdin(t)
		p.wait(t)
	})
}

// dumpPattern is one secret in one encoding.
type dumpPattern struct {
	name string
	b    []byte
}

// dumpFixture is a vault with random secrets, and what to look for.
type dumpFixture struct {
	path     string
	password string
	secrets  []dumpPattern // must not be in a dump
	controls []dumpPattern // must be in a dump (plain titles)
}

func newDumpFixture(t *testing.T) *dumpFixture {
	t.Helper()
	fx := &dumpFixture{path: filepath.Join(t.TempDir(), "vault.kdbx"), password: "pw-" + randomHex(16)}
	fx.addPattern("password", []byte(fx.password))
	kdf := vault.KDFParams{KDF: vault.KDFArgon2id, MemoryBytes: 1 << 20, Parallelism: 1, Iterations: 2}
	s, err := vault.Create(fx.path, vault.Credentials{Password: []byte(fx.password)}, vault.CreateOptions{KDF: kdf})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Lock()
	fx.addAccount(t, s, otp.Params{Type: otp.TOTP, Algorithm: otp.SHA1, Digits: 6, Period: 30}, 20)
	fx.addAccount(t, s, otp.Params{Type: otp.TOTP, Algorithm: otp.SHA256, Digits: 8, Period: 30}, 32)
	fx.addAccount(t, s, otp.Params{Type: otp.HOTP, Algorithm: otp.SHA1, Digits: 6, Counter: 7}, 26)
	fx.addRecovery(t, s)
	fx.addToken(t, s)
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	return fx
}

// addAccount adds an account with an n-byte random secret, and the
// secret's raw, base32 and hex forms to the patterns.
func (fx *dumpFixture) addAccount(t *testing.T, s *vault.Store, p otp.Params, n int) {
	t.Helper()
	raw := make([]byte, n)
	rand.Read(raw)
	p.Issuer, p.Account = "title-"+randomHex(8), "user"
	fx.controls = append(fx.controls, dumpPattern{"title " + p.Issuer, []byte(p.Issuer)})
	key := &otp.Key{Params: p, Secret: memguard.NewBufferFromBytes(bytes.Clone(raw))}
	defer key.Destroy()
	if _, err := s.AddAccount(vault.NewAccount{Key: key}); err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("%s %s secret", p.Type, p.Algorithm)
	fx.addPattern(name+" raw", raw)
	padded := base32.StdEncoding.EncodeToString(raw)
	bare := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(raw)
	for _, enc := range []struct{ name, s string }{
		{"base32", padded}, {"base32 lower", strings.ToLower(padded)},
		{"base32 unpadded", bare}, {"base32 lower unpadded", strings.ToLower(bare)},
		{"hex", hex.EncodeToString(raw)}, {"hex upper", strings.ToUpper(hex.EncodeToString(raw))},
	} {
		fx.addPattern(name+" "+enc.name, []byte(enc.s))
	}
}

func (fx *dumpFixture) addRecovery(t *testing.T, s *vault.Store) {
	t.Helper()
	var codes []string
	for range 8 {
		h := randomHex(6)
		codes = append(codes, h[:4]+"-"+h[4:8]+"-"+h[8:])
	}
	if _, err := s.AddRecoveryCodes("recovery-"+randomHex(4), "", nil, codes); err != nil {
		t.Fatal(err)
	}
	for i, c := range codes {
		fx.addPattern(fmt.Sprintf("recovery code %d", i+1), []byte(c))
	}
}

func (fx *dumpFixture) addToken(t *testing.T, s *vault.Store) {
	t.Helper()
	tok, err := pypiToken(`[1,["sampleproject"]]`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddToken(vault.NewToken{Name: "upload", Token: []byte(tok)}); err != nil {
		t.Fatal(err)
	}
	fx.addPattern("PyPI token", []byte(tok))
	// Its last 32 characters: the random part (the start is the same
	// for every pypi.org token), to catch a partial copy.
	fx.addPattern("PyPI token tail", []byte(tok[len(tok)-32:]))
}

func (fx *dumpFixture) addPattern(name string, b []byte) {
	for _, p := range fx.secrets {
		if bytes.Equal(p.b, b) {
			return
		}
	}
	fx.secrets = append(fx.secrets, dumpPattern{name, b})
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// dumpee is a process whose memory is dumped.
type dumpee struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	lines  *lineReader
	stderr *strings.Builder
	done   chan error
}

// startDumpee starts bin with the password as the first line of its
// standard input, which stays open. Nothing secret is in its arguments
// or environment.
func startDumpee(t *testing.T, fx *dumpFixture, bin string, args ...string) *dumpee {
	t.Helper()
	p := &dumpee{cmd: exec.Command(bin, args...), stderr: &strings.Builder{}, done: make(chan error, 1)}
	p.cmd.Env = minimalEnv(t.TempDir())
	if filepath.Base(bin) != "twofold" {
		// The helper stands in for a front end: it runs as twofold runs
		// itself (preempt.go), which twofold's own dumps check.
		p.cmd.Env = append(p.cmd.Env, "GODEBUG=asyncpreemptoff=1")
	}
	p.cmd.Stderr = p.stderr
	var err error
	if p.stdin, err = p.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	out, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p.lines = readLines(out)
	go func() { p.done <- p.cmd.Wait() }()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.done
	})
	if _, err := io.WriteString(p.stdin, fx.password+"\n"); err != nil {
		t.Fatal(err)
	}
	return p
}

func (p *dumpee) closeStdin(t *testing.T) {
	t.Helper()
	if err := p.stdin.Close(); err != nil {
		t.Fatal(err)
	}
}

// waitLine waits for an output line matching re.
func (p *dumpee) waitLine(t *testing.T, re *regexp.Regexp) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		l, err := p.lines.next(time.Until(deadline))
		if err != nil {
			t.Fatalf("waiting for a line matching %s: %v; stderr: %s", re, err, p.stderr.String())
		}
		if re.MatchString(l) {
			return
		}
	}
}

// wait waits for a clean exit.
func (p *dumpee) wait(t *testing.T) {
	t.Helper()
	select {
	case err := <-p.done:
		p.done <- err // for the cleanup
		if err != nil {
			t.Errorf("%s: %v; stderr: %s", filepath.Base(p.cmd.Path), err, p.stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Errorf("%s did not exit", filepath.Base(p.cmd.Path))
	}
}

// dumpAndSearch dumps the process's memory with gcore and reports every
// secret found in it, with the memory region that held it.
// handedOut names secrets the scenario asked Twofold for (so they are
// expected in ordinary memory, as a code printed to the user is).
func (p *dumpee) dumpAndSearch(t *testing.T, fx *dumpFixture, handedOut ...string) {
	t.Helper()
	pid := p.cmd.Process.Pid
	core := gcoreDump(t, pid)
	defer os.Remove(core) // it holds whatever leaked
	maps := readMappings(t, pid)
	segs := readableSegments(t, core, maps)
	size := 0
	for _, sg := range segs {
		size += len(sg.data)
	}
	t.Logf("core of %s: searched %d MiB in %d readable mappings", filepath.Base(p.cmd.Path), size>>20, len(segs))
	for _, c := range fx.controls {
		if len(findIn(segs, c.b, 1)) == 0 {
			t.Errorf("control %s not found in the dump: the dump or the search is broken", c.name)
		}
	}
	for _, s := range fx.secrets {
		if slices.Contains(handedOut, s.name) {
			continue
		}
		for _, hit := range findIn(segs, s.b, 4) {
			t.Errorf("%s found in the core dump at %s", s.name, hit)
		}
	}
}

// gcoreDump writes a core of pid into a temporary folder and returns its
// path. gcore stops the process only while it copies it.
func gcoreDump(t *testing.T, pid int) string {
	t.Helper()
	prefix := filepath.Join(t.TempDir(), "core")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "gcore", "-o", prefix, strconv.Itoa(pid)).CombinedOutput()
	path := prefix + "." + strconv.Itoa(pid)
	if _, statErr := os.Stat(path); err != nil || statErr != nil {
		t.Fatalf("gcore %d: %v %v\n%s", pid, err, statErr, out)
	}
	return path
}

// coreSegment is the dumped content of one readable mapping.
type coreSegment struct {
	data []byte
	off  uint64 // in the core file
	addr uint64
	m    *memMapping
}

// readableSegments reads the core's memory segments that are readable
// in the process. (gdb also writes the reserved, PROT_NONE address space
// of the Go heap and memguard's guard pages: over a gigabyte, empty.)
func readableSegments(t *testing.T, core string, maps []memMapping) []coreSegment {
	t.Helper()
	f, err := elf.Open(core)
	if err != nil {
		t.Fatalf("read core: %v", err)
	}
	defer f.Close()
	var out []coreSegment
	for _, p := range f.Progs {
		m := mappingAt(maps, p.Vaddr)
		if p.Type != elf.PT_LOAD || p.Filesz == 0 || (m != nil && !strings.HasPrefix(m.perms, "r")) {
			continue
		}
		data, err := io.ReadAll(p.Open())
		if err != nil {
			t.Fatalf("read core segment at %#x: %v", p.Vaddr, err)
		}
		out = append(out, coreSegment{data: data, off: p.Off, addr: p.Vaddr, m: m})
	}
	return out
}

// findIn describes up to limit places where pat occurs.
func findIn(segs []coreSegment, pat []byte, limit int) []string {
	var out []string
	for _, sg := range segs {
		for base := 0; len(out) < limit; {
			i := bytes.Index(sg.data[base:], pat)
			if i < 0 {
				break
			}
			at := uint64(base + i)
			before := sg.data[max(0, base+i-160):min(len(sg.data), base+i+80)]
			out = append(out, fmt.Sprintf("core offset %#x, address %#x, after %q, in %s", sg.off+at, sg.addr+at, before, sg.m))
			base += i + 1
		}
	}
	return out
}

// memMapping is one line of /proc/PID/smaps and its VmFlags.
type memMapping struct {
	start, end uint64
	perms      string
	line       string
	flags      string
}

func (m *memMapping) String() string {
	if m == nil {
		return "a mapping /proc/PID/smaps does not list"
	}
	desc := "VmFlags: " + m.flags
	if strings.Contains(" "+m.flags+" ", " lo ") {
		desc += ": locked (memguard)"
	} else if strings.Contains(m.line, " rw-p ") && len(strings.Fields(m.line)) == 5 {
		desc += ": anonymous, not locked (Go heap or runtime)"
	}
	return fmt.Sprintf("%q (%s)", m.line, desc)
}

func readMappings(t *testing.T, pid int) []memMapping {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/smaps", pid))
	if err != nil {
		t.Fatal(err)
	}
	var out []memMapping
	for _, line := range strings.Split(string(b), "\n") {
		if flags, ok := strings.CutPrefix(line, "VmFlags:"); ok && len(out) > 0 {
			out[len(out)-1].flags = strings.TrimSpace(flags)
			continue
		}
		f := strings.Fields(line)
		if len(f) < 5 {
			continue
		}
		lo, hi, ok := strings.Cut(f[0], "-")
		start, err1 := strconv.ParseUint(lo, 16, 64)
		end, err2 := strconv.ParseUint(hi, 16, 64)
		if ok && err1 == nil && err2 == nil {
			out = append(out, memMapping{start: start, end: end, perms: f[1], line: strings.Join(f, " ")})
		}
	}
	return out
}

func mappingAt(maps []memMapping, addr uint64) *memMapping {
	for i := range maps {
		if maps[i].start <= addr && addr < maps[i].end {
			return &maps[i]
		}
	}
	return nil
}
