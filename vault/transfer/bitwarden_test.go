package transfer

import (
	"maps"
	"strings"
	"testing"

	"github.com/twofold-app/twofold/vault/otp"
)

// bitwardenCSVExport is a Bitwarden CSV export (CRLF, as Bitwarden writes
// it) whose login_totp cells hold each kind the format allows: an
// otpauth URI (one with an issuer that is not the item's name, one
// quoted, one without an issuer), a bare secret, a steam:// secret,
// nothing at all; and fields with commas, doubled quotes and newlines
// around them.
var bitwardenCSVExport = strings.Join([]string{
	"folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp",
	// URI with its own issuer and account: the item's name is only the title.
	`Work,1,login,My GitHub,,,0,https://github.com,someone else,"pa,ss",otpauth://totp/GitHub:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=GitHub&digits=8&period=60&algorithm=SHA256`,
	// Bare secret, quoted: the name and user name are issuer and account;
	// the notes and password hold commas, doubled quotes and line breaks.
	`,,login,"ACME, Inc.","multi` + "\r\n" + `line ""note"", with comma",,0,https://acme.example,"bob ""the builder""","p""w` + "\n" + `x","GEZD GNBV GY3T QOJQ"`,
	// steam:// secret.
	`Games,,login,Steam,,,0,https://store.steampowered.com,gaben,pw,steam://JRZCL47CMXVOQMNPZR2F7J4RGI`,
	// Quoted URI without an issuer: the item's name stands in.
	`,,login,Mail,,,0,,dave,pw,"otpauth://hotp/dave?secret=MFRGGZDFMZTWQ2LK&counter=42&digits=7"`,
	// Logins and notes without a TOTP: not accounts, not errors.
	`,,login,No TOTP here,,,0,https://example.com,carol,"pw, with ""quotes""",`,
	`,,login,Blank TOTP,,,0,,erin,pw,   `,
	`,,note,"Secure note","text, with comma",,0,,,,`,
	`Short row,,login`,
	"",
}, "\r\n")

// TestBitwardenCSV: every kind of login_totp cell imports with the right
// issuer, account, secret and parameters; quoted fields with commas,
// quotes and line breaks do not shift the columns; rows without a TOTP
// are left out without being listed as skipped.
func TestBitwardenCSV(t *testing.T) {
	if f, err := Detect([]byte(bitwardenCSVExport)); f != FormatBitwarden {
		t.Fatalf("Detect = %q, %v", f, err)
	}
	r := mustImport(t, []byte(bitwardenCSVExport), Options{})
	if r.Format != FormatBitwarden {
		t.Errorf("format %q", r.Format)
	}
	for _, s := range r.Skipped {
		t.Errorf("skipped %q: %v", s.Name, s.Err)
	}
	sameAccounts(t, flatten(t, r), []flat{
		{Params: otp.Params{Issuer: "GitHub", Account: "alice@example.com", Algorithm: otp.SHA256, Digits: 8, Period: 60},
			Secret: "JBSWY3DPEHPK3PXP", Group: "Work"},
		{Params: otp.Params{Issuer: "ACME, Inc.", Account: `bob "the builder"`, Algorithm: otp.SHA1, Digits: 6, Period: 30},
			Secret: "GEZDGNBVGY3TQOJQ"},
		{Params: otp.Params{Issuer: "Steam", Account: "gaben", Algorithm: otp.SHA1, Digits: 5, Period: 30, Steam: true},
			Secret: "JRZCL47CMXVOQMNPZR2F7J4RGI", Group: "Games"},
		{Params: otp.Params{Type: otp.HOTP, Issuer: "Mail", Account: "dave", Algorithm: otp.SHA1, Digits: 7, Counter: 42},
			Secret: "MFRGGZDFMZTWQ2LK"},
	})
	titles := map[string]string{}
	for _, a := range r.Accounts {
		titles[a.Issuer] = a.Title
	}
	// The item's name is kept only where it is not the issuer.
	if want := map[string]string{"GitHub": "My GitHub", "ACME, Inc.": "", "Steam": "", "Mail": ""}; !maps.Equal(titles, want) {
		t.Errorf("titles %q, want %q", titles, want)
	}
}

// TestBitwardenCSVNoTOTP: an export whose logins have no TOTP at all is
// "no accounts" (probably the wrong file), and one without a login_totp
// column is malformed.
func TestBitwardenCSVNoTOTP(t *testing.T) {
	for name, text := range map[string]string{
		"no totp":   "folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp\n,,login,X,,,0,,x,pw,\n",
		"no column": "folder,favorite,type,name,login_username,login_password\n,,login,X,x,pw\n",
	} {
		_, err := Import([]byte(text), Options{Format: FormatBitwarden})
		if !errorsIsAny(err, ErrMalformed) {
			t.Errorf("%s: %v, want ErrMalformed", name, err)
		}
	}
}

// TestBitwardenJSONBareSecret: a JSON item whose totp is a bare secret
// takes its issuer from the item's name, its account from the user name
// and its group from the folder; items without a login or a TOTP are left
// out.
func TestBitwardenJSONBareSecret(t *testing.T) {
	const file = `{"encrypted": false,
	 "folders": [{"id": "f1", "name": "Personal"}],
	 "items": [
	  {"type": 1, "name": " Mail ", "folderId": "f1", "login": {"username": "dave@example.com", "password": "pw", "totp": "mfrg gzdf mztw q2lk"}},
	  {"type": 1, "name": "No TOTP", "folderId": null, "login": {"username": "x", "totp": null}},
	  {"type": 2, "name": "A note", "notes": "not a login"}
	 ]}`
	r := mustImport(t, []byte(file), Options{})
	if r.Format != FormatBitwarden || len(r.Skipped) != 0 {
		t.Errorf("format %q, skipped %v", r.Format, r.Skipped)
	}
	sameAccounts(t, flatten(t, r), []flat{
		{Params: otp.Params{Issuer: "Mail", Account: "dave@example.com", Algorithm: otp.SHA1, Digits: 6, Period: 30},
			Secret: "MFRGGZDFMZTWQ2LK", Group: "Personal"},
	})
	if r.Accounts[0].Title != "" {
		t.Errorf("title %q, want none (the name is the issuer)", r.Accounts[0].Title)
	}
}
