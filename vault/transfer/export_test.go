package transfer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/twofold-app/twofold/vault"
	"github.com/twofold-app/twofold/vault/otp"
)

// sevenSource imports the seven vectors (built here as URIs, so the
// export tests do not need the fixtures), with a group on two of them.
func sevenSource(t *testing.T) (*Result, []flat) {
	t.Helper()
	var text bytes.Buffer
	want := slices.Clone(seven)
	for i, v := range want {
		raw, err := otp.ParseSecret([]byte(v.Secret))
		if err != nil {
			t.Fatal(err)
		}
		uri := v.Params.URI(raw.Bytes())
		raw.Destroy()
		text.Write(uri.Bytes())
		text.WriteByte('\n')
		uri.Destroy()
		if i < 2 {
			want[i].Group = "Work/Cloud"
		}
	}
	r := mustImport(t, text.Bytes(), Options{})
	r.Accounts[0].Group = []string{"Work", "Cloud"}
	r.Accounts[1].Group = []string{"Work", "Cloud"}
	return r, want
}

func withoutGroups(list []flat) []flat {
	out := slices.Clone(list)
	for i := range out {
		out[i].Group = ""
	}
	return out
}

// TestExportURIs: the URI list imports back to the same accounts.
func TestExportURIs(t *testing.T) {
	src, want := sevenSource(t)
	var out bytes.Buffer
	if err := ExportURIs(src, &out); err != nil {
		t.Fatal(err)
	}
	sameAccounts(t, flatten(t, mustImport(t, out.Bytes(), Options{})), withoutGroups(want))
}

// TestExportAegis: plain and encrypted Aegis files import back with their
// groups; the encrypted one refuses a wrong password; both have the
// structure of the Aegis fixtures.
func TestExportAegis(t *testing.T) {
	src, want := sevenSource(t)
	for _, c := range []struct {
		name string
		o    AegisOptions
	}{
		{"plain", AegisOptions{}},
		{"encrypted", AegisOptions{Password: []byte("export pw"), ScryptN: 1 << 10, ScryptR: 8, ScryptP: 1}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var out bytes.Buffer
			if err := ExportAegis(src, &out, c.o); err != nil {
				t.Fatal(err)
			}
			if f, err := Detect(out.Bytes()); f != FormatAegis {
				t.Fatalf("Detect = %q, %v", f, err)
			}
			r := mustImport(t, out.Bytes(), Options{Password: password("export pw", nil)})
			sameAccounts(t, flatten(t, r), want)
			if c.o.Password != nil {
				if _, err := Import(out.Bytes(), Options{Password: password("wrong", nil)}); !errors.Is(err, ErrWrongPassword) {
					t.Errorf("wrong password: %v", err)
				}
			}
			checkAegisShape(t, out.Bytes(), c.o.Password != nil)
		})
	}
}

// checkAegisShape compares the keys of every object of our file with
// those of the same object in Aegis's own export of the same kind
// (aegis_plain.json or aegis_encrypted.json, read in place). Those files
// come from an older Aegis: our file must have exactly their keys plus
// the ones later versions added (docs/vault.md: content version 3 with a
// group list, entry notes, favourites and icon metadata; the slot's
// is_backup). The fixtures have no group object: its keys are the ones
// docs/vault.md gives.
func checkAegisShape(t *testing.T, data []byte, encrypted bool) {
	t.Helper()
	ours := aegisShape(t, data)
	fixture := "aegis_plain.json"
	entryLater := "favorite groups icon_hash icon_mime note"
	later := map[string]string{"db": "groups", "entry totp": entryLater, "entry hotp": entryLater, "entry steam": entryLater}
	onlyOurs := map[string]string{"group": "name uuid"}
	if encrypted {
		fixture = "aegis_encrypted.json"
		later, onlyOurs = map[string]string{"slot": "is_backup"}, nil
		if ours["slot salt"] != "64" {
			t.Errorf("slot salt of %s hex digits, want 64 (32 bytes)", ours["slot salt"])
		}
	} else if ours["db version"] != "3" {
		t.Errorf("content version %s, want 3", ours["db version"])
	}
	delete(ours, "db version")
	delete(ours, "slot salt")
	t.Run("like Aegis's own "+fixture, func(t *testing.T) {
		raw, err := os.ReadFile(filepath.Join(fixtureDir(t), fixture))
		if err != nil {
			t.Fatal(err)
		}
		theirs := aegisShape(t, raw)
		delete(theirs, "db version")
		delete(theirs, "slot salt")
		for path, k := range theirs {
			want := strings.Fields(k + " " + later[path])
			slices.Sort(want)
			if got := ours[path]; got != strings.Join(want, " ") {
				t.Errorf("%s: keys %q; Aegis's have %q, and later versions add %q", path, got, k, later[path])
			}
		}
		for path, k := range ours {
			if _, ok := theirs[path]; !ok && onlyOurs[path] != k {
				t.Errorf("%s: keys %q; Aegis's file has no such object, want %q", path, k, onlyOurs[path])
			}
		}
	})
}

