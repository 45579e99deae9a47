package transfer

import (
	"errors"
	"testing"

	"github.com/twofold-app/twofold/vault/otp"
)

// twoFASSchema4 is a 2FAS backup of schema 4 (the fixtures stop at 3),
// laid out as the app writes it: a Steam account (tokenType STEAM, with
// its otpauth link) in a group, one without digits, an HOTP account, a
// TOTP account known only by its name and label, and entries the format
// allows but Twofold cannot take.
const twoFASSchema4 = `{
 "schemaVersion": 4, "appVersionCode": 5000000, "appOrigin": "android",
 "groups": [{"id": "g-games", "name": "Games", "isExpanded": true}],
 "services": [
  {"name": "Steam", "secret": "JRZCL47CMXVOQMNPZR2F7J4RGI", "groupId": "g-games",
   "otp": {"label": "Steam:gaben", "account": "gaben", "issuer": "Steam", "digits": 5, "period": 30,
    "algorithm": "SHA1", "tokenType": "STEAM", "source": "Link",
    "link": "otpauth://totp/Steam:gaben?secret=JRZCL47CMXVOQMNPZR2F7J4RGI&issuer=Steam&digits=5"}},
  {"name": "Steam (alt)", "secret": "KRUGS4ZANFZSAYJAORSXG5A",
   "otp": {"account": "alt", "issuer": "Steam", "tokenType": "STEAM", "source": "Manual"}},
  {"name": "Air Canada", "secret": "KUVJJOM753IHTNDSZVCNKL7GII",
   "otp": {"label": "Air Canada:Benjamin", "account": "Benjamin", "issuer": "Air Canada", "digits": 7, "period": 30,
    "algorithm": "SHA256", "counter": 50, "tokenType": "HOTP", "source": "Link"}},
  {"name": "Mail", "secret": "MFRGGZDFMZTWQ2LK",
   "otp": {"label": "Mail:dave", "digits": 6, "period": 30, "algorithm": "SHA1", "tokenType": "TOTP", "source": "Manual"}},
  {"name": "Steam six", "secret": "JBSWY3DPEHPK3PXP",
   "otp": {"account": "six", "issuer": "Steam", "digits": 6, "tokenType": "STEAM"}},
  {"name": "Yandex", "secret": "JBSWY3DPEHPK3PXP",
   "otp": {"account": "y", "issuer": "Yandex", "tokenType": "YAOTP"}}
 ]}`

// TestTwoFASSchema4: Steam accounts (with or without digits) are Steam
// TOTP of 5 characters every 30 s, HOTP keeps its counter and algorithm,
// a service without issuer or account takes them from its name and
// label, groups are kept; a Steam account of 6 digits and an unknown
// token type are listed as skipped with the reason.
func TestTwoFASSchema4(t *testing.T) {
	if f, err := Detect([]byte(twoFASSchema4)); f != Format2FAS {
		t.Fatalf("Detect = %q, %v", f, err)
	}
	r := mustImport(t, []byte(twoFASSchema4), Options{})
	sameAccounts(t, flatten(t, r), []flat{
		{Params: otp.Params{Issuer: "Steam", Account: "gaben", Algorithm: otp.SHA1, Digits: 5, Period: 30, Steam: true},
			Secret: "JRZCL47CMXVOQMNPZR2F7J4RGI", Group: "Games"},
		{Params: otp.Params{Issuer: "Steam", Account: "alt", Algorithm: otp.SHA1, Digits: 5, Period: 30, Steam: true},
			Secret: "KRUGS4ZANFZSAYJAORSXG5A"},
		{Params: otp.Params{Type: otp.HOTP, Issuer: "Air Canada", Account: "Benjamin", Algorithm: otp.SHA256, Digits: 7, Counter: 50},
			Secret: "KUVJJOM753IHTNDSZVCNKL7GII"},
		{Params: otp.Params{Issuer: "Mail", Account: "dave", Algorithm: otp.SHA1, Digits: 6, Period: 30},
			Secret: "MFRGGZDFMZTWQ2LK"},
	})
	if len(r.Skipped) != 2 {
		t.Fatalf("skipped %v, want the 6-digit Steam account and the YAOTP one", r.Skipped)
	}
	var fe *otp.FieldError
	if s := r.Skipped[0]; s.Index != 4 || s.Name != "Steam (six)" || !errors.As(s.Err, &fe) || fe.Field != "digits" {
		t.Errorf("skipped[0] = %d %q %v, want entry 4, Steam (six), a digits error", s.Index, s.Name, s.Err)
	}
	if s := r.Skipped[1]; s.Index != 5 || s.Name != "Yandex (y)" || !errors.Is(s.Err, otp.ErrUnsupported) {
		t.Errorf("skipped[1] = %d %q %v, want entry 5, Yandex (y), unsupported", s.Index, s.Name, s.Err)
	}
	// The title is the service's name only where it is not the issuer.
	for _, a := range r.Accounts {
		if want := map[string]string{"alt": "Steam (alt)"}[a.Account]; a.Title != want {
			t.Errorf("%s: title %q, want %q", a.Name(), a.Title, want)
		}
	}
}

// TestTwoFASSchemaTooNew: a schema after 4 is refused as unsupported, not
// read with fields it may have changed.
func TestTwoFASSchemaTooNew(t *testing.T) {
	_, err := Import([]byte(`{"schemaVersion": 5, "services": []}`), Options{})
	if !errors.Is(err, ErrUnsupported) {
		t.Errorf("schema 5: %v, want ErrUnsupported", err)
	}
}
