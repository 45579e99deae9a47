package transfer

import (
	"testing"

	"github.com/twofold-app/twofold/vault/otp"
)

// TestAegisContentV1Groups: a plain Aegis file of content version 1 (as
// Aegis wrote before its group list) keeps each entry's "group" name;
// a null or empty group is no group, and a v2-style "groups" list with no
// group table behind it is ignored.
func TestAegisContentV1Groups(t *testing.T) {
	const file = `{"version": 1, "header": {"slots": null, "params": null}, "db": {"version": 1, "entries": [
	 {"type": "totp", "uuid": "1e3fbd4d-0b6b-4dd4-9e0b-7a9c7a1f0001", "name": "alice", "issuer": "GitHub", "group": "Work",
	  "icon": null, "info": {"secret": "JBSWY3DPEHPK3PXP", "algo": "SHA256", "digits": 8, "period": 60}},
	 {"type": "hotp", "uuid": "1e3fbd4d-0b6b-4dd4-9e0b-7a9c7a1f0002", "name": "bob", "issuer": "Bank", "group": null,
	  "icon": null, "info": {"secret": "GEZDGNBVGY3TQOJQ", "algo": "SHA512", "digits": 7, "counter": 9}},
	 {"type": "steam", "uuid": "1e3fbd4d-0b6b-4dd4-9e0b-7a9c7a1f0003", "name": "gaben", "issuer": "Steam", "group": "",
	  "icon": null, "info": {"secret": "JRZCL47CMXVOQMNPZR2F7J4RGI", "algo": "SHA1", "digits": 5, "period": 30}},
	 {"type": "totp", "uuid": "1e3fbd4d-0b6b-4dd4-9e0b-7a9c7a1f0004", "name": "carol", "issuer": "Mail", "group": "Personal",
	  "icon": null, "info": {"secret": "MFRGGZDFMZTWQ2LK", "algo": "SHA1", "digits": 6, "period": 30}},
	 {"type": "totp", "uuid": "1e3fbd4d-0b6b-4dd4-9e0b-7a9c7a1f0005", "name": "dave", "issuer": "Mail",
	  "groups": ["5d9b0c36-0000-4000-8000-000000000000"],
	  "icon": null, "info": {"secret": "KRUGS4ZANFZSAYJAORSXG5A", "algo": "SHA1", "digits": 6, "period": 30}}
	]}}`
	if f, err := Detect([]byte(file)); f != FormatAegis {
		t.Fatalf("Detect = %q, %v", f, err)
	}
	r := mustImport(t, []byte(file), Options{})
	if len(r.Skipped) != 0 {
		t.Errorf("skipped %v", r.Skipped)
	}
	sameAccounts(t, flatten(t, r), []flat{
		{Params: otp.Params{Issuer: "GitHub", Account: "alice", Algorithm: otp.SHA256, Digits: 8, Period: 60}, Secret: "JBSWY3DPEHPK3PXP", Group: "Work"},
		{Params: otp.Params{Type: otp.HOTP, Issuer: "Bank", Account: "bob", Algorithm: otp.SHA512, Digits: 7, Counter: 9}, Secret: "GEZDGNBVGY3TQOJQ"},
		{Params: otp.Params{Issuer: "Steam", Account: "gaben", Algorithm: otp.SHA1, Digits: 5, Period: 30, Steam: true}, Secret: "JRZCL47CMXVOQMNPZR2F7J4RGI"},
		{Params: otp.Params{Issuer: "Mail", Account: "carol", Algorithm: otp.SHA1, Digits: 6, Period: 30}, Secret: "MFRGGZDFMZTWQ2LK", Group: "Personal"},
		{Params: otp.Params{Issuer: "Mail", Account: "dave", Algorithm: otp.SHA1, Digits: 6, Period: 30}, Secret: "KRUGS4ZANFZSAYJAORSXG5A"},
	})
}
