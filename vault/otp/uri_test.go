package otp

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

var rfcSecret = []byte("12345678901234567890")

type uriCase struct {
	uri    string
	want   Params
	secret []byte
}

var validURIs = []uriCase{
	{ // KeePassXC's own test URI (tests/TestTotp.cpp)
		"otpauth://totp/ACME%20Co:john@example.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30",
		Params{Issuer: "ACME Co", Account: "john@example.com", Digits: 6, Period: 30}, nil,
	},
	{
		"otpauth://totp/Example:alice@google.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Example",
		Params{Issuer: "Example", Account: "alice@google.com", Digits: 6, Period: 30}, rfcSecret,
	},
	{ // lower case, spaces, padding as %3D, algorithm spelling, label colon %3A and space
		"otpauth://totp/Big%20Corp%3A%20bob?secret=gezd%20gnbv%20gy3t%20qojq%20gezd%20gnbv%20gy3t%20qojq&algorithm=sha256&digits=8&period=60",
		Params{Issuer: "Big Corp", Account: "bob", Algorithm: SHA256, Digits: 8, Period: 60}, rfcSecret,
	},
	{
		"otpauth://totp/x?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ%3D%3D%3D%3D&algorithm=HMAC-SHA-512&digits=10",
		Params{Account: "x", Algorithm: SHA512, Digits: 10, Period: 30}, rfcSecret,
	},
	{ // issuer parameter wins over the label prefix; fragment ignored
		"otpauth://totp/Old:carol?issuer=New&secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ#frag",
		Params{Issuer: "New", Account: "carol", Digits: 6, Period: 30}, rfcSecret,
	},
	{
		"OTPAUTH://TOTP/dave?SECRET=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
		Params{Account: "dave", Digits: 6, Period: 30}, rfcSecret,
	},
	{
		"otpauth://hotp/Corp:erin?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=42&digits=7",
		Params{Type: HOTP, Issuer: "Corp", Account: "erin", Digits: 7, Counter: 42}, rfcSecret,
	},
	{ // hotp without counter: read as 0 (documented on ParseURI)
		"otpauth://hotp/frank?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
		Params{Type: HOTP, Account: "frank", Digits: 6}, rfcSecret,
	},
	{ // KeePassXC's Steam test URI: encoder=steam
		"otpauth://totp/test:test@example.com?secret=63BEDWCQZKTQWPESARIERL5DTTQFCJTK&issuer=Valve&algorithm=SHA1&digits=5&period=30&encoder=steam",
		Params{Issuer: "Valve", Account: "test@example.com", Digits: 5, Period: 30, Steam: true}, nil,
	},
	{ // Steam is always 5 characters
		"otpauth://totp/Steam:gabe?secret=63BEDWCQZKTQWPESARIERL5DTTQFCJTK&encoder=Steam&digits=6",
		Params{Issuer: "Steam", Account: "gabe", Digits: 5, Period: 30, Steam: true}, nil,
	},
	{ // no label at all
		"otpauth://totp?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&image=https%3A%2F%2Fexample.com%2Fa.png",
		Params{Digits: 6, Period: 30}, rfcSecret,
	},
}

func TestParseURI(t *testing.T) {
	for _, c := range validURIs {
		k, err := ParseURI([]byte(c.uri))
		if err != nil {
			t.Errorf("ParseURI(%s): %v", c.uri, err)
			continue
		}
		if k.Params != c.want {
			t.Errorf("ParseURI(%s)\n got %+v\nwant %+v", c.uri, k.Params, c.want)
		}
		if c.secret != nil && !bytes.Equal(k.Secret.Bytes(), c.secret) {
			t.Errorf("ParseURI(%s) secret %x", c.uri, k.Secret.Bytes())
		}
		k.Destroy()
	}
}

