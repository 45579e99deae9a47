package otp

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/awnumar/memguard"

	"github.com/twofold-app/twofold/internal/memscan"
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

// Secret sizes: typical, longer than the SHA-1/SHA-256 block (secret.Sum),
// longer than the SHA-512 block; 67 and 131 also need base32 padding.
var dumpSecretSizes = []int{20, 67, 131}

func TestSecretsStayOutOfCoreDump(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc/PID/mem")
	}
	child, err := memscan.StartChild("TestCoreDumpChild", dumpChildEnv, dumpSecretSizes)
	if err != nil {
		t.Fatal(err)
	}
	defer child.Stop()
	canaryFound, leaks := searchDumpable(t, child.Pid, child.Canary, child.Secrets)
	if !canaryFound {
		t.Fatal("heap canary not found: the search cannot see the heap")
	}
	for _, leak := range leaks {
		t.Errorf("found in dumpable process memory: %s", leak)
	}
}

// searchDumpable reads every mapping of pid a core dump would hold and
// reports whether the canary occurs, and which forms of which secrets do.
func searchDumpable(t *testing.T, pid int, canary []byte, secrets [][]byte) (bool, []string) {
	t.Helper()
	forms := map[string][]memscan.Form{}
	for i, s := range secrets {
		forms[fmt.Sprintf("secret %d (%d bytes)", i, len(s))] = secretForms(s)
	}
	found, leaks, err := memscan.Search(pid, canary, forms)
	if err != nil {
		t.Fatal(err)
	}
	return found, leaks
}

// secretForms are the spellings of s to look for: the text forms, and the
// HMAC key material crypto/hmac would leave behind, the (hashed if longer
// than a block) key XORed with the inner and outer pads.
func secretForms(s []byte) []memscan.Form {
	forms := memscan.TextForms(s)
	for a := SHA1; a <= SHA512; a++ {
		key := s
		if h := a.newHash(); len(s) > h.BlockSize() {
			h.Write(s)
			key = h.Sum(nil)
			forms = append(forms, memscan.Form{Name: a.String() + " hashed key", Bytes: key})
		}
		forms = append(forms,
			memscan.Form{Name: a.String() + " key^ipad", Bytes: xorBytes(key, 0x36)},
			memscan.Form{Name: a.String() + " key^opad", Bytes: xorBytes(key, 0x5c)})
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
