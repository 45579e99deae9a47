package otp

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/awnumar/memguard"
)

// The package promise, checked the way an attacker would: a child process
// (this test binary) makes secrets in locked memory and runs them through
// everything here, then waits while the parent reads its memory the way a
// core dump does: every readable mapping except those marked
// MADV_DONTDUMP ("dd" in /proc/PID/smaps), which is how the kernel and
// gdb's gcore leave out memguard's locked pages. No secret may show, raw,
// base32 (either case), hex (either case) or base64. A random heap canary
// must show, or the search proves nothing. (gcore itself takes ~10 s here,
// writing Go's 1.2 GB of reserved address space, so it is not used.)

const dumpChildEnv = "TWOFOLD_OTP_COREDUMP_CHILD"

// Secret sizes: typical, longer than the SHA-1/SHA-256 block (hashLongKey),
// longer than the SHA-512 block; 67 and 131 also need base32 padding.
var dumpSecretSizes = []int{20, 67, 131}

func TestSecretsStayOutOfCoreDump(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc/PID/mem")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestCoreDumpChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), dumpChildEnv+"=1")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = stdin.Close(); _ = cmd.Wait() }()

	out := bufio.NewReader(stdout)
	secrets := make([][]byte, len(dumpSecretSizes))
	for i, n := range dumpSecretSizes {
		secrets[i] = readN(t, out, n)
	}
	canary := readN(t, out, 16)
	if line, err := out.ReadString('\n'); err != nil || line != "ready\n" {
		t.Fatalf("child: %q, %v", line, err)
	}
	canaryFound, leaks := searchDumpable(t, cmd.Process.Pid, canary, secrets)
	if !canaryFound {
		t.Fatal("heap canary not found: the search cannot see the heap")
	}
	for _, leak := range leaks {
		t.Errorf("found in dumpable process memory: %s", leak)
	}
}

func readN(t *testing.T, r io.Reader, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		t.Fatalf("read from child: %v", err)
	}
	return b
}

// searchDumpable reads every mapping of pid a core dump would hold and
// reports whether the canary occurs, and which forms of which secrets do.
func searchDumpable(t *testing.T, pid int, canary []byte, secrets [][]byte) (canaryFound bool, leaks []string) {
	t.Helper()
	smaps, err := os.ReadFile(fmt.Sprintf("/proc/%d/smaps", pid))
	if err != nil {
		t.Fatal(err)
	}
	mem, err := os.Open(fmt.Sprintf("/proc/%d/mem", pid))
	if err != nil {
		t.Fatal(err)
	}
	defer mem.Close()
	seen := map[string]bool{}
	for _, r := range dumpableRanges(t, string(smaps)) {
		buf := make([]byte, r[1]-r[0])
		if _, err := mem.ReadAt(buf, int64(r[0])); err != nil {
			continue // [vsyscall] and the like cannot be read; gcore skips them too
		}
		canaryFound = canaryFound || bytes.Contains(buf, canary)
		for i, s := range secrets {
			for name, form := range secretForms(s) {
				leak := fmt.Sprintf("secret %d (%d bytes) as %s", i, len(s), name)
				if !seen[leak] && bytes.Contains(buf, form) {
					seen[leak] = true
					leaks = append(leaks, leak)
				}
			}
		}
	}
	return canaryFound, leaks
}

// dumpableRanges parses smaps: readable mappings whose VmFlags lack "dd".
func dumpableRanges(t *testing.T, smaps string) [][2]uint64 {
	var ranges [][2]uint64
	var cur [2]uint64
	readable := false
	for _, line := range strings.Split(smaps, "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) >= 2 && strings.Contains(f[0], "-") && len(f[1]) == 4:
			lo, hi, _ := strings.Cut(f[0], "-")
			a, err1 := strconv.ParseUint(lo, 16, 64)
			b, err2 := strconv.ParseUint(hi, 16, 64)
			if err1 != nil || err2 != nil {
				t.Fatalf("smaps line %q", line)
			}
			cur, readable = [2]uint64{a, b}, f[1][0] == 'r'
		case len(f) > 0 && f[0] == "VmFlags:":
			if readable && !strings.Contains(line, " dd") {
				ranges = append(ranges, cur)
			}
		}
	}
	if len(ranges) == 0 {
		t.Fatal("no mappings parsed from smaps")
	}
	return ranges
}

// secretForms are the spellings of s to look for: the text forms, and the
// HMAC key material crypto/hmac would leave behind, the (hashed if longer
// than a block) key XORed with the inner and outer pads.
func secretForms(s []byte) map[string][]byte {
	raw32 := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(s)
	forms := map[string][]byte{
		"raw":          s,
		"base32":       []byte(raw32),
		"base32 lower": bytes.ToLower([]byte(raw32)),
		"hex":          []byte(hex.EncodeToString(s)),
		"hex upper":    bytes.ToUpper([]byte(hex.EncodeToString(s))),
		"base64":       []byte(base64.RawStdEncoding.EncodeToString(s)),
	}
	for a := SHA1; a <= SHA512; a++ {
		key := s
		if h := a.newHash(); len(s) > h.BlockSize() {
			h.Write(s)
			key = h.Sum(nil)
			forms[a.String()+" hashed key"] = key
		}
		forms[a.String()+" key^ipad"] = xorBytes(key, 0x36)
		forms[a.String()+" key^opad"] = xorBytes(key, 0x5c)
	}
	return forms
}

