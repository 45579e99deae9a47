package app

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"

	"github.com/twofold-app/twofold/vault"
	"github.com/twofold-app/twofold/vault/otp"
	"github.com/twofold-app/twofold/vault/transfer"
)

// writeQR writes a PNG of a QR code of text into the harness's folder.
func (h *harness) writeQR(name string, texts ...string) string {
	h.t.Helper()
	var imgs []*image.Gray
	for _, text := range texts {
		q, err := transfer.EncodeQR([]byte(text))
		if err != nil {
			h.t.Fatal(err)
		}
		imgs = append(imgs, q.Image(4))
	}
	return h.writePNG(name, stackImages(imgs))
}

func (h *harness) writePNG(name string, img image.Image) string {
	h.t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		h.t.Fatal(err)
	}
	return h.writeFile(name, buf.Bytes())
}

func (h *harness) writeFile(name string, data []byte) string {
	h.t.Helper()
	p := filepath.Join(h.dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		h.t.Fatal(err)
	}
	return p
}

// source is an export Source holding these otpauth URIs.
func source(t *testing.T, uris ...string) *transfer.Result {
	t.Helper()
	r, err := transfer.Import([]byte(strings.Join(uris, "\n")), transfer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Destroy)
	return r
}

// drop drops files on the window.
func (h *harness) drop(paths ...string) {
	var uris []fyne.URI
	for _, p := range paths {
		uris = append(uris, storage.NewFileURI(p))
	}
	h.ui.Dropped(fyne.NewPos(10, 10), uris)
	h.work.flush()
}

// savedNames reopens the vault file and lists its accounts' names.
func (h *harness) savedNames() []string {
	h.t.Helper()
	s, err := vault.Open(h.path, vault.Credentials{Password: []byte(testPassword)}, &vault.Options{Now: h.clock.Now})
	if err != nil {
		h.t.Fatal(err)
	}
	defer s.Lock()
	as, err := s.Accounts()
	if err != nil {
		h.t.Fatal(err)
	}
	var out []string
	for _, a := range as {
		out = append(out, a.Name())
	}
	return out
}

func TestOpenQRImageFillsTheForm(t *testing.T) {
	h := unlocked(t)
	h.ui.s.main.showAdd()
	h.pick = h.writeQR("github.png", hotpURI)
	test.Tap(h.button("Open QR image…"))
	h.work.flush()
	a := h.ui.s.main.add
	if h.picked != 1 || a.issuer.Text != "Bank" || a.account.Text != "me" || a.counter.Text != "5" || !a.hotp() {
		t.Fatalf("form: issuer %q account %q counter %q hotp %v", a.issuer.Text, a.account.Text, a.counter.Text, a.hotp())
	}
	h.mustSee("QR code read: check the details")
	h.mustNotSee("Added")
	test.Tap(h.button("Add account"))
	h.mustSee("Added Bank (me)")
	if got := h.savedNames(); len(got) != 1 || got[0] != "Bank (me)" {
		t.Errorf("saved %q", got)
	}
}

func TestQRImageErrorsAreExplained(t *testing.T) {
	h := unlocked(t)
	blank := image.NewGray(image.Rect(0, 0, 200, 200))
	for i := range blank.Pix {
		blank.Pix[i] = 0xff
	}
	h.drop(h.writePNG("blank.png", blank))
	h.mustSee("No QR code found in the image")
	h.drop(h.writeQR("link.png", "https://example.com/"))
	h.mustSee("This QR code is not a one-time password code")
	h.mustNotSee("example.com")
	h.drop(h.writeFile("fake.png", []byte("not an image")))
	h.mustSee("This file is not an image") // it said "The file is damaged … Export it again"
}

func TestDropGoogleBatchGoesToPreview(t *testing.T) {
	var uris []string
	for i := range 12 {
		uris = append(uris, "otpauth://totp/Svc"+itoa(i)+":me?secret=JBSWY3DPEHPK3PX"+string(rune('A'+i))+"&issuer=Svc"+itoa(i))
	}
	codes, skipped, err := transfer.ExportGoogle(source(t, uris...))
	if err != nil || len(skipped) != 0 || len(codes) != 2 {
		t.Fatalf("ExportGoogle: %d codes, %v, %v", len(codes), skipped, err)
	}
	h := unlocked(t, uris[0])
	first, second := h.writeQR("g1.png", string(codes[0])), h.writeQR("g2.png", string(codes[1]))
	h.drop(first)
	h.mustSee("Some codes of this Google Authenticator export are missing")

	h.drop(first, second)
	h.mustSee("11 new, 1 already in the vault, 0 cannot be imported")
	h.mustSee("duplicate — Svc0 (me): already in the vault")
	test.Tap(h.dialogButton("Import 11"))
	h.work.flush()
	h.mustSee("Imported 11 accounts")
	if got := h.savedNames(); len(got) != 12 {
		t.Errorf("saved %q", got)
	}
}