var invalidURIs = []struct {
	uri    string
	target error
}{
	{"", ErrMalformedURI},
	{"https://example.com/?secret=GEZDGNBV", ErrMalformedURI},
	{"otpauth:totp/x?secret=GEZDGNBVGY3TQOJQ", ErrMalformedURI},
	{"otpauth:///x?secret=GEZDGNBVGY3TQOJQ", ErrMalformedURI},
	{"otpauth://totp/%zz?secret=GEZDGNBVGY3TQOJQ", ErrMalformedURI},
	{"otpauth://totp/x?secret=GEZDGNBVGY3TQOJQ&secret=GEZDGNBVGY3TQOJQ", ErrMalformedURI},
	{"otpauth://totp/x?digits=6;period=30&secret=GEZDGNBVGY3TQOJQ", ErrMalformedURI},
	{"otpauth://motp/x?secret=GEZDGNBVGY3TQOJQ", ErrUnsupported},
	{"otpauth://totp/x?secret=GEZDGNBVGY3TQOJQ&encoder=yandex", ErrUnsupported},
	{"otpauth://totp/x?issuer=A", ErrNoSecret},
	{"otpauth://totp/x?secret=&issuer=A", ErrNoSecret},
	{"otpauth://totp/x?secret", ErrNoSecret},
	{"otpauth://totp/x?secret=GEZDGNBV9Y3TQOJQ", ErrBadSecret},
	{"otpauth://totp/x?secret=GEZDGNBVGY3TQOJQ%", ErrBadSecret},
	{"otpauth://totp/x?secret=GEZDGNBVGY3TQOJQ%4", ErrBadSecret},
	{"otpauth://totp/x?secret=GEZDGNBVGY3TQOJQ%zz", ErrBadSecret},
	{"otpauth://totp/x?secret=A", ErrBadSecret},
	{"otpauth://totp/x?secret=GEZDGNBVGY3TQOJQ&digits=0", ErrInvalid},
	{"otpauth://totp/x?secret=GEZDGNBVGY3TQOJQ&digits=99", ErrInvalid},
	{"otpauth://totp/x?secret=GEZDGNBVGY3TQOJQ&digits=six", ErrInvalid},
	{"otpauth://totp/x?secret=GEZDGNBVGY3TQOJQ&period=0", ErrInvalid},
	{"otpauth://totp/x?secret=GEZDGNBVGY3TQOJQ&period=-30", ErrInvalid},
	{"otpauth://totp/x?secret=GEZDGNBVGY3TQOJQ&algorithm=MD5", ErrInvalid},
	{"otpauth://totp/x?secret=GEZDGNBVGY3TQOJQ&algorithm=", ErrInvalid},
	{"otpauth://hotp/x?secret=GEZDGNBVGY3TQOJQ&counter=-1", ErrInvalid},
	{"otpauth://hotp/x?secret=GEZDGNBVGY3TQOJQ&counter=ten", ErrInvalid},
	// Cut off in a parameter's name: what followed would take its default.
	{"otpauth://hotp/WWE:Mason?secret=GEZDGNBVGY3TQOJQ&issuer=WWE&algor", ErrMalformedURI},
	{"otpauth://totp/x?secret=GEZDGNBVGY3TQOJQ&DIG", ErrMalformedURI},
	{"otpauth://hotp/x?secret=GEZDGNBVGY3TQOJQ&c", ErrMalformedURI},
	{"otpauth://hotp/WWE:Mason?secret=GEZDGNBVGY3TQOJQ&", ErrMalformedURI},
	{"otpauth://hotp/Air%20Canada:Benjamin?secret=GEZDGNBVGY3TQOJQ&issuer=Air+Canad", ErrMalformedURI},
}

// TestParseURIKeepsUnknownParameters: a parameter ParseURI does not read
// is no sign of a cut, even without a value (Google's image=, others'
// flags).
func TestParseURIKeepsUnknownParameters(t *testing.T) {
	for _, uri := range []string{
		"otpauth://totp/x?secret=GEZDGNBVGY3TQOJQ&image=https%3A%2F%2Fexample.com%2Fa.png",
		"otpauth://totp/x?secret=GEZDGNBVGY3TQOJQ&pinned",
		"otpauth://totp/x?secret=GEZDGNBVGY3TQOJQ&issuer=&digits=6",
		// An issuer shorter than the label's, ending at a word's end.
		"otpauth://totp/Google%20Workspace:me?secret=GEZDGNBVGY3TQOJQ&issuer=Google",
		"otpauth://totp/GitHub.com:me?secret=GEZDGNBVGY3TQOJQ&issuer=GitHub",
	} {
		k, err := ParseURI([]byte(uri))
		if err != nil {
			t.Errorf("ParseURI(%q): %v", uri, err)
			continue
		}
		k.Destroy()
	}
}

