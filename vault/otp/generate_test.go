package otp

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	potp "github.com/pquerna/otp"
	photp "github.com/pquerna/otp/hotp"
	ptotp "github.com/pquerna/otp/totp"
)

// RFC 4226 Appendix D.
func TestGenerateRFC4226(t *testing.T) {
	secret := locked(t, []byte("12345678901234567890")).Bytes()
	want := []string{"755224", "287082", "359152", "969429", "338314",
		"254676", "287922", "162583", "399871", "520489"}
	for c, w := range want {
		p := Params{Type: HOTP, Digits: 6, Counter: uint64(c)}
		got, err := Generate(p, secret, time.Time{})
		if err != nil || got != w {
			t.Errorf("counter %d: got %q, %v; want %q", c, got, err, w)
		}
	}
}

// RFC 6238 Appendix B, with the RFC's 20, 32 and 64 byte seeds.
func TestGenerateRFC6238(t *testing.T) {
	seeds := map[Algorithm]string{
		SHA1:   "12345678901234567890",
		SHA256: "12345678901234567890123456789012",
		SHA512: "1234567890123456789012345678901234567890123456789012345678901234",
	}
	vectors := []struct {
		unix int64
		want [3]string // SHA1, SHA256, SHA512
	}{
		{59, [3]string{"94287082", "46119246", "90693936"}},
		{1111111109, [3]string{"07081804", "68084774", "25091201"}},
		{1111111111, [3]string{"14050471", "67062674", "99943326"}},
		{1234567890, [3]string{"89005924", "91819424", "93441116"}},
		{2000000000, [3]string{"69279037", "90698825", "38618901"}},
		{20000000000, [3]string{"65353130", "77737706", "47863826"}},
	}
	for _, v := range vectors {
		for a := SHA1; a <= SHA512; a++ {
			p := Params{Algorithm: a, Digits: 8, Period: 30}
			got, err := Generate(p, locked(t, []byte(seeds[a])).Bytes(), time.Unix(v.unix, 0))
			if err != nil || got != v.want[a] {
				t.Errorf("%s at %d: got %q, %v; want %q", a, v.unix, got, err, v.want[a])
			}
		}
	}
}

// Published Steam Guard vectors, each from a different source:
//   - KeePassXC tests/TestTotp.cpp, testSteamTotp: codes taken from the
//     Steam mobile app for a throw-away account;
//   - dyc3/steamguard-cli steamguard/src/token.rs, test_generate_code;
//   - ValvePython/steam tests/test_guard.py, test_generate_twofactor_code_for_time
//     (the key is the raw bytes "superdupersecret").
func TestGenerateSteamPublishedVectors(t *testing.T) {
	steam := Params{Digits: SteamDigits, Period: 30, Steam: true}
	keePassXC := mustSecret(t, "63BEDWCQZKTQWPESARIERL5DTTQFCJTK")
	steamguardCLI, err := decodeSecret([]byte("zvIayp3JPvtvX/QGHqsqKBk/44s="), encBase64)
	if err != nil {
		t.Fatal(err)
	}
	defer steamguardCLI.Destroy()
	valve := locked(t, []byte("superdupersecret")).Bytes()
	for _, v := range []struct {
		secret []byte
		unix   int64
		want   string
	}{
		{keePassXC, 1511200518, "FR8RV"},
		{keePassXC, 1511200714, "9P3VP"},
		{steamguardCLI.Bytes(), 1616374841, "2F9J5"},
		{valve, 3000030, "YRGQJ"},
		{valve, 3000029, "94R9D"},
	} {
		got, err := Generate(steam, v.secret, time.Unix(v.unix, 0))
		if err != nil || got != v.want {
			t.Errorf("at %d: got %q, %v; want %q", v.unix, got, err, v.want)
		}
	}
}

func TestGenerateTenDigits(t *testing.T) {
	// 10^10 exceeds the 31-bit truncated value, so the code is that value,
	// zero-padded: RFC 4226's counter 0 value is 0x4c93cf18 = 1284755224.
	p := Params{Type: HOTP, Digits: 10}
	got, err := Generate(p, locked(t, []byte("12345678901234567890")).Bytes(), time.Time{})
	if err != nil || got != "1284755224" {
		t.Fatalf("got %q, %v; want 1284755224", got, err)
	}
	p.Digits = 4
	if got, _ := Generate(p, locked(t, []byte("12345678901234567890")).Bytes(), time.Time{}); got != "5224" {
		t.Fatalf("4 digits: got %q, want 5224", got)
	}
}

