package transfer

import (
	"encoding/base64"
	"errors"
	"net/url"
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/twofold-app/twofold/vault/otp"
)

// migrationURI builds an otpauth-migration URI by hand with protowire,
// independently of the generated code, so the test checks the field
// numbers themselves.
type wireAccount struct {
	secret          []byte
	name, issuer    string
	alg, digits, tp uint64
	counter         uint64
}

func migrationURI(accounts []wireAccount, size, index, id uint64) string {
	var payload []byte
	for _, a := range accounts {
		var p []byte
		p = protowire.AppendTag(p, 1, protowire.BytesType)
		p = protowire.AppendBytes(p, a.secret)
		p = protowire.AppendTag(p, 2, protowire.BytesType)
		p = protowire.AppendString(p, a.name)
		p = protowire.AppendTag(p, 3, protowire.BytesType)
		p = protowire.AppendString(p, a.issuer)
		for num, v := range map[protowire.Number]uint64{4: a.alg, 5: a.digits, 6: a.tp, 7: a.counter} {
			p = protowire.AppendTag(p, num, protowire.VarintType)
			p = protowire.AppendVarint(p, v)
		}
		payload = protowire.AppendTag(payload, 1, protowire.BytesType)
		payload = protowire.AppendBytes(payload, p)
	}
	for num, v := range map[protowire.Number]uint64{2: 1, 3: size, 4: index, 5: id} {
		payload = protowire.AppendTag(payload, num, protowire.VarintType)
		payload = protowire.AppendVarint(payload, v)
	}
	return "otpauth-migration://offline?data=" + url.QueryEscape(base64.StdEncoding.EncodeToString(payload))
}

// rfc4226Seed is RFC 4226's published test key.
var rfc4226Seed = []byte("12345678901234567890")

// TestGoogleMigration: a two-code export read together gives every
// account with the parameters the format carries; "Issuer:" prefixes of
// names are dropped; MD5 and unknown digit counts are skipped with a
// reason; one code alone is flagged as an incomplete export.
func TestGoogleMigration(t *testing.T) {
	code1 := migrationURI([]wireAccount{
		{secret: rfc4226Seed, name: "GitHub:alice", issuer: "GitHub", alg: 1, digits: 1, tp: 2},
		{secret: rfc4226Seed, name: "Bank:bob", alg: 3, digits: 2, tp: 1, counter: 7},
	}, 2, 0, 77)
	code2 := migrationURI([]wireAccount{
		{secret: []byte("another made-up seed"), name: "carol", issuer: "Shop", alg: 2, digits: 0, tp: 0},
		{secret: rfc4226Seed, name: "md5", issuer: "Old", alg: 4, digits: 1, tp: 2},
		{secret: rfc4226Seed, name: "seven", issuer: "Odd", alg: 1, digits: 3, tp: 2},
	}, 2, 1, 77)
	r := mustImport(t, []byte(code1+"\n"+code2+"\n"), Options{})
	if r.Format != FormatGoogle {
		t.Errorf("format %q", r.Format)
	}
	seed := b32(rfc4226Seed)
	sameAccounts(t, flatten(t, r), []flat{
		{Params: otp.Params{Issuer: "GitHub", Account: "alice", Digits: 6, Period: 30}, Secret: seed},
		{Params: otp.Params{Type: otp.HOTP, Issuer: "Bank", Account: "bob", Algorithm: otp.SHA512, Digits: 8, Counter: 7}, Secret: seed},
		{Params: otp.Params{Issuer: "Shop", Account: "carol", Algorithm: otp.SHA256, Digits: 6, Period: 30}, Secret: b32([]byte("another made-up seed"))},
	})
	if len(r.Skipped) != 2 || !errors.Is(r.Skipped[0].Err, otp.ErrUnsupported) || !errors.Is(r.Skipped[1].Err, otp.ErrInvalid) {
		t.Errorf("skipped: %+v", r.Skipped)
	}

	partial := mustImport(t, []byte(code2), Options{})
	last := partial.Skipped[len(partial.Skipped)-1]
	if !errors.Is(last.Err, ErrIncompleteBatch) || !strings.Contains(last.Err.Error(), "1 of the 2 codes") {
		t.Errorf("one code of two: %+v", partial.Skipped)
	}
}

// TestGoogleMigrationMalformed: damaged data parameters are ErrMalformed.
func TestGoogleMigrationMalformed(t *testing.T) {
	for _, uri := range []string{
		"otpauth-migration://offline",
		"otpauth-migration://offline?data=",
		"otpauth-migration://offline?data=%%%",
		"otpauth-migration://offline?data=!!notbase64!!",
		"otpauth-migration://offline?data=" + base64.StdEncoding.EncodeToString([]byte{0x0a, 0xff}),
	} {
		if _, err := Import([]byte(uri), Options{}); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: %v, want ErrMalformed", uri, err)
		}
	}
}
