package transfer

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/twofold-app/twofold/vault"
	"github.com/twofold-app/twofold/vault/otp"
)

// cheapKDF keeps test vaults fast to open.
var cheapKDF = vault.KDFParams{KDF: vault.KDFArgon2id, Iterations: 1, MemoryBytes: 1 << 20, Parallelism: 1}

const vaultPassword = "vault password"

func newVault(t *testing.T) (*vault.Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "vault.kdbx")
	s, err := vault.Create(path, vault.Credentials{Password: []byte(vaultPassword)}, vault.CreateOptions{KDF: cheapKDF})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Lock)
	return s, path
}

func storeURI(t *testing.T, s *vault.Store, uri string, group ...string) {
	t.Helper()
	k, err := otp.ParseURI([]byte(uri))
	if err != nil {
		t.Fatal(err)
	}
	defer k.Destroy()
	if _, err := s.AddAccount(vault.NewAccount{Key: k, Group: group}); err != nil {
		t.Fatal(err)
	}
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
}

func reopen(t *testing.T, path string) *vault.Store {
	t.Helper()
	s, err := vault.Open(path, vault.Credentials{Password: []byte(vaultPassword)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Lock)
	return s
}

const previewInput = `otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME
otpauth://totp/acme:ALICE?secret=JBSWY3DPEHPK3PXP
otpauth://totp/ACME:bob?secret=KRSXG5CTMVRXEZLUKRSXG5CT&issuer=ACME
otpauth://totp/Other:carol?secret=KRUGS4ZANFZSAYJAORSXG5A&issuer=Other
otpauth://totp/Other:carol?secret=KRUGS4ZANFZSAYJAORSXG5A&issuer=Other
otpauth://totp/Bad:digits?secret=JBSWY3DPEHPK3PXP&digits=0
otpauth://totp/Bad:period?secret=JBSWY3DPEHPK3PXP&period=0
otpauth://totp/Bad:secret?secret=not!base32
otpauth://motp/Bad:type?secret=JBSWY3DPEHPK3PXP
this line is not a URI
`

// TestPreviewAndApply: duplicates are found against the vault (the same
// secret; here also the same issuer and account, ignoring case) and
// within the file; a
// same-named account with another secret is new, naming the vault's as
// its namesake; bad entries are listed
// with their reason; Apply adds only the new ones and saves once.
func TestPreviewAndApply(t *testing.T) {
	s, path := newVault(t)
	storeURI(t, s, "otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME")
	storeURI(t, s, "otpauth://totp/ACME:bob?secret=GEZDGNBVGY3TQOJQ&issuer=ACME") // another secret
	r := mustImport(t, []byte(previewInput), Options{})
	p, err := PreviewImport(s, r)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range p.Items {
		line := it.Status.String() + " " + it.Name
		if it.Err != nil {
			line += ": " + it.Err.Error()
		}
		got = append(got, line)
	}
	want := []string{
		"duplicate ACME (alice)",
		"duplicate acme (ALICE)",
		"new ACME (bob)",
		"new Other (carol)",
		"duplicate Other (carol)",
		"cannot import Bad:digits: parse uri for \"Bad/digits\": digits must be 4 to 10, got 0",
		"cannot import Bad:period: parse uri for \"Bad/period\": period must be 1 to 86400 seconds, got 0",
		"cannot import Bad:secret: parse uri for \"Bad/secret\": parse secret: character 4 ('!') is not base32: bad otp secret",
		"cannot import Bad:type: parse uri: otp type \"motp\": unsupported otp kind",
		"cannot import line 10: not an otpauth:// URI: malformed otpauth uri",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("preview:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if p.Items[1].Existing.Issuer != "ACME" || p.Items[4].DuplicateOf != 3 {
		t.Errorf("duplicate references: %+v / %+v", p.Items[1], p.Items[4])
	}
	// The new ACME (bob) has the name of the vault's, whose secret differs:
	// it says so, so the stale one can be removed. No other entry does.
	for i, it := range p.Items {
		if n := it.Namesake; (n != nil) != (i == 2) || n != nil && n.Name() != "ACME (bob)" {
			t.Errorf("item %d (%s %s): namesake %v", i, it.Status, it.Name, n)
		}
	}
	for i, it := range p.Items {
		if it.Err != nil && strings.Contains(it.Err.Error(), "JBSWY3DPEHPK3PXP") {
			t.Errorf("item %d error quotes a secret: %v", i, it.Err)
		}
	}

	added, err := Apply(s, r, p, ApplyOptions{Group: []string{"Imported"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(added) != 2 || s.Dirty() {
		t.Fatalf("added %d, dirty %v; want 2 and saved", len(added), s.Dirty())
	}
	accounts, err := reopen(t, path).Accounts()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, a := range accounts {
		names = append(names, strings.Join(a.Group, "/")+":"+a.Name())
	}
	if want := ":ACME (alice) :ACME (bob) Imported:ACME (bob) Imported:Other (carol)"; strings.Join(names, " ") != want {
		t.Errorf("vault after import: %s\nwant %s", strings.Join(names, " "), want)
	}
}

// TestSameSecretUnderAnotherName: an entry whose secret the vault (or an
// earlier entry of the file) already holds under another name makes the
// same codes, so it is not imported again; the preview says which item
// it repeats. Of two vault accounts holding the secret, the one of the
// entry's name is the one named.
func TestSameSecretUnderAnotherName(t *testing.T) {
	s, _ := newVault(t)
	storeURI(t, s, "otpauth://totp/Old:a?secret=JBSWY3DPEHPK3PXP&issuer=Old")
	storeURI(t, s, "otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&issuer=GitHub")
	storeURI(t, s, "otpauth://totp/GitLab:alice?secret=GEZDGNBVGY3TQOJQ&issuer=GitLab")
	r := mustImport(t, []byte(`otpauth://totp/github.com:alice%40example.com?secret=GEZDGNBVGY3TQOJQ&issuer=github.com
otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&issuer=GitHub
otpauth://totp/Work:x?secret=KRSXG5CTMVRXEZLUKRSXG5CT&issuer=Work
otpauth://totp/Work:y?secret=KRSXG5CTMVRXEZLUKRSXG5CT&issuer=Work
`), Options{})
	p, err := PreviewImport(s, r)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range p.Items {
		line := fmt.Sprintf("%s %s other=%v", it.Status, it.Name, it.OtherName)
		switch {
		case it.DuplicateOf >= 0:
			line += " of " + p.Items[it.DuplicateOf].Name
		case it.Status == Duplicate:
			line += " of " + it.Existing.Name()
		}
		got = append(got, line)
	}
	want := []string{
		"duplicate github.com (alice@example.com) other=true of GitLab (alice)",
		"duplicate GitHub (alice) other=false of GitHub (alice)",
		"new Work (x) other=false",
		"duplicate Work (y) other=true of Work (x)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("preview:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	added, err := Apply(s, r, p, ApplyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(added) != 1 || added[0].Name() != "Work (x)" {
		t.Errorf("added %v, want only Work (x)", added)
	}
}

// TestApplyNothingWrittenOnFailure: when the vault cannot take the
// accounts (here: it was changed on disk by another program, so the save
// is refused), the file on disk is byte for byte what it was, and no
// temporary file is left.
func TestApplyNothingWrittenOnFailure(t *testing.T) {
	s, path := newVault(t)
	storeURI(t, s, "otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME")
	other := reopen(t, path)
	storeURI(t, other, "otpauth://totp/Elsewhere:x?secret=JBSWY3DPEHPK3PXP")
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	r := mustImport(t, []byte("otpauth://totp/New:n?secret=GEZDGNBVGY3TQOJQ\n"), Options{})
	p, err := PreviewImport(s, r)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Apply(s, r, p, ApplyOptions{})
	if !errors.Is(err, vault.ErrChangedOnDisk) {
		t.Fatalf("Apply = %v, want ErrChangedOnDisk", err)
	}
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Error("vault file changed")
	}
	tmps, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".*tmp*"))
	if len(tmps) > 0 {
		t.Errorf("temporary files left: %v", tmps)
	}
}

// TestApplyLockedVault: a vault locked before Apply refuses, having saved
// nothing.
func TestApplyLockedVault(t *testing.T) {
	s, path := newVault(t)
	before, _ := os.ReadFile(path)
	r := mustImport(t, []byte("otpauth://totp/New:n?secret=GEZDGNBVGY3TQOJQ\n"), Options{})
	p, err := PreviewImport(s, r)
	if err != nil {
		t.Fatal(err)
	}
	s.Lock()
	if _, err := Apply(s, r, p, ApplyOptions{}); !errors.Is(err, vault.ErrLocked) {
		t.Fatalf("Apply on a locked vault = %v, want ErrLocked", err)
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Error("vault file changed")
	}
}

// TestImportKeePass: another vault (here made by Twofold; KeePassXC files
// are read by the same vault package) imports with its groups, and a
// wrong password is ErrWrongPassword.
func TestImportKeePass(t *testing.T) {
	src, path := newVault(t)
	storeURI(t, src, "otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME&digits=8&period=60&algorithm=SHA256", "Work", "Cloud")
	storeURI(t, src, "otpauth://hotp/Bank:bob?secret=GEZDGNBVGY3TQOJQ&issuer=Bank&counter=42")
	src.Lock()
	r, err := ImportFile(path, Options{Password: password(vaultPassword, nil)})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Destroy()
	if r.Format != FormatKeePass {
		t.Errorf("format %q", r.Format)
	}
	sameAccounts(t, flatten(t, r), []flat{
		{Params: otp.Params{Issuer: "ACME", Account: "alice", Algorithm: otp.SHA256, Digits: 8, Period: 60}, Secret: "JBSWY3DPEHPK3PXP", Group: "Work/Cloud"},
		{Params: otp.Params{Type: otp.HOTP, Issuer: "Bank", Account: "bob", Digits: 6, Counter: 42}, Secret: "GEZDGNBVGY3TQOJQ"},
	})
	if _, err := ImportFile(path, Options{Password: password("nope", nil)}); !errors.Is(err, ErrWrongPassword) || !errors.Is(err, vault.ErrWrongPassword) {
		t.Errorf("wrong password: %v", err)
	}
	// A KeePass file without OTP entries (a password database, most
	// likely) opened fine: it is not "damaged" (QA), it has nothing to
	// import.
	empty, emptyPath := newVault(t)
	empty.Lock()
	if _, err := ImportFile(emptyPath, Options{Password: password(vaultPassword, nil)}); !errors.Is(err, ErrNoOTPEntries) || errors.Is(err, ErrMalformed) {
		t.Errorf("a KeePass file without OTP entries: %v, want ErrNoOTPEntries", err)
	}
}

// TestCutShortSecretIsNotImported: a list cut short mid-line ends in a
// URI with part of a secret, which is still valid base32; it was imported
// as a new account (and, beside a vault account of that name, advised
// the person to remove the good one as stale: QA). A secret under 80
// bits cannot be imported, and says why.
func TestCutShortSecretIsNotImported(t *testing.T) {
	list := "otpauth://totp/GitHub:me?secret=JBSWY3DPEHPK3PXP&issuer=GitHub\n" +
		"otpauth://totp/Airbnb:Elijah?secret=7ELGJSGXNCCT" // 7 bytes of 10
	r, err := Import([]byte(list), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Destroy()
	if len(r.Accounts) != 1 || r.Accounts[0].Issuer != "GitHub" {
		t.Errorf("imported %+v", r.Accounts)
	}
	if len(r.Skipped) != 1 || !errors.Is(r.Skipped[0].Err, otp.ErrShortSecret) || !strings.Contains(r.Skipped[0].Err.Error(), "56 bits") {
		t.Errorf("skipped %+v", r.Skipped)
	}
}