func TestGenerateErrors(t *testing.T) {
	secret := locked(t, []byte("12345678901234567890")).Bytes()
	ok := Params{Digits: 6, Period: 30}
	_, err := Generate(ok, secret, time.Unix(-1, 0))
	wantErr(t, err, ErrInvalid)
	_, err = Generate(ok, nil, time.Unix(0, 0))
	wantErr(t, err, ErrNoSecret)
	bad := ok
	bad.Digits = 99
	_, err = Generate(bad, secret, time.Unix(0, 0))
	wantErr(t, err, ErrInvalid)
}

// Cross-check against github.com/pquerna/otp (which uses crypto/hmac and
// encoding/base32) on random secrets, times, counters, digits, periods and
// algorithms. pquerna supports 6 and 8 digits only.
func TestGenerateMatchesPquerna(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	algs := map[Algorithm]potp.Algorithm{SHA1: potp.AlgorithmSHA1, SHA256: potp.AlgorithmSHA256, SHA512: potp.AlgorithmSHA512}
	for i := range 2000 {
		raw := randomBytes(r, 1+r.IntN(80))
		a := Algorithm(r.IntN(3))
		digits := []int{6, 8}[r.IntN(2)]
		pdigits := map[int]potp.Digits{6: potp.DigitsSix, 8: potp.DigitsEight}[digits]
		p := Params{Algorithm: a, Digits: digits, Period: []int{15, 30, 60, 90}[r.IntN(4)]}
		var want string
		var err error
		at := time.Unix(r.Int64N(1<<34), 0)
		if i%2 == 0 {
			want, err = ptotp.GenerateCodeCustom(b32(raw), at, ptotp.ValidateOpts{Period: uint(p.Period), Digits: pdigits, Algorithm: algs[a]})
		} else {
			p.Type, p.Counter = HOTP, r.Uint64()
			want, err = photp.GenerateCodeCustom(b32(raw), p.Counter, photp.ValidateOpts{Digits: pdigits, Algorithm: algs[a]})
		}
		if err != nil {
			t.Fatal(err)
		}
		got, err := Generate(p, locked(t, raw).Bytes(), at)
		if err != nil || got != want {
			t.Fatalf("%+v key %x at %d: got %q, %v; pquerna %q", p, raw, at.Unix(), got, err, want)
		}
	}
}

func TestRemaining(t *testing.T) {
	p := Params{Digits: 6, Period: 30}
	for _, c := range []struct {
		at   time.Time
		want time.Duration
	}{
		{time.Unix(0, 0), 30 * time.Second},
		{time.Unix(59, 0), time.Second},
		{time.Unix(59, 500_000_000), 500 * time.Millisecond},
		{time.Unix(60, 0), 30 * time.Second},
		{time.Unix(1111111109, 0), 1 * time.Second},
		{time.Unix(-1, 500_000_000), 500 * time.Millisecond},
	} {
		if got := p.Remaining(c.at); got != c.want {
			t.Errorf("Remaining(%d.%09d) = %v, want %v", c.at.Unix(), c.at.Nanosecond(), got, c.want)
		}
	}
	if got := (Params{Type: HOTP, Digits: 6}).Remaining(time.Unix(5, 0)); got != 0 {
		t.Errorf("hotp Remaining = %v, want 0", got)
	}
}

