package otp

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func TestFromFields(t *testing.T) {
	totp := Params{Digits: 6, Period: 30}
	for _, c := range []struct {
		name   string
		fields mapFields
		conv   Convention
		want   Params
	}{
		{"keepassxc otp uri", mapFields{"otp": "otpauth://totp/ACME:me?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&period=30&digits=8&issuer=ACME&algorithm=SHA256"},
			KeePassXC, Params{Issuer: "ACME", Account: "me", Algorithm: SHA256, Digits: 8, Period: 30}},
		{"keepassxc otp uri with blanks around", mapFields{"otp": "\n otpauth://totp/me?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ \n"},
			KeePassXC, Params{Account: "me", Digits: 6, Period: 30}},
		// KeePassXC's KeeOtp test string, with its lower-case %3d.
		{"keeotp", mapFields{"otp": "key=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ%3d%3d&step=25&size=8&otpHashMode=Sha256"},
			KeeOtp, Params{Algorithm: SHA256, Digits: 8, Period: 25}},
		{"keeotp lower case, spaces, raw padding", mapFields{"otp": "key=gezd gnbv gy3t qojq gezd gnbv gy3t qojq====&size=6&step=30"},
			KeeOtp, totp},
		{"keeotp hotp", mapFields{"otp": "key=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&type=Hotp&counter=5&otpHashMode=sha512"},
			KeeOtp, Params{Type: HOTP, Algorithm: SHA512, Digits: 6, Counter: 5}},
		{"keeotp steam, key in hex", mapFields{"otp": "key=3132333435363738393031323334353637383930&type=Steam&encoding=Hex"},
			KeeOtp, Params{Digits: 5, Period: 30, Steam: true}},
		{"keeotp encoder=steam, key in base64", mapFields{"otp": "key=MTIzNDU2Nzg5MDEyMzQ1Njc4OTA=&encoder=steam&encoding=base64"},
			KeeOtp, Params{Digits: 5, Period: 30, Steam: true}},
		{"legacy 30;6", mapFields{"TOTP Seed": "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "TOTP Settings": "30;6"}, LegacyTOTP, totp},
		{"legacy 30;8 lower case", mapFields{"TOTP Seed": "gezdgnbvgy3tqojqgezdgnbvgy3tqojq", "TOTP Settings": "30;8"},
			LegacyTOTP, Params{Digits: 8, Period: 30}},
		{"legacy 60;S steam", mapFields{"TOTP Seed": "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ", "TOTP Settings": "60;S"},
			LegacyTOTP, Params{Digits: 5, Period: 60, Steam: true}},
		{"legacy with TrayTOTP time correction URL", mapFields{"TOTP Seed": "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ====", "TOTP Settings": "45;7;https://time.example"},
			LegacyTOTP, Params{Digits: 7, Period: 45}},
		{"legacy empty settings", mapFields{"TOTP Seed": "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "TOTP Settings": ""}, LegacyTOTP, totp},
		{"legacy seed alone", mapFields{"TOTP Seed": "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"}, LegacyTOTP, totp},
		{"legacy settings win over otp (KeePassXC order)", mapFields{"TOTP Seed": "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "TOTP Settings": "30;8", "otp": "garbage"},
			LegacyTOTP, Params{Digits: 8, Period: 30}},
		{"keepass2 defaults", mapFields{"TimeOtp-Secret-Base32": "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"}, KeePass2, totp},
		{"keepass2 all fields", mapFields{"TimeOtp-Secret-Base32": "gezdgnbvgy3tqojqgezdgnbvgy3tqojq", "TimeOtp-Length": "8", "TimeOtp-Period": "60", "TimeOtp-Algorithm": "HMAC-SHA-256"},
			KeePass2, Params{Algorithm: SHA256, Digits: 8, Period: 60}},
		{"keepass2 utf-8", mapFields{"TimeOtp-Secret": "12345678901234567890", "TimeOtp-Algorithm": "HMAC-SHA-512"}, KeePass2, Params{Algorithm: SHA512, Digits: 6, Period: 30}},
		{"keepass2 hex", mapFields{"TimeOtp-Secret-Hex": "3132333435363738393031323334353637383930"}, KeePass2, totp},
		{"keepass2 base64", mapFields{"TimeOtp-Secret-Base64": "MTIzNDU2Nzg5MDEyMzQ1Njc4OTA="}, KeePass2, totp},
		{"keepass2 hotp", mapFields{"HmacOtp-Secret": "12345678901234567890", "HmacOtp-Counter": "9"}, KeePass2HOTP, Params{Type: HOTP, Digits: 6, Counter: 9}},
		{"keepass2 hotp base32 no counter", mapFields{"HmacOtp-Secret-Base32": "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"}, KeePass2HOTP, Params{Type: HOTP, Digits: 6}},
		{"keepass2 hotp keeotp2 extras", mapFields{"HmacOtp-Secret-Hex": "3132333435363738393031323334353637383930", "HmacOtp-Counter": "1", "HmacOtp-Length": "8", "HmacOtp-Algorithm": "HMAC-SHA-256"},
			KeePass2HOTP, Params{Type: HOTP, Algorithm: SHA256, Digits: 8, Counter: 1}},
		{"blank otp is absent", mapFields{"otp": "  ", "TimeOtp-Secret-Base32": "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"}, KeePass2, totp},
	} {
		t.Run(c.name, func(t *testing.T) {
			k, conv, err := FromFields(c.fields)
			if err != nil {
				t.Fatal(err)
			}
			defer k.Destroy()
			if conv != c.conv || k.Params != c.want {
				t.Fatalf("got %v %+v\nwant %v %+v", conv, k.Params, c.conv, c.want)
			}
			if !bytes.Equal(k.Secret.Bytes(), rfcSecret) {
				t.Fatalf("secret %q", k.Secret.Bytes())
			}
		})
	}
}

// KeePassXC's Steam test secret, stored the legacy way, gives the codes the
// Steam app showed (see TestGenerateSteamPublishedVectors).
func TestFromFieldsLegacySteamCodes(t *testing.T) {
	k, _, err := FromFields(mapFields{"TOTP Seed": "63BEDWCQZKTQWPESARIERL5DTTQFCJTK", "TOTP Settings": "30;S"})
	if err != nil {
		t.Fatal(err)
	}
	defer k.Destroy()
	if got, err := k.Code(time.Unix(1511200518, 0)); err != nil || got != "FR8RV" {
		t.Fatalf("code %q, %v; want FR8RV", got, err)
	}
}

func TestFromFieldsErrors(t *testing.T) {
	const seed = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
	for _, c := range []struct {
		name   string
		fields mapFields
		conv   Convention
		target error
	}{
		{"nothing", mapFields{"Title": "x", "Password": "y"}, 0, ErrNoOTP},
		{"blank otp only", mapFields{"otp": ""}, 0, ErrNoOTP},
		{"settings without seed", mapFields{"TOTP Settings": "30;6"}, LegacyTOTP, ErrNoSecret},
		{"legacy bad digits", mapFields{"TOTP Seed": seed, "TOTP Settings": "30;99"}, LegacyTOTP, ErrInvalid},
		{"legacy period 0", mapFields{"TOTP Seed": seed, "TOTP Settings": "0;6"}, LegacyTOTP, ErrInvalid},
		{"legacy not numbers", mapFields{"TOTP Seed": seed, "TOTP Settings": "thirty;six"}, LegacyTOTP, ErrInvalid},
		{"legacy bad seed", mapFields{"TOTP Seed": "GEZDGNBV!", "TOTP Settings": "30;6"}, LegacyTOTP, ErrBadSecret},
		{"otp neither uri nor keeotp", mapFields{"otp": "hello"}, KeeOtp, ErrUnsupported},
		{"otp uri digits 0", mapFields{"otp": "otpauth://totp/x?secret=" + seed + "&digits=0"}, KeePassXC, ErrInvalid},
		{"otp uri no secret", mapFields{"otp": "otpauth://totp/x?digits=6"}, KeePassXC, ErrNoSecret},
		{"keeotp bad key", mapFields{"otp": "key=GEZDGNBV9&step=30"}, KeeOtp, ErrBadSecret},
		{"keeotp empty key", mapFields{"otp": "key=&step=30"}, KeeOtp, ErrNoSecret},
		{"keeotp bad hash", mapFields{"otp": "key=" + seed + "&otpHashMode=Md5"}, KeeOtp, ErrInvalid},
		{"keeotp bad size", mapFields{"otp": "key=" + seed + "&size=0"}, KeeOtp, ErrInvalid},
		{"keeotp bad encoding", mapFields{"otp": "key=" + seed + "&encoding=rot13"}, KeeOtp, ErrInvalid},
		{"keeotp bad type", mapFields{"otp": "key=" + seed + "&type=Motp"}, KeeOtp, ErrUnsupported},
		{"keeotp two keys", mapFields{"otp": "key=" + seed + "&key=" + seed}, KeeOtp, ErrMalformedURI},
		{"keepass2 bad algorithm", mapFields{"TimeOtp-Secret-Base32": seed, "TimeOtp-Algorithm": "HMAC-MD5"}, KeePass2, ErrInvalid},
		{"keepass2 bad period", mapFields{"TimeOtp-Secret-Base32": seed, "TimeOtp-Period": "0"}, KeePass2, ErrInvalid},
		{"keepass2 bad length", mapFields{"TimeOtp-Secret-Base32": seed, "TimeOtp-Length": "x"}, KeePass2, ErrInvalid},
		{"keepass2 bad hex", mapFields{"TimeOtp-Secret-Hex": "31323"}, KeePass2, ErrBadSecret},
		{"keepass2 hotp bad counter", mapFields{"HmacOtp-Secret": "x", "HmacOtp-Counter": "-1"}, KeePass2HOTP, ErrInvalid},
	} {
		t.Run(c.name, func(t *testing.T) {
			k, conv, err := FromFields(c.fields)
			if err == nil {
				k.Destroy()
			}
			if !errors.Is(err, c.target) || conv != c.conv {
				t.Fatalf("got %v, %v; want %v, %v", conv, err, c.conv, c.target)
			}
		})
	}
}

// Encode then FromFields gives back the key, for every convention and
// random keys each convention can hold.
func TestEncodeFromFieldsRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for _, conv := range []Convention{KeePassXC, KeeOtp, LegacyTOTP, KeePass2, KeePass2HOTP} {
		n := 0
		for n < 200 {
			p := randomParams(r)
			p.Issuer, p.Account = "Corp", "me@example.com"
			if !conv.Supports(p) {
				continue
			}
			n++
			if conv != KeePassXC {
				p.Issuer, p.Account = "", "" // only the URI has a label
			}
			roundTrip(t, conv, &Key{Params: p, Secret: locked(t, randomBytes(r, 1+r.IntN(70)))})
		}
	}
}

func roundTrip(t *testing.T, conv Convention, k *Key) {
	t.Helper()
	fields := mapFields{"Title": "t"}
	writes := Encode(conv, k)
	for _, w := range writes {
		if w.Protected != IsSecretField(w.Key) || (w.Secret != nil) != IsSecretField(w.Key) {
			t.Fatalf("%v: write %v: protected %v", conv, w, w.Protected)
		}
		if !slices.Contains(conv.Fields(), w.Key) {
			t.Fatalf("%v writes %q, not in Fields() %v", conv, w.Key, conv.Fields())
		}
	}
	fields.apply(writes)
	got, gotConv, err := FromFields(fields)
	if err != nil {
		t.Fatalf("%v %+v: %v (fields %v)", conv, k.Params, err, fields)
	}
	defer got.Destroy()
	if gotConv != conv || got.Params != k.Params || !bytes.Equal(got.Secret.Bytes(), k.Secret.Bytes()) {
		t.Fatalf("%v: got %v %+v, want %+v", conv, gotConv, got.Params, k.Params)
	}
}

func TestEncodeFormats(t *testing.T) {
	secret := locked(t, []byte("12345678901234567890"))
	totp := &Key{Params: Params{Issuer: "ACME Co", Account: "me", Algorithm: SHA256, Digits: 8, Period: 30}, Secret: secret}
	steam := &Key{Params: Params{Digits: 5, Period: 30, Steam: true}, Secret: secret}
	hotp := &Key{Params: Params{Type: HOTP, Digits: 6, Counter: 12}, Secret: secret}
	const b = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
	for _, c := range []struct {
		conv Convention
		k    *Key
		want map[string]string
	}{
		{KeePassXC, totp, map[string]string{"otp": "otpauth://totp/ACME%20Co:me?secret=" + b + "&period=30&digits=8&issuer=ACME%20Co&algorithm=SHA256"}},
		{KeeOtp, totp, map[string]string{"otp": "key=" + b + "&size=8&step=30&otpHashMode=SHA256"}},
		{KeeOtp, hotp, map[string]string{"otp": "key=" + b + "&size=6&counter=12&type=Hotp"}},
		{LegacyTOTP, steam, map[string]string{"TOTP Seed": b, "TOTP Settings": "30;S"}},
		{KeePass2, totp, map[string]string{"TimeOtp-Secret-Base32": b, "TimeOtp-Length": "8", "TimeOtp-Period": "30", "TimeOtp-Algorithm": "HMAC-SHA-256"}},
		{KeePass2HOTP, hotp, map[string]string{"HmacOtp-Secret-Base32": b, "HmacOtp-Counter": "12"}},
		// Fallbacks: legacy has no algorithm, TimeOtp no HOTP.
		{LegacyTOTP, totp, map[string]string{"otp": "otpauth://totp/ACME%20Co:me?secret=" + b + "&period=30&digits=8&issuer=ACME%20Co&algorithm=SHA256"}},
		{KeePass2, hotp, map[string]string{"HmacOtp-Secret-Base32": b, "HmacOtp-Counter": "12"}},
	} {
		got := mapFields{}
		got.apply(Encode(c.conv, c.k))
		if len(got) != len(c.want) {
			t.Errorf("%v %v: got %v, want %v", c.conv, c.k, got, c.want)
		}
		for key, v := range c.want {
			if got[key] != v {
				t.Errorf("%v %v: %s = %q, want %q", c.conv, c.k, key, got[key], v)
			}
		}
	}
	if w := Encode(KeePassXC, nil); w != nil {
		t.Errorf("Encode(nil) = %v", w)
	}
}

func TestIsSecretField(t *testing.T) {
	for _, k := range []string{"otp", "TOTP Seed", "TimeOtp-Secret", "TimeOtp-Secret-Hex", "TimeOtp-Secret-Base32", "TimeOtp-Secret-Base64", "HmacOtp-Secret", "HmacOtp-Secret-Base32"} {
		if !IsSecretField(k) {
			t.Errorf("IsSecretField(%q) = false", k)
		}
	}
	for _, k := range []string{"TOTP Settings", "TimeOtp-Length", "TimeOtp-Period", "TimeOtp-Algorithm", "HmacOtp-Counter", "Title", "OTP"} {
		if IsSecretField(k) {
			t.Errorf("IsSecretField(%q) = true", k)
		}
	}
}