func TestParseURIErrors(t *testing.T) {
	for _, c := range invalidURIs {
		k, err := ParseURI([]byte(c.uri))
		if err == nil {
			k.Destroy()
		}
		if !errors.Is(err, c.target) {
			t.Errorf("ParseURI(%q) error = %v, want %v", c.uri, err, c.target)
		}
	}
}

// The secret never appears in an error message, even when other parts of
// the URI are wrong.
func TestParseURIErrorsHideSecret(t *testing.T) {
	for _, uri := range []string{
		"otpauth://totp/%zz?secret=JBSWY3DPEHPK3PXP",
		"otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=99",
		"otpauth://totp/x?secret=JBSWY3DPEHPK3PX!",
		"otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&secret=JBSWY3DPEHPK3PXP",
		"otpauth://xotp/x?secret=JBSWY3DPEHPK3PXP",
	} {
		_, err := ParseURI([]byte(uri))
		if err == nil || bytes.Contains([]byte(err.Error()), []byte("JBSWY3DP")) {
			t.Errorf("ParseURI(%q) error = %v", uri, err)
		}
	}
}

// A bad percent-escape in the secret is located as a person counts, from 1.
func TestParseURIPercentEscapeErrorSaysWhere(t *testing.T) {
	_, err := ParseURI([]byte("otpauth://totp/x?secret=JBSWY3DP%zzHPK3PXP"))
	want := "parse uri for \"x\": parse secret: bad percent-escape at character 9 of the secret: bad otp secret"
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want %q", err, want)
	}
}

// URI writes what KeePassXC 2.7's Totp::writeSettings writes for the same
// settings (see its format string), except an empty issuer.
func TestURIKeePassXCLayout(t *testing.T) {
	secret := mustSecret(t, "HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ")
	short := locked(t, []byte("1234567890123456")).Bytes() // needs padding
	for _, c := range []struct {
		p      Params
		secret []byte
		want   string
	}{
		{Params{Issuer: "ACME Co", Account: "john@example.com", Digits: 6, Period: 30}, secret,
			"otpauth://totp/ACME%20Co:john%40example.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&period=30&digits=6&issuer=ACME%20Co"},
		{Params{Issuer: "Valve", Account: "gabe", Digits: 5, Period: 30, Steam: true}, secret,
			"otpauth://totp/Valve:gabe?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&period=30&digits=5&issuer=Valve&encoder=steam"},
		{Params{Issuer: "a/b&c", Account: "d e", Algorithm: SHA512, Digits: 8, Period: 60}, short,
			"otpauth://totp/a%2Fb%26c:d%20e?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY%3D%3D%3D%3D%3D%3D&period=60&digits=8&issuer=a%2Fb%26c&algorithm=SHA512"},
		{Params{Type: HOTP, Account: "x", Digits: 6, Counter: 7}, secret,
			"otpauth://hotp/x?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&counter=7&digits=6"},
		{Params{Account: "a:b", Digits: 6, Period: 30}, secret,
			"otpauth://totp/:a%3Ab?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&period=30&digits=6"},
	} {
		buf := c.p.URI(c.secret)
		if got := string(buf.Bytes()); got != c.want {
			t.Errorf("URI(%+v)\n got %s\nwant %s", c.p, got, c.want)
		}
		buf.Destroy()
	}
}