// aegisShape returns the sorted key list of each kind of object of an
// Aegis file: "file", "header", "params", "slot", "slot key_params",
// "db", "entry TYPE", "info TYPE", "group" (merged over the objects of a
// kind), and two values: "db version" and "slot salt" (its length).
func aegisShape(t *testing.T, data []byte) map[string]string {
	t.Helper()
	var file map[string]any
	if err := json.Unmarshal(data, &file); err != nil {
		t.Fatal(err)
	}
	shape := map[string]map[string]bool{}
	add := func(kind string, v any) {
		m, ok := v.(map[string]any)
		if !ok {
			return
		}
		if shape[kind] == nil {
			shape[kind] = map[string]bool{}
		}
		for k := range m {
			shape[kind][k] = true
		}
	}
	out := map[string]string{}
	add("file", file)
	header, _ := file["header"].(map[string]any)
	add("header", header)
	add("params", header["params"])
	slots, _ := header["slots"].([]any)
	for _, s := range slots {
		add("slot", s)
		slot := s.(map[string]any)
		add("slot key_params", slot["key_params"])
		out["slot salt"] = fmt.Sprint(len(fmt.Sprint(slot["salt"])))
	}
	if db, ok := file["db"].(map[string]any); ok {
		add("db", db)
		out["db version"] = fmt.Sprint(db["version"])
		entries, _ := db["entries"].([]any)
		for _, e := range entries {
			entry := e.(map[string]any)
			add("entry "+fmt.Sprint(entry["type"]), entry)
			add("info "+fmt.Sprint(entry["type"]), entry["info"])
		}
		groups, _ := db["groups"].([]any)
		for _, g := range groups {
			add("group", g)
		}
	}
	for kind, set := range shape {
		out[kind] = strings.Join(slices.Sorted(maps.Keys(set)), " ")
	}
	return out
}

// TestExportAegisDefaultCost: without overrides the slot carries Aegis's
// own scrypt parameters, and the file imports back.
func TestExportAegisDefaultCost(t *testing.T) {
	src, want := sevenSource(t)
	var out bytes.Buffer
	if err := ExportAegis(src, &out, AegisOptions{Password: []byte("pw")}); err != nil {
		t.Fatal(err)
	}
	for _, field := range []string{`"n":32768`, `"r":8`, `"p":1`, `"type":1`} {
		if !bytes.Contains(out.Bytes(), []byte(field)) {
			t.Errorf("header lacks %s", field)
		}
	}
	sameAccounts(t, flatten(t, mustImport(t, out.Bytes(), Options{Password: password("pw", nil)})), want)
}