func TestImportPreviewAndApply(t *testing.T) {
	h := unlocked(t, githubURI)
	var list bytes.Buffer
	if err := transfer.ExportURIs(source(t, githubURI, pypiURI), &list); err != nil {
		t.Fatal(err)
	}
	list.WriteString("otpauth://totp/Broken:x?secret=!!!\n")
	h.pick = h.writeFile("list.txt", list.Bytes())
	h.ui.showImport()
	h.work.flush()
	h.mustSee("otpauth:// list: 1 new, 1 already in the vault, 1 cannot be imported")
	h.mustSee("new — PyPI (me)")
	h.mustSee("duplicate — GitHub (me@example.com): already in the vault")
	h.mustSee("cannot import — Broken:x: The secret is not valid base32")
	test.Tap(h.dialogButton("Import 1"))
	h.work.flush()
	h.mustSee("Imported PyPI (me)")
	if got := h.savedNames(); len(got) != 2 {
		t.Errorf("saved %q", got)
	}

	// The same file again: nothing new.
	h.ui.showImport()
	h.work.flush()
	h.mustSee("Nothing to import")
	test.Tap(h.dialogButton("Close"))

	// PyPI (me) with another secret: new, and the preview says the vault
	// has an account of that name (set up again? one code is stale).
	// An entry holding a secret the vault (or the file) has under another
	// name makes the same codes: it is not imported again, and the line
	// says which account it repeats.
	h.pick = h.writeFile("again.txt", []byte("otpauth://totp/PyPI:me?secret=MFRGGZDFMZTWQ2LL&issuer=PyPI\n"+
		"otpauth://totp/github.com:me?secret=JBSWY3DPEHPK3PXP&issuer=github.com\n"+
		"otpauth://totp/PyPI:work?secret=MFRGGZDFMZTWQ2LL&issuer=PyPI\n"))
	h.ui.showImport()
	h.work.flush()
	h.mustSee("new — PyPI (me): the vault's PyPI (me) has another secret; both are kept, remove the stale one")
	h.mustSee("duplicate — github.com (me): same secret as the vault's GitHub (me@example.com)")
	h.mustSee("duplicate — PyPI (work): same secret as PyPI (me), earlier in the file")
	h.mustSee("1 new, 2 already in the vault, 0 cannot be imported")
}