// ParseURI(URI(p, s)) gives back p and s, for random parameters.
func TestURIRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	names := []string{"", "ACME Co", "a:b", "ü@example.com", "x/y?z&w=v#f", " pad ", "100%"}
	for range 500 {
		p := randomParams(r)
		p.Issuer, p.Account = names[r.IntN(len(names))], names[r.IntN(len(names))]
		raw := randomBytes(r, 1+r.IntN(70))
		buf := p.URI(locked(t, raw).Bytes())
		k, err := ParseURI(buf.Bytes())
		if err != nil {
			t.Fatalf("ParseURI(%s): %v", buf.Bytes(), err)
		}
		want := p
		want.Issuer, want.Account = trimmed(p.Issuer), trimmed(p.Account)
		if k.Params != want || !bytes.Equal(k.Secret.Bytes(), raw) {
			t.Fatalf("round trip of %s\n got %+v\nwant %+v", buf.Bytes(), k.Params, want)
		}
		buf.Destroy()
		k.Destroy()
	}
}

func trimmed(s string) string { return string(bytes.TrimSpace([]byte(s))) }

func randomParams(r *rand.Rand) Params {
	p := Params{Algorithm: Algorithm(r.IntN(3)), Digits: 4 + r.IntN(7), Period: 1 + r.IntN(120)}
	switch r.IntN(3) {
	case 0:
		p.Type, p.Period, p.Counter = HOTP, 0, r.Uint64()
	case 1:
		p.Steam, p.Digits = true, SteamDigits
	}
	return p
}

func TestKeyRedacts(t *testing.T) {
	k, err := ParseURI([]byte("otpauth://totp/Corp:me?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"))
	if err != nil {
		t.Fatal(err)
	}
	defer k.Destroy()
	w := secretWrite("otp", k.URI())
	defer w.Secret.Destroy()
	for _, s := range []string{
		fmt.Sprintf("%v", k), fmt.Sprintf("%+v", k), fmt.Sprintf("%#v", k), fmt.Sprintf("%s", k),
		fmt.Sprintf("%v", *k), fmt.Sprintf("%+v", *k), fmt.Sprintf("%x", *k), fmt.Sprintf("%d", *k),
		fmt.Sprintf("%v", []FieldWrite{w}), fmt.Sprintf("%+v", w),
	} {
		if bytes.Contains([]byte(s), rfcSecret) || bytes.Contains([]byte(s), []byte("GEZDGNBV")) {
			t.Errorf("printed key holds the secret: %s", s)
		}
	}
	if got, _ := k.Code(time.Unix(59, 0)); got != "287082" {
		t.Errorf("Code = %q, want 287082", got)
	}
}

func TestDestroyedKey(t *testing.T) {
	k, err := ParseURI([]byte("otpauth://totp/x?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"))
	if err != nil {
		t.Fatal(err)
	}
	k.Destroy()
	k.Destroy() // twice is fine
	if _, err := k.Code(time.Unix(59, 0)); !errors.Is(err, ErrNoSecret) {
		t.Errorf("Code after Destroy: %v, want ErrNoSecret", err)
	}
	if w := Encode(KeePassXC, k); w != nil {
		t.Errorf("Encode after Destroy = %v", w)
	}
	var nilKey *Key
	nilKey.Destroy()
	if _, err := nilKey.Code(time.Unix(59, 0)); err == nil {
		t.Error("Code on nil key succeeded")
	}
}

func TestParseSteamSchemeURI(t *testing.T) {
	k, err := ParseURI([]byte("otpauth://steam/Steam:gaben?secret=NBSWY3DPO5XXE3DEEBXGC3LF&issuer=Steam"))
	if err != nil {
		t.Fatal(err)
	}
	defer k.Destroy()
	if !k.Steam || k.Type != TOTP || k.Digits != SteamDigits || k.Account != "gaben" {
		t.Errorf("params %+v", k.Params)
	}
	want, err := ParseURI([]byte("otpauth://totp/Steam:gaben?secret=NBSWY3DPO5XXE3DEEBXGC3LF&issuer=Steam&encoder=steam"))
	if err != nil {
		t.Fatal(err)
	}
	defer want.Destroy()
	at := time.Unix(1700000000, 0)
	a, _ := Generate(k.Params, k.Secret.Bytes(), at)
	b, _ := Generate(want.Params, want.Secret.Bytes(), at)
	if a != b || len(a) != 5 {
		t.Errorf("steam:// code %q, encoder=steam code %q", a, b)
	}
}