// TestExportAegisPython: an independent decryptor (Python's hashlib
// scrypt and the cryptography package's AES-GCM, following Aegis's
// docs/vault.md) opens our encrypted export and finds the secrets.
func TestExportAegisPython(t *testing.T) {
	if err := exec.Command("python3", "-c", "import cryptography.hazmat.primitives.ciphers.aead").Run(); err != nil {
		if os.Getenv("CI") == "" {
			t.Skip("python3 with the cryptography package is not installed")
		}
		t.Fatal("python3-cryptography is needed in CI")
	}
	src, want := sevenSource(t)
	path := filepath.Join(t.TempDir(), "aegis.json")
	var out bytes.Buffer
	if err := ExportAegis(src, &out, AegisOptions{Password: []byte("export pw"), ScryptN: 1 << 12, ScryptR: 8, ScryptP: 1}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, out.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	const script = `
import base64, hashlib, json, sys
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
f = json.load(open(sys.argv[1]))
slot = [s for s in f["header"]["slots"] if s["type"] == 1][0]
key = hashlib.scrypt(sys.argv[2].encode(), salt=bytes.fromhex(slot["salt"]), n=slot["n"], r=slot["r"], p=slot["p"], dklen=32, maxmem=1 << 30)
kp = slot["key_params"]
master = AESGCM(key).decrypt(bytes.fromhex(kp["nonce"]), bytes.fromhex(slot["key"]) + bytes.fromhex(kp["tag"]), None)
p = f["header"]["params"]
db = json.loads(AESGCM(master).decrypt(bytes.fromhex(p["nonce"]), base64.b64decode(f["db"]) + bytes.fromhex(p["tag"]), None))
for e in db["entries"]:
    print(e["type"], e["issuer"], e["name"], e["info"]["secret"], e["info"]["algo"], e["info"]["digits"], e["info"].get("period", e["info"].get("counter")))
`
	got, err := exec.Command("python3", "-c", script, path, "export pw").CombinedOutput()
	if err != nil {
		t.Fatalf("python: %v\n%s", err, got)
	}
	for _, v := range want {
		typ, moving := "totp", v.Period
		if v.Steam {
			typ = "steam"
		} else if v.Type == otp.HOTP {
			typ, moving = "hotp", int(v.Counter)
		}
		line := fmt.Sprintf("%s %s %s %s %s %d %d", typ, v.Issuer, v.Account, v.Secret, v.Algorithm, v.Digits, moving)
		if !bytes.Contains(got, []byte(line+"\n")) {
			t.Errorf("python output lacks %q:\n%s", line, got)
		}
	}
}

// TestExportGoogle: the accounts Google Authenticator can hold go into
// migration codes that import back; the others are listed with the
// reason; a large export is split into a batch, complete only together.
func TestExportGoogle(t *testing.T) {
	src, want := sevenSource(t)
	codes, skipped, err := ExportGoogle(src)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range skipped {
		if !errors.Is(s.Err, ErrUnsupported) {
			t.Errorf("%s: %v", s.Name, s.Err)
		}
		names = append(names, s.Name)
	}
	if got := strings.Join(names, ", "); got != "SPDX (James), Airbnb (Elijah), Air Canada (Benjamin), Boeing (Sophia)" {
		t.Errorf("skipped %s", got)
	}
	r, err := ImportCodes(codes, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Destroy()
	var keep []flat
	for _, v := range withoutGroups(want) {
		if !slices.Contains(names, v.Issuer+" ("+v.Account+")") {
			keep = append(keep, v)
		}
	}
	sameAccounts(t, flatten(t, r), keep)
}

// TestCheckGoogle: what Google Authenticator cannot hold is named, from
// the parameters alone, in a sentence a person reads in the export
// dialog and the CLI's warnings (not "unsupported import or export
// variant"); callers still tell it by ErrUnsupported. ExportGoogle
// leaves out those accounts, with the same reason.
func TestCheckGoogle(t *testing.T) {
	totp := otp.Params{Type: otp.TOTP, Issuer: "Ex", Algorithm: otp.SHA1, Digits: 6, Period: 30}
	with := func(change func(*otp.Params)) otp.Params {
		p := totp
		change(&p)
		return p
	}
	for _, c := range []struct {
		p    otp.Params
		want string // "": carried
	}{
		{totp, ""},
		{with(func(p *otp.Params) { p.Digits, p.Algorithm = 8, otp.SHA512 }), ""},
		{with(func(p *otp.Params) { p.Type, p.Period, p.Counter = otp.HOTP, 0, 42 }), ""},
		{with(func(p *otp.Params) { p.Steam, p.Digits = true, 5 }), "Steam codes (Google Authenticator has no Steam type)"},
		{with(func(p *otp.Params) { p.Digits = 7 }), "7 digits (Google Authenticator has 6 or 8)"},
		{with(func(p *otp.Params) { p.Period = 60 }), "60 s period (Google Authenticator has 30 s)"},
		{with(func(p *otp.Params) { p.Type, p.Counter = otp.HOTP, 1<<63 }),
			"counter 9223372036854775808 (Google Authenticator counts to 9223372036854775807)"},
	} {
		err := CheckGoogle(c.p)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%+v: %v, want it carried", c.p, err)
		case c.want == "":
		case err == nil || err.Error() != c.want:
			t.Errorf("%+v: %v, want %q", c.p, err, c.want)
		case !errors.Is(err, ErrUnsupported):
			t.Errorf("%+v: %v does not match ErrUnsupported", c.p, err)
		}
	}

	src := mustImport(t, []byte("otpauth://totp/Steam:gaben?secret=JBSWY3DPEHPK3PXP&encoder=steam\n"+
		"otpauth://totp/Slow:me?secret=JBSWY3DPEHPK3PXP&issuer=Slow&period=60\n"), Options{})
	_, skipped, err := ExportGoogle(src)
	if !errors.Is(err, ErrUnsupported) || err.Error() != "no account can be exported to Google Authenticator" {
		t.Errorf("nothing to carry: %v", err)
	}
	if len(skipped) != 2 {
		t.Fatalf("skipped %v, want both", skipped)
	}
	for _, s := range skipped {
		if want := CheckGoogle(src.Entry(s.Index).Params); s.Err.Error() != want.Error() || !errors.Is(s.Err, ErrUnsupported) {
			t.Errorf("%s left out for %q; CheckGoogle says %q", s.Name, s.Err, want)
		}
	}
}

func TestExportGoogleBatch(t *testing.T) {
	var text strings.Builder
	for i := range 25 {
		fmt.Fprintf(&text, "otpauth://totp/Service%%20number%%20%d:someone.with.a.long.name%d@example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PX%c\n", i, i, 'A'+i%8)
	}
	src := mustImport(t, []byte(text.String()), Options{})
	codes, skipped, err := ExportGoogle(src)
	if err != nil || len(skipped) != 0 {
		t.Fatal(err, skipped)
	}
	if len(codes) < 3 {
		t.Fatalf("%d codes for 25 accounts, want at least 3", len(codes))
	}
	for i, c := range codes {
		if len(c) > GoogleBatchBytes+200 {
			t.Errorf("code %d is %d bytes", i, len(c))
		}
		q, err := EncodeQR(c)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("code %d: %d bytes, QR %d modules", i, len(c), q.Size)
	}
	all := mustImport(t, bytes.Join(codes, []byte("\n")), Options{})
	if len(all.Accounts) != 25 || len(all.Skipped) != 0 {
		t.Errorf("whole batch: %d accounts, %v", len(all.Accounts), all.Skipped)
	}
	some := mustImport(t, bytes.Join(codes[1:], []byte("\n")), Options{})
	if len(some.Skipped) != 1 || !errors.Is(some.Skipped[0].Err, ErrIncompleteBatch) {
		t.Errorf("batch without its first code: %v", some.Skipped)
	}
}

// TestExportKeePass: a new KeePass file holds the accounts with their
// groups and opens with the new password only; it imports back.
func TestExportKeePass(t *testing.T) {
	src, want := sevenSource(t)
	path := filepath.Join(t.TempDir(), "export.kdbx")
	cr := vault.Credentials{Password: []byte("new password")}
	if err := ExportKeePass(src, path, cr, vault.CreateOptions{KDF: cheapKDF}); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("export file: %v %v", fi.Mode(), err)
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "*")); len(left) != 1 {
		t.Errorf("files left beside the export: %v", left)
	}
	if dot, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".*")); len(dot) != 0 {
		t.Errorf("hidden files left beside the export: %v", dot)
	}
	r, err := ImportFile(path, Options{Password: password("new password", nil)})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Destroy()
	sameAccounts(t, flatten(t, r), want)
	if err := ExportKeePass(src, path, cr, vault.CreateOptions{KDF: cheapKDF}); !errors.Is(err, vault.ErrExists) {
		t.Errorf("export over an existing file: %v", err)
	}
}

// TestExportFromVault: a vault's accounts export (here as URIs) and
// unusable entries are reported, not exported.
func TestExportFromVault(t *testing.T) {
	s, _ := newVault(t)
	storeURI(t, s, "otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME", "Work")
	storeURI(t, s, "otpauth://hotp/Bank:bob?secret=GEZDGNBVGY3TQOJQ&issuer=Bank&counter=3")
	src, skipped, err := FromVault(s, func(a vault.Account) bool { return a.Issuer == "ACME" })
	if err != nil || len(skipped) != 0 || src.Len() != 1 {
		t.Fatalf("FromVault: %v %v %d", err, skipped, src.Len())
	}
	var out bytes.Buffer
	if err := ExportAegis(src, &out, AegisOptions{}); err != nil {
		t.Fatal(err)
	}
	sameAccounts(t, flatten(t, mustImport(t, out.Bytes(), Options{})), []flat{
		{Params: otp.Params{Issuer: "ACME", Account: "alice", Digits: 6, Period: 30}, Secret: "JBSWY3DPEHPK3PXP", Group: "Work"},
	})
}