func TestImportAsksPasswordOnlyWhenEncrypted(t *testing.T) {
	h := unlocked(t)
	var plain, sealed bytes.Buffer
	src := source(t, githubURI, acmeURI)
	if err := transfer.ExportAegis(src, &plain, transfer.AegisOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := transfer.ExportAegis(src, &sealed, transfer.AegisOptions{Password: []byte("export pw"), ScryptN: 1 << 10, ScryptR: 8, ScryptP: 1}); err != nil {
		t.Fatal(err)
	}
	h.pick = h.writeFile("plain.json", plain.Bytes())
	h.ui.showImport()
	h.work.flush()
	h.mustNotSee("is encrypted")
	h.mustSee("Aegis: 2 new")
	test.Tap(h.dialogButton("Cancel"))
	if got := h.savedNames(); len(got) != 0 {
		t.Errorf("cancelled import saved %q", got)
	}

	h.pick = h.writeFile("sealed.json", sealed.Bytes())
	h.ui.showImport()
	h.work.flush()
	h.mustSee("This Aegis file is encrypted")
	test.Type(h.entry("Export password"), "wrong")
	test.Tap(h.dialogButton("Decrypt"))
	h.work.flush()
	h.mustSee("Wrong export password")
	test.Tap(h.dialogButton("OK"))
	// The password is asked again.
	test.Type(h.entry("Export password"), "export pw")
	test.Tap(h.dialogButton("Decrypt"))
	h.work.flush()
	h.mustSee("Aegis: 2 new")
	test.Tap(h.dialogButton("Import 2"))
	h.work.flush()
	h.mustSee("Imported 2 accounts")
}

func TestFailedImportRevertsInsteadOfSavingHalf(t *testing.T) {
	h := unlocked(t, githubURI)
	h.pick = h.writeFile("list.txt", []byte(pypiURI+"\n"+acmeURI+"\n"))
	h.ui.showImport()
	h.work.flush()
	h.mustSee("2 new")
	// Another program saves the vault meanwhile: Apply's Save fails.
	other, err := vault.Open(h.path, vault.Credentials{Password: []byte(testPassword)}, &vault.Options{Now: h.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	if err := other.Save(); err != nil {
		t.Fatal(err)
	}
	other.Lock()
	test.Tap(h.dialogButton("Import 2"))
	h.work.flush()
	h.mustSee("The vault changed on disk")
	h.mustSee("nothing was imported")
	if !h.ui.Unlocked() {
		t.Fatal("locked: the half-done import should have been reverted in place")
	}
	accounts, err := h.ui.s.v.(*vault.Store).Accounts()
	if err != nil || len(accounts) != 1 || accounts[0].Issuer != "GitHub" {
		t.Errorf("in memory after the failed import: %v %v (want GitHub only)", accounts, err)
	}
	if got := h.savedNames(); len(got) != 1 {
		t.Errorf("saved %q", got)
	}
}

func TestImportSharedFixtures(t *testing.T) {
	dir := filepath.Join("..", "..", "shared", "fixtures", "importers")
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("fixtures missing at %s but CI is set: %v", dir, err)
		}
		t.Skipf("fixtures not found at %s", dir)
	}
	for _, name := range []string{"aegis_plain.json", "2fas_authenticator.json", "bitwarden.json"} {
		t.Run(name, func(t *testing.T) {
			h := unlocked(t)
			h.pick, _ = filepath.Abs(filepath.Join(dir, name))
			h.ui.showImport()
			h.work.flush()
			h.mustSee("new — ")
			h.mustNotSee("is encrypted")
		})
	}
}

// keePassSource writes a KeePass file protected by password and a key
// file, holding these accounts, and returns the paths of both.
func (h *harness) keePassSource(password string, uris ...string) (db, keyFile string) {
	h.t.Helper()
	keyFile = h.writeFile("source.key", []byte("any file can be a KeePass key file\n"))
	db = filepath.Join(h.dir, "source.kdbx")
	s, err := vault.Create(db, vault.Credentials{Password: []byte(password), KeyFile: keyFile},
		vault.CreateOptions{Options: vault.Options{Now: h.clock.Now}, KDF: cheapKDF})
	if err != nil {
		h.t.Fatal(err)
	}
	defer s.Lock()
	for _, u := range uris {
		key, err := otp.ParseURI([]byte(u))
		if err != nil {
			h.t.Fatal(err)
		}
		_, err = s.AddAccount(vault.NewAccount{Key: key})
		key.Destroy()
		if err != nil {
			h.t.Fatal(err)
		}
	}
	if err := s.Save(); err != nil {
		h.t.Fatal(err)
	}
	return db, keyFile
}

func TestImportKeePassWithKeyFile(t *testing.T) {
	h := unlocked(t, githubURI)
	db, keyFile := h.keePassSource("source pw", pypiURI, acmeURI)
	h.pick = db
	h.ui.showImport()
	h.work.flush()
	h.mustSee("This KeePass file is encrypted")

	// The password alone does not open it.
	test.Type(h.entry("Password of the KeePass file"), "source pw")
	test.Tap(h.dialogButton("Decrypt"))
	h.work.flush()
	h.mustSee("Wrong password or key file")
	h.mustSee("choose that key file too")
	test.Tap(h.dialogButton("OK"))

	// Asked again: choose the key file, mistype the password.
	h.pick = keyFile
	test.Tap(h.dialogButton("Browse…"))
	if got := h.entry("Key file").Text; got != keyFile {
		t.Fatalf("key file entry = %q, want %q", got, keyFile)
	}
	test.Type(h.entry("Password of the KeePass file"), "typo")
	test.Tap(h.dialogButton("Decrypt"))
	h.work.flush()
	h.mustSee("Wrong password or key file")
	test.Tap(h.dialogButton("OK"))
	if got := h.entry("Key file").Text; got != keyFile {
		t.Errorf("the key file was forgotten after a wrong password: %q", got)
	}

	test.Type(h.entry("Password of the KeePass file"), "source pw")
	test.Tap(h.dialogButton("Decrypt"))
	h.work.flush()
	h.mustSee("KeePass: 2 new")
	test.Tap(h.dialogButton("Import 2"))
	h.work.flush()
	h.mustSee("Imported 2 accounts")
	if got := h.savedNames(); len(got) != 3 {
		t.Errorf("saved %q", got)
	}
}

func TestImportKeePassMissingKeyFileIsExplained(t *testing.T) {
	h := unlocked(t)
	db, _ := h.keePassSource("source pw", pypiURI)
	h.pick = db
	h.ui.showImport()
	h.work.flush()
	h.entry("Key file").SetText(filepath.Join(h.dir, "gone.key"))
	test.Type(h.entry("Password of the KeePass file"), "source pw")
	test.Tap(h.dialogButton("Decrypt"))
	h.work.flush()
	h.mustSee("The key file is missing")
	test.Tap(h.dialogButton("OK"))
	h.mustSee("This KeePass file is encrypted") // asked again
}

// TestTruncatedExportIsExplained: a dropped JSON export that ends early
// is "cut short", not "not recognised" (QA: head -c 300 of an Aegis
// export sent people looking for another app's export).
func TestTruncatedExportIsExplained(t *testing.T) {
	h := unlocked(t)
	h.drop(h.writeFile("cut.json", []byte(`{"version":1,"header":{"slots":null,"params":null},"db":{"version":2,"entries":[{"type":"totp","name":"al`)))
	h.mustSee("The file is cut short")
	h.mustNotSee("Twofold does not recognise this file")
}
