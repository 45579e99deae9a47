package transfer

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/twofold-app/twofold/vault"
)

// vaultFiles reads the vault file and its backup (nil when absent).
func vaultFiles(t *testing.T, path string) [2][]byte {
	t.Helper()
	var out [2][]byte
	for i, p := range []string{path, vault.BackupPath(path)} {
		b, err := os.ReadFile(p)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
		out[i] = b
	}
	return out
}

// accountNames lists the vault's accounts as "group:name".
func accountNames(t *testing.T, s *vault.Store) []string {
	t.Helper()
	accounts, err := s.Accounts()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, a := range accounts {
		names = append(names, strings.Join(a.Group, "/")+":"+a.Name())
	}
	return names
}

const threeNew = `otpauth://totp/New:one?secret=GEZDGNBVGY3TQOJQ&issuer=New
otpauth://totp/New:two?secret=KRUGS4ZANFZSAYJAORSXG5A&issuer=New
otpauth://hotp/New:three?secret=MFRGGZDFMZTWQ2LK&issuer=New&counter=3
`

// TestApplyFailsHalfway: Apply fails after it has added some accounts to
// the Store: at the third account (its secret can no longer be read from
// the import result: what a result wiped meanwhile gives; the vault
// itself refuses no account that passed Apply's checks), or at the save
// (the file was changed by another program). Either way the file and its
// backup are byte for byte what they were, no temporary file is left,
// and the Store is back to its state before Apply: the same accounts,
// nothing unsaved.
func TestApplyFailsHalfway(t *testing.T) {
	for _, c := range []struct {
		name  string
		spoil func(t *testing.T, path string, r *Result)
		want  error  // what the error wraps, if anything known
		where string // what its message names
	}{
		{"third secret unreadable", func(t *testing.T, _ string, r *Result) {
			r.box.Drop(r.Accounts[2].handle)
		}, nil, "apply import: New (three): "},
		{"save refused", func(t *testing.T, path string, _ *Result) {
			other := reopen(t, path)
			storeURI(t, other, "otpauth://totp/Elsewhere:x?secret=JBSWY3DPEHPK3PXP")
		}, vault.ErrChangedOnDisk, "changed"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, path := newVault(t)
			storeURI(t, s, "otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME", "Work")
			r := mustImport(t, []byte(threeNew), Options{})
			p, err := PreviewImport(s, r)
			if err != nil {
				t.Fatal(err)
			}
			if n := p.Count(New); n != 3 {
				t.Fatalf("%d new in the preview, want 3", n)
			}
			c.spoil(t, path, r)
			files := vaultFiles(t, path)
			before := accountNames(t, s)

			added, err := Apply(s, r, p, ApplyOptions{Group: []string{"Imported"}})
			if err == nil || added != nil {
				t.Fatalf("Apply = %v, %v; want an error", added, err)
			}
			msg := err.Error()
			if (c.want != nil && !errors.Is(err, c.want)) || !strings.Contains(msg, c.where) || !strings.HasSuffix(msg, "; nothing was imported") {
				t.Errorf("Apply = %v; want an error wrapping %v, naming %q, ending \"; nothing was imported\"", err, c.want, c.where)
			}
			if now := vaultFiles(t, path); !bytes.Equal(now[0], files[0]) || !bytes.Equal(now[1], files[1]) {
				t.Error("the vault file or its backup changed")
			}
			if tmps, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".*tmp*")); len(tmps) > 0 {
				t.Errorf("temporary files left: %v", tmps)
			}
			if after := accountNames(t, s); !slices.Equal(after, before) || s.Dirty() {
				t.Errorf("Store after the failure: %q, unsaved changes %v; want %q and none", after, s.Dirty(), before)
			}
		})
	}
}

// TestApplyFailsHalfwayWithUnsavedChanges: a Store that already had
// unsaved changes is not reverted by a failed Apply (that would drop them
// too): it keeps them and the accounts added before the failure, the file
// is untouched, and the caller's Revert brings back the saved state.
func TestApplyFailsHalfwayWithUnsavedChanges(t *testing.T) {
	s, path := newVault(t)
	storeURI(t, s, "otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME")
	src := mustImport(t, []byte("otpauth://totp/ACME:bob?secret=KRSXG5CTMVRXEZLU&issuer=ACME\n"), Options{})
	bob, err := src.Key(0)
	if err != nil {
		t.Fatal(err)
	}
	defer bob.Destroy()
	if _, err := s.AddAccount(vault.NewAccount{Key: bob}); err != nil { // not saved
		t.Fatal(err)
	}
	r := mustImport(t, []byte(threeNew), Options{})
	p, err := PreviewImport(s, r)
	if err != nil {
		t.Fatal(err)
	}
	r.box.Drop(r.Accounts[2].handle)
	files := vaultFiles(t, path)
	if _, err := Apply(s, r, p, ApplyOptions{}); err == nil || !strings.HasSuffix(err.Error(), "(nothing was saved)") {
		t.Fatalf("Apply = %v, want an error ending (nothing was saved)", err)
	}
	if now := vaultFiles(t, path); !bytes.Equal(now[0], files[0]) || !bytes.Equal(now[1], files[1]) {
		t.Error("the vault file or its backup changed")
	}
	want := []string{":ACME (alice)", ":ACME (bob)", ":New (one)", ":New (two)"}
	if got := accountNames(t, s); !slices.Equal(got, want) || !s.Dirty() {
		t.Errorf("Store after the failure: %q, unsaved changes %v; want %q, unsaved", got, s.Dirty(), want)
	}
	if err := s.Revert(); err != nil {
		t.Fatal(err)
	}
	if got := accountNames(t, s); !slices.Equal(got, []string{":ACME (alice)"}) {
		t.Errorf("after Revert: %q", got)
	}
}
