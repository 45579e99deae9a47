package transfer

import (
	"bytes"
	"cmp"
	"encoding/base32"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/awnumar/memguard"

	"github.com/twofold-app/twofold/vault/otp"
)

// Test secrets are plain Go memory: they are made up (or come from the
// public fixtures).

// fixtureDir finds ../shared/fixtures/importers beside the repository
// (CI clones the repository with shared/ next to it). Locally a missing
// folder skips the test; with CI set it fails.
func fixtureDir(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test directory")
		}
		dir = parent
	}
	fx := filepath.Join(dir, "..", "shared", "fixtures", "importers")
	if _, err := os.Stat(fx); err != nil {
		if os.Getenv("CI") == "" {
			t.Skipf("import fixtures not found at %s", fx)
		}
		t.Fatalf("import fixtures not found at %s but CI is set: %v", fx, err)
	}
	return fx
}

// password returns a PasswordFunc that answers pw and counts its calls.
func password(pw string, calls *int) PasswordFunc {
	return func(Format) (*memguard.LockedBuffer, error) {
		if calls != nil {
			*calls++
		}
		return memguard.NewBufferFromBytes([]byte(pw)), nil
	}
}

// flat is an account with its secret in base32, for comparisons.
type flat struct {
	otp.Params
	Secret string
	Group  string
}

func (f flat) String() string {
	return fmt.Sprintf("%s/%s %s %s/%d p=%d c=%d steam=%v secret=%s group=%q",
		f.Issuer, f.Account, f.Type, f.Algorithm, f.Digits, f.Period, f.Counter, f.Steam, f.Secret, f.Group)
}

// flatten reads every account of r with its secret.
func flatten(t testing.TB, r *Result) []flat {
	t.Helper()
	var out []flat
	for i, a := range r.Accounts {
		k, err := r.Key(i)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, flat{Params: k.Params, Secret: b32(k.Secret.Bytes()), Group: strings.Join(a.Group, "/")})
		k.Destroy()
	}
	return out
}

func b32(raw []byte) string {
	return strings.TrimRight(base32.StdEncoding.EncodeToString(raw), "=")
}

func sortFlat(list []flat) {
	slices.SortFunc(list, func(a, b flat) int {
		return cmp.Or(cmp.Compare(a.Issuer, b.Issuer), cmp.Compare(a.Account, b.Account), cmp.Compare(a.Secret, b.Secret))
	})
}

// sameAccounts compares two lists regardless of order.
func sameAccounts(t *testing.T, got, want []flat) {
	t.Helper()
	got, want = slices.Clone(got), slices.Clone(want)
	sortFlat(got)
	sortFlat(want)
	if len(got) != len(want) {
		t.Errorf("got %d accounts, want %d", len(got), len(want))
	}
	for i := range max(len(got), len(want)) {
		var g, w string
		if i < len(got) {
			g = got[i].String()
		}
		if i < len(want) {
			w = want[i].String()
		}
		if g != w {
			t.Errorf("account %d:\n got %s\nwant %s", i, g, w)
		}
	}
}

// mustImport imports data or fails the test.
func mustImport(t testing.TB, data []byte, o Options) *Result {
	t.Helper()
	in := bytes.Clone(data)
	r, err := Import(data, o)
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	if !bytes.Equal(in, data) {
		t.Fatal("Import modified its input")
	}
	t.Cleanup(r.Destroy)
	return r
}

// errorsIsAny reports whether err matches one of targets.
func errorsIsAny(err error, targets ...error) bool {
	for _, t := range targets {
		if errors.Is(err, t) {
			return true
		}
	}
	return false
}
