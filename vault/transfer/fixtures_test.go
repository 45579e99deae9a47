package transfer

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/twofold-app/twofold/vault/otp"
)

// The seven accounts of the fixtures' README (plain.txt).
var seven = []flat{
	{Params: otp.Params{Issuer: "Deno", Account: "Mason", Algorithm: otp.SHA1, Digits: 6, Period: 30}, Secret: "4SJHB4GSD43FZBAI7C2HLRJGPQ"},
	{Params: otp.Params{Issuer: "SPDX", Account: "James", Algorithm: otp.SHA256, Digits: 7, Period: 20}, Secret: "5OM4WOOGPLQEF6UGN3CPEOOLWU"},
	{Params: otp.Params{Issuer: "Airbnb", Account: "Elijah", Algorithm: otp.SHA512, Digits: 8, Period: 50}, Secret: "7ELGJSGXNCCTV3O6LKJWYFV2RA"},
	{Params: otp.Params{Type: otp.HOTP, Issuer: "Issuu", Account: "James", Algorithm: otp.SHA1, Digits: 6, Counter: 1}, Secret: "YOOMIXWS5GN6RTBPUFFWKTW5M4"},
	{Params: otp.Params{Type: otp.HOTP, Issuer: "Air Canada", Account: "Benjamin", Algorithm: otp.SHA256, Digits: 7, Counter: 50}, Secret: "KUVJJOM753IHTNDSZVCNKL7GII"},
	{Params: otp.Params{Type: otp.HOTP, Issuer: "WWE", Account: "Mason", Algorithm: otp.SHA512, Digits: 8, Counter: 10300}, Secret: "5VAML3X35THCEBVRLV24CGBKOY"},
	{Params: otp.Params{Issuer: "Boeing", Account: "Sophia", Algorithm: otp.SHA1, Digits: 5, Period: 30, Steam: true}, Secret: "JRZCL47CMXVOQMNPZR2F7J4RGI"},
}

// pick returns the vectors with the given issuers, each changed by fix
// (what the format cannot carry).
func pick(fix func(*flat), issuers ...string) []flat {
	var out []flat
	for _, v := range seven {
		if len(issuers) > 0 && !slices.Contains(issuers, v.Issuer) {
			continue
		}
		if fix != nil {
			fix(&v)
		}
		out = append(out, v)
	}
	return out
}

// asTOTP is how a format without HOTP shows an HOTP account: TOTP with
// its algorithm and digits and the default period.
func asTOTP(f *flat) {
	if f.Type == otp.HOTP {
		f.Type, f.Counter, f.Period = otp.TOTP, 0, 30
	}
}

// fixtureCases is every file of the fixtures folder: its format, password,
// and the accounts it really holds. The README says every file holds the
// seven accounts; several do not (the apps exported fewer, or cannot
// express some): each exception is spelled out here.
var fixtureCases = []struct {
	file     string
	format   Format
	password string
	want     []flat
}{
	{"plain.txt", FormatURIList, "", pick(nil)},
	{"ente_auth.txt", FormatEnte, "", pick(nil)},
	{"aegis_plain.json", FormatAegis, "", pick(nil)},
	{"aegis_encrypted.json", FormatAegis, "test", pick(nil)},
	{"andotp_plain.json", FormatAndOTP, "", pick(nil)},
	{"andotp_encrypted.bin", FormatAndOTP, "test", pick(nil)},
	// Schema 1 carries no OTP parameters: all TOTP SHA1/6/30. The file
	// holds six accounts (no Steam).
	{"2fas_authenticator.json", Format2FAS, "", pick(func(f *flat) {
		f.Type, f.Algorithm, f.Digits, f.Period, f.Counter = otp.TOTP, otp.SHA1, 6, 30, 0
	}, "Deno", "SPDX", "Airbnb", "Issuu", "Air Canada", "WWE")},
	// Schema 2 has no HOTP; these files hold four accounts.
	{"2fas_authenticator_plain.2fas", Format2FAS, "", pick(asTOTP, "Deno", "Airbnb", "Issuu", "WWE")},
	{"2fas_authenticator_encrypted.2fas", Format2FAS, "test", pick(asTOTP, "Deno", "Airbnb", "Issuu", "WWE")},
	// Schema 3: six accounts (no Steam in the files).
	{"2fas_authenticator_plain_v3.2fas", Format2FAS, "", pick(nil, "Deno", "SPDX", "Airbnb", "Issuu", "Air Canada", "WWE")},
	{"2fas_authenticator_encrypted_v3.2fas", Format2FAS, "test", pick(nil, "Deno", "SPDX", "Airbnb", "Issuu", "Air Canada", "WWE")},
	// Bitwarden: the three TOTP accounts as URIs, and the Steam account as
	// a bare steam:// link whose item is named "Test Steam" and has no
	// user name.
	{"bitwarden.json", FormatBitwarden, "", append(pick(nil, "Deno", "SPDX", "Airbnb"), pick(func(f *flat) {
		f.Issuer, f.Account = "Test Steam", ""
	}, "Boeing")...)},
	// FreeOTP+: six accounts (no Steam in the file).
	{"freeotp_plus.json", FormatFreeOTP, "", pick(nil, "Deno", "SPDX", "Airbnb", "Issuu", "Air Canada", "WWE")},
	// Steam: the Steam account; the issuer is always "Steam".
	{"steam.json", FormatSteam, "", pick(func(f *flat) { f.Issuer = "Steam" }, "Boeing")},
}

// TestFixtures: every export file detects as its format and imports to
// exactly the accounts it holds, with no entry skipped.
func TestFixtures(t *testing.T) {
	dir := fixtureDir(t)
	covered := map[string]bool{"README.md": true}
	for _, c := range fixtureCases {
		covered[c.file] = true
		t.Run(c.file, func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(filepath.Join(dir, c.file))
			if err != nil {
				t.Fatal(err)
			}
			f, err := Detect(data)
			if err != nil || f != c.format {
				t.Fatalf("Detect = %q, %v; want %q", f, err, c.format)
			}
			calls := 0
			r := mustImport(t, data, Options{Password: password(c.password, &calls)})
			if want := btoi(c.password != ""); calls != want {
				t.Errorf("password asked %d times, want %d", calls, want)
			}
			for _, s := range r.Skipped {
				t.Errorf("skipped %q: %v", s.Name, s.Err)
			}
			sameAccounts(t, flatten(t, r), c.want)
		})
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !covered[e.Name()] {
			t.Errorf("fixture %s has no test case", e.Name())
		}
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestFixturesWrongPassword: every encrypted fixture refuses a wrong
// password with ErrWrongPassword, and asks for one only when encrypted.
func TestFixturesWrongPassword(t *testing.T) {
	dir := fixtureDir(t)
	for _, c := range fixtureCases {
		if c.password == "" {
			continue
		}
		t.Run(c.file, func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(filepath.Join(dir, c.file))
			if err != nil {
				t.Fatal(err)
			}
			_, err = Import(data, Options{Password: password("tset", nil)})
			if !errors.Is(err, ErrWrongPassword) {
				t.Errorf("wrong password: %v, want ErrWrongPassword", err)
			}
			_, err = Import(data, Options{})
			if !errors.Is(err, ErrPasswordNeeded) {
				t.Errorf("no password: %v, want ErrPasswordNeeded", err)
			}
		})
	}
}
