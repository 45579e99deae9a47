package transfer

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/twofold-app/twofold/vault"
	"github.com/twofold-app/twofold/vault/otp"
)

// TestRecoveryKitWithAccountSecrets: with AccountSecrets, pdftotext finds
// every account's name, parameters and grouped secret in the PDF; rendered
// by pdftoppm, its pages hold one QR code per account, which import back
// to the same accounts.
func TestRecoveryKitWithAccountSecrets(t *testing.T) {
	needTool(t, "pdftotext")
	needTool(t, "pdftoppm")
	src, want := sevenSource(t)
	dir := t.TempDir()
	pdf := filepath.Join(dir, "kit.pdf")
	var out bytes.Buffer
	if err := RecoveryKit(src, &out, KitOptions{Now: time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC), AccountSecrets: true}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pdf, out.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	text, err := exec.Command("pdftotext", "-layout", pdf, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	space := regexp.MustCompile(`\s+`)
	flatText := space.ReplaceAllString(string(text), " ")
	for _, s := range []string{"Twofold recovery kit", "Printed 2 January 2030", "7 accounts in the vault", "Page 1 of ",
		"anyone who holds this paper can generate these codes",
		"Deno (Mason)", "Air Canada (Benjamin)", "Group: Work/Cloud", "TOTP (time-based), SHA256, 7 digits, every 20 s",
		"HOTP (counter-based), SHA512, 8 digits, counter 10300", "Steam Guard, 5 characters every 30 s",
		"Secret: 4SJH B4GS D43F ZBAI 7C2H LRJG PQ"} {
		if !strings.Contains(flatText, s) {
			t.Errorf("pdftotext output lacks %q:\n%s", s, text)
		}
	}
	if out, err := exec.Command("pdftoppm", "-r", "150", "-png", pdf, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v %s", err, out)
	}
	pages, _ := filepath.Glob(filepath.Join(dir, "page*.png"))
	var codes [][]byte
	for _, p := range pages {
		found, err := DecodeQRFile(p, Limits{})
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		codes = append(codes, found...)
	}
	r, err := ImportCodes(codes, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Destroy()
	sameAccounts(t, flatten(t, r), withoutGroups(want))
}

// TestRecoveryKitFromVault: the default kit of a real vault names the
// vault and tells how to open it, lists unused recovery codes but not used ones, the key inventory
// with its single-key warning, and the accounts, without their secrets.
func TestRecoveryKitFromVault(t *testing.T) {
	needTool(t, "pdftotext")
	dir := t.TempDir()
	path := filepath.Join(dir, "vault.kdbx")
	s, err := vault.Create(path, vault.Credentials{Password: []byte("pw")}, vault.CreateOptions{
		KDF: vault.KDFParams{KDF: vault.KDFArgon2id, Iterations: 1, MemoryBytes: 1 << 20, Parallelism: 1}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Lock()
	key, err := otp.ParseURI([]byte("otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&issuer=GitHub"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddAccount(vault.NewAccount{Key: key}); err != nil {
		t.Fatal(err)
	}
	key.Destroy()
	r, err := s.AddRecoveryCodes("GitHub", "alice", nil, []string{"used-1111", "keep-2222", "keep-3333"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.UseRecoveryCode(r.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RecordSecurityKey("blue key", "cb69481e8ff7403993ec0a2729a154a8", "YubiKey 5 NFC"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateSecurityKey("blue key", func(k *vault.SecurityKey) { k.Services = []string{"pypi.org"} }); err != nil {
		t.Fatal(err)
	}
	src, _, err := FromVault(s, nil)
	if err != nil {
		t.Fatal(err)
	}
	o, err := KitFromStore(s, KitOptions{Now: time.Date(2030, 1, 2, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := RecoveryKit(src, &out, o); err != nil {
		t.Fatal(err)
	}
	pdf := filepath.Join(dir, "kit.pdf")
	if err := os.WriteFile(pdf, out.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	raw, err := exec.Command("pdftotext", pdf, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	text := regexp.MustCompile(`\s+`).ReplaceAllString(string(raw), " ")
	// How to open the vault: where it is, with which apps, and what it
	// takes.
	for _, want := range []string{"Your vault is a KeePass file: " + path,
		"Open it with Twofold ('twofold', or 'twofold codes' in a terminal) or any KeePass app (KeePassXC shows the same codes)",
		"with your master password, and your key file if you use one"} {
		if !strings.Contains(text, want) {
			t.Errorf("kit does not tell how to open the vault: lacks %q:\n%s", want, text)
		}
	}
	for _, want := range []string{"Printed 2 January 2030", "GitHub (alice): 2 unused", "keep-2222", "keep-3333",
		"blue key (YubiKey 5 NFC): pypi.org", "pypi.org (only on blue key)", "GitHub (alice)"} {
		if !strings.Contains(text, want) {
			t.Errorf("kit lacks %q:\n%s", want, text)
		}
	}
	for _, never := range []string{"used-1111", "JBSW", "Secret:"} {
		if strings.Contains(text, never) {
			t.Errorf("kit holds %q, which it must not (used code or account secret)", never)
		}
	}
}