func TestValidate(t *testing.T) {
	ok := Params{Digits: 6, Period: 30}
	for _, c := range []struct {
		name  string
		edit  func(*Params)
		field string
	}{
		{"digits 0", func(p *Params) { p.Digits = 0 }, "digits"},
		{"digits 3", func(p *Params) { p.Digits = 3 }, "digits"},
		{"digits 11", func(p *Params) { p.Digits = 11 }, "digits"},
		{"digits 99", func(p *Params) { p.Digits = 99 }, "digits"},
		{"period 0", func(p *Params) { p.Period = 0 }, "period"},
		{"period -30", func(p *Params) { p.Period = -30 }, "period"},
		{"period too long", func(p *Params) { p.Period = MaxPeriod + 1 }, "period"},
		{"algorithm", func(p *Params) { p.Algorithm = 7 }, "algorithm"},
		{"type", func(p *Params) { p.Type = 9 }, "type"},
		{"steam 6 digits", func(p *Params) { p.Steam = true }, "digits"},
		{"steam hotp", func(p *Params) { p.Steam, p.Digits, p.Type = true, 5, HOTP }, "steam"},
	} {
		p := ok
		c.edit(&p)
		err := p.Validate()
		fe, isField := err.(*FieldError)
		if !isField || fe.Field != c.field {
			t.Errorf("%s: Validate() = %v, want FieldError for %q", c.name, err, c.field)
			continue
		}
		wantErr(t, err, ErrInvalid)
	}
	for _, p := range []Params{ok, {Type: HOTP, Digits: 10}, {Digits: 5, Period: 30, Steam: true}, {Digits: 4, Period: MaxPeriod}} {
		if err := p.Validate(); err != nil {
			t.Errorf("Validate(%+v) = %v", p, err)
		}
	}
	// The messages read as sentences: the field's name, then what is wrong.
	for p, want := range map[Params]string{
		{Digits: 99, Period: 30}:                      "digits must be 4 to 10, got 99",
		{Digits: 6, Period: 0}:                        "period must be 1 to 86400 seconds, got 0",
		{Digits: 6, Period: 30, Steam: true}:          "digits must be 5 for Steam, got 6",
		{Digits: 5, Type: HOTP, Steam: true}:          "steam needs TOTP: Steam Guard codes are time-based",
		{Digits: 6, Period: 30, Algorithm: 7}:         "algorithm must be SHA1, SHA256 or SHA512, got 7",
		{Digits: 6, Period: 30, Type: 9, Issuer: "x"}: "type must be TOTP or HOTP, got 9",
	} {
		if msg := p.Validate().Error(); msg != want {
			t.Errorf("Validate(%+v) = %q, want %q", p, msg, want)
		}
	}
	if _, err := ParseAlgorithm("MD5"); err == nil || err.Error() != `algorithm must be SHA1, SHA256 or SHA512, got "MD5"` {
		t.Errorf("ParseAlgorithm(MD5) error = %v", err)
	}
}

func TestParseAlgorithm(t *testing.T) {
	for in, want := range map[string]Algorithm{
		"SHA1": SHA1, "sha1": SHA1, "SHA-1": SHA1, "HMAC-SHA-1": SHA1, "HMAC-SHA1": SHA1, "Sha1": SHA1,
		"SHA256": SHA256, "sha256": SHA256, "HMAC-SHA-256": SHA256, "HMAC-SHA256": SHA256, "Sha256": SHA256,
		"SHA512": SHA512, "HMAC-SHA-512": SHA512, "sha-512": SHA512, " SHA512 ": SHA512,
	} {
		if got, err := ParseAlgorithm(in); err != nil || got != want {
			t.Errorf("ParseAlgorithm(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "MD5", "SHA224", "SHA-384", "HMAC", "SHA3-256"} {
		_, err := ParseAlgorithm(in)
		wantErr(t, err, ErrInvalid)
	}
}

func BenchmarkGenerate(b *testing.B) {
	secret := locked(b, []byte("12345678901234567890123456789012")).Bytes()
	for _, a := range []Algorithm{SHA1, SHA256, SHA512} {
		p := Params{Algorithm: a, Digits: 6, Period: 30}
		b.Run(a.String(), func(b *testing.B) {
			at := time.Unix(1_700_000_000, 0)
			for b.Loop() {
				if _, err := Generate(p, secret, at); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func ExampleGenerate() {
	secret, err := ParseSecret([]byte("gezd gnbv gy3t qojq gezd gnbv gy3t qojq"))
	if err != nil {
		panic(err)
	}
	defer secret.Destroy()
	p := Params{Digits: 8, Period: 30}
	code, _ := Generate(p, secret.Bytes(), time.Unix(59, 0))
	fmt.Println(code, p.Remaining(time.Unix(59, 0)))
	// Output: 94287082 1s
}