func xorBytes(b []byte, x byte) []byte {
	out := make([]byte, len(b))
	for i := range b {
		out[i] = b[i] ^ x
	}
	return out
}

// TestCoreDumpChild is the child's side; it does nothing in a normal run.
func TestCoreDumpChild(t *testing.T) {
	if os.Getenv(dumpChildEnv) == "" {
		t.Skip("run by TestSecretsStayOutOfCoreDump")
	}
	var keep [][]byte
	for _, n := range dumpSecretSizes {
		secret := memguard.NewBufferRandom(n)
		defer secret.Destroy()
		exerciseSecret(t, secret)
		// Straight from locked memory to the pipe: no heap copy.
		if _, err := os.Stdout.Write(secret.Bytes()); err != nil {
			t.Fatal(err)
		}
	}
	canary := make([]byte, 16)
	_, _ = rand.Read(canary)
	keep = append(keep, canary)
	runtime.GC()
	_, _ = os.Stdout.Write(canary)
	_, _ = os.Stdout.WriteString("ready\n")
	_, _ = io.Copy(io.Discard, os.Stdin) // until the parent has dumped us
	runtime.KeepAlive(keep)
}

// exerciseSecret runs secret through URIs, every field convention, every
// secret encoding and code generation, destroying what it makes.
func exerciseSecret(t *testing.T, secret *memguard.LockedBuffer) {
	at := time.Unix(1_700_000_000, 0)
	for a := SHA1; a <= SHA512; a++ {
		for _, p := range []Params{
			{Issuer: "Dump", Account: "child", Algorithm: a, Digits: 8, Period: 30},
			{Type: HOTP, Algorithm: a, Digits: 6, Counter: 3},
			{Digits: 5, Period: 30, Steam: true},
		} {
			k := &Key{Params: p, Secret: secret}
			uri := k.URI()
			k2, err := ParseURI(uri.Bytes())
			uri.Destroy()
			if err != nil {
				t.Fatal(err)
			}
			generateMany(t, k2, at)
			for _, conv := range []Convention{KeePassXC, KeeOtp, LegacyTOTP, KeePass2, KeePass2HOTP} {
				fields := lockedFields{}
				fields.apply(Encode(conv, k2))
				k3, _, err := FromFields(fields)
				if err != nil {
					t.Fatal(err)
				}
				generateMany(t, k3, at)
				k3.Destroy()
				fields.destroy()
			}
			k2.Destroy()
		}
	}
	exerciseEncodings(t, secret)
}

func generateMany(t *testing.T, k *Key, at time.Time) {
	for i := range 20 {
		if _, err := k.Code(at.Add(time.Duration(i) * 30 * time.Second)); err != nil {
			t.Fatal(err)
		}
	}
}

// exerciseEncodings decodes hex, base64 and lower-case spaced base32
// spellings of secret, each built in locked memory.
func exerciseEncodings(t *testing.T, secret *memguard.LockedBuffer) {
	raw := secret.Bytes()
	hexText := memguard.NewBuffer(hex.EncodedLen(len(raw)))
	defer hexText.Destroy()
	hex.Encode(hexText.Bytes(), raw)
	b64Text := memguard.NewBuffer(base64.StdEncoding.EncodedLen(len(raw)))
	defer b64Text.Destroy()
	base64.StdEncoding.Encode(b64Text.Bytes(), raw)
	b32Text := lockedText(" ", raw, "=", " ")
	defer b32Text.Destroy()
	for i, c := range b32Text.Bytes() {
		if 'A' <= c && c <= 'Z' {
			b32Text.Bytes()[i] = c + 'a' - 'A'
		}
	}
	for _, c := range []struct {
		text []byte
		enc  secretEncoding
	}{{hexText.Bytes(), encHex}, {b64Text.Bytes(), encBase64}, {b32Text.Bytes(), encBase32}, {raw, encUTF8}} {
		out, err := decodeSecret(c.text, c.enc)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out.Bytes(), raw) && c.enc != encUTF8 {
			t.Fatal("decoded secret differs")
		}
		out.Destroy()
	}
}

// lockedFields is an entry whose secret fields stay in locked memory.
type lockedFields map[string]FieldWrite

func (m lockedFields) Plain(key string) (string, bool) {
	w, ok := m[key]
	return w.Plain, ok && w.Secret == nil
}

func (m lockedFields) Secret(key string) (*memguard.LockedBuffer, bool) {
	w, ok := m[key]
	if !ok || w.Secret == nil {
		return nil, false
	}
	c := memguard.NewBuffer(w.Secret.Size())
	copy(c.Bytes(), w.Secret.Bytes())
	return c, true
}

func (m lockedFields) apply(writes []FieldWrite) {
	for _, w := range writes {
		m[w.Key] = w
	}
}

func (m lockedFields) destroy() {
	for _, w := range m {
		if w.Secret != nil {
			w.Secret.Destroy()
		}
	}
}
