package otp

import (
	"encoding/base32"
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"testing"

	"github.com/awnumar/memguard"
)

// Test secrets are plain Go memory: they are made up for the test.

// locked copies b into a locked buffer destroyed at the end of the test.
func locked(t testing.TB, b []byte) *memguard.LockedBuffer {
	t.Helper()
	buf := memguard.NewBuffer(len(b))
	copy(buf.Bytes(), b)
	t.Cleanup(buf.Destroy)
	return buf
}

// mustSecret parses a base32 secret or fails the test.
func mustSecret(t testing.TB, s string) []byte {
	t.Helper()
	buf, err := ParseSecret([]byte(s))
	if err != nil {
		t.Fatalf("ParseSecret(%q): %v", s, err)
	}
	t.Cleanup(buf.Destroy)
	return buf.Bytes()
}

func b32(raw []byte) string { return base32.StdEncoding.EncodeToString(raw) }

func randomBytes(r *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// needTool finds an external peer. Locally a missing tool skips the test;
// in CI (CI set) it fails, so the cross-check cannot silently vanish.
func needTool(t *testing.T, names ...string) {
	t.Helper()
	for _, name := range names {
		if _, err := exec.LookPath(name); err != nil {
			if os.Getenv("CI") == "" {
				t.Skipf("%s not installed (scripts/test.sh installs it)", name)
			}
			t.Fatalf("%s not installed but CI is set: %v", name, err)
		}
	}
}

// wantErr checks err matches target with errors.Is.
func wantErr(t *testing.T, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("error = %v, want errors.Is %v", err, target)
	}
}

// mapFields is an in-memory entry: secret fields (IsSecretField) are only
// readable through Secret, others only through Plain, as in the store.
type mapFields map[string]string

func (m mapFields) Plain(key string) (string, bool) {
	if IsSecretField(key) {
		return "", false
	}
	v, ok := m[key]
	return v, ok
}

func (m mapFields) Secret(key string) (*memguard.LockedBuffer, bool) {
	v, ok := m[key]
	if !ok || !IsSecretField(key) {
		return nil, false
	}
	if v == "" {
		return memguard.NewBuffer(0), true
	}
	buf := memguard.NewBuffer(len(v))
	copy(buf.Bytes(), v)
	return buf, true
}

// apply stores writes in m, destroying their secret buffers.
func (m mapFields) apply(writes []FieldWrite) {
	for _, w := range writes {
		if w.Secret != nil {
			m[w.Key] = string(w.Secret.Bytes())
			w.Secret.Destroy()
			continue
		}
		m[w.Key] = w.Plain
	}
}

// decodeSecret decodes s, spelled in enc, into a new locked buffer.
func decodeSecret(s []byte, enc secretEncoding) (*memguard.LockedBuffer, error) {
	return decodeLocked(len(s), func(out, tmp []byte) (int, error) {
		return decodeInto(s, enc, out, tmp)
	})
}
