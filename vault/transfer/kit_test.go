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
)

// TestRecoveryKit: pdftotext finds every account's name, parameters and
// grouped secret in the PDF; rendered by pdftoppm, its pages hold one QR
// code per account, which import back to the same accounts.
func TestRecoveryKit(t *testing.T) {
	needTool(t, "pdftotext")
	needTool(t, "pdftoppm")
	src, want := sevenSource(t)
	dir := t.TempDir()
	pdf := filepath.Join(dir, "kit.pdf")
	var out bytes.Buffer
	if err := RecoveryKit(src, &out, KitOptions{Now: time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)}); err != nil {
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
	for _, s := range []string{"Twofold recovery kit", "7 account(s), printed 2 January 2030", "Page 1 of 2", "Page 2 of 2",
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
