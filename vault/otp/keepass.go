package otp

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"

	"github.com/awnumar/memguard"
	"github.com/twofold-app/twofold/vault/internal/secret"
)

// Fields is a KeePass entry's string fields as the vault store hands them
// over. Plain returns a non-secret value; Secret returns a copy of a secret
// value (see IsSecretField) in locked memory, which the caller destroys.
type Fields interface {
	Plain(key string) (string, bool)
	Secret(key string) (*memguard.LockedBuffer, bool)
}

// Lender is Fields for a caller that keeps secrets sealed (the vault's
// store): instead of copying a secret field into a new locked buffer, it
// lends the field's plaintext for one call, and keeps the raw secret
// decoded from it. ReadFields reads from a Lender.
type Lender interface {
	Plain(key string) (string, bool)
	// Lend calls fn with the plaintext of the secret field key and with
	// work, both in locked memory and wiped when fn returns; fn must not
	// keep them. work holds at least 2*len(plain) bytes. fn returns how
	// many leading bytes of work are the entry's raw secret, which the
	// Lender then keeps (sealed) in place of the result of any earlier
	// call; 0 keeps nothing. found is false, and fn is not called, when
	// the field is absent or cannot be opened; err is fn's, or one from
	// keeping the secret.
	Lend(key string, fn func(plain, work []byte) (keep int, err error)) (found bool, err error)
}

// Convention is one of the ways KeePass applications store OTP in entry
// fields. The zero value means none.
type Convention int

// The conventions FromFields reads and Encode writes.
const (
	// KeePassXC keeps an otpauth URI in the protected "otp" field.
	KeePassXC Convention = iota + 1
	// KeeOtp (the KeeOtp and KeeOtp2 plugins) keeps a query string in the
	// "otp" field: key=BASE32&step=30&size=6&otpHashMode=Sha256, with
	// type=Hotp&counter=N for HOTP and type=Steam for Steam.
	KeeOtp
	// LegacyTOTP is the KeeTrayTOTP plugin's "TOTP Seed" (base32) with
	// "TOTP Settings" "step;digits", or "step;S" for Steam, which KeePassXC
	// reads first and keeps writing for entries stored that way.
	LegacyTOTP
	// KeePass2 is KeePass 2's built-in TOTP ({TIMEOTP}): "TimeOtp-Secret"
	// (UTF-8), "-Secret-Hex", "-Secret-Base32" or "-Secret-Base64", with
	// "TimeOtp-Length", "TimeOtp-Period" and "TimeOtp-Algorithm".
	KeePass2
	// KeePass2HOTP is KeePass 2's built-in HOTP ({HMACOTP}): "HmacOtp-Secret*" and
	// "HmacOtp-Counter" (plus KeeOtp2's "HmacOtp-Length"/"-Algorithm").
	KeePass2HOTP
)

// Field names.
const (
	fieldOTP      = "otp"
	fieldSeed     = "TOTP Seed"
	fieldSettings = "TOTP Settings"
	prefixTOTP    = "TimeOtp-"
	prefixHOTP    = "HmacOtp-"
)

// keePassSecrets are KeePass 2's secret field suffixes, in the order
// KeeOtp2 looks for them.
var keePassSecrets = []struct {
	suffix string
	enc    secretEncoding
}{
	{"Secret-Base32", encBase32},
	{"Secret-Base64", encBase64},
	{"Secret-Hex", encHex},
	{"Secret", encUTF8},
}

// String returns the convention's name.
func (c Convention) String() string {
	switch c {
	case KeePassXC:
		return "KeePassXC"
	case KeeOtp:
		return "KeeOtp"
	case LegacyTOTP:
		return "TOTP Seed/Settings"
	case KeePass2:
		return "KeePass 2 TimeOtp"
	case KeePass2HOTP:
		return "KeePass 2 HmacOtp"
	}
	return "none"
}

// IsSecretField reports whether the field key holds OTP secret material and
// must be stored protected and read through Fields.Secret: "otp",
// "TOTP Seed", "TimeOtp-Secret*" and "HmacOtp-Secret*".
func IsSecretField(key string) bool {
	return key == fieldOTP || key == fieldSeed ||
		strings.HasPrefix(key, prefixTOTP+"Secret") || strings.HasPrefix(key, prefixHOTP+"Secret")
}

// FromFields reads the OTP key of an entry, trying the conventions in
// KeePassXC's order: "TOTP Settings" (with "TOTP Seed"), then "otp"
// (otpauth URI or KeeOtp string), then KeePass 2's TimeOtp-* and HmacOtp-*
// fields, and last a "TOTP Seed" alone (read with the defaults 30;6).
// Empty fields count as absent. An entry without any is ErrNoOTP; a
// convention whose fields are there but wrong gives that convention and
// the error.
func FromFields(f Fields) (*Key, Convention, error) {
	l := &copyLender{Fields: f}
	p, conv, err := ReadFields(l)
	if err != nil {
		l.destroy()
		return nil, conv, err
	}
	return &Key{Params: p, Secret: l.raw}, conv, nil
}

// ReadFields is FromFields for a Lender, with the same results and errors:
// it decodes the secret into the lent work memory, which the Lender keeps,
// rather than into a Key, and allocates no locked memory itself. After a
// nil error the Lender has kept the raw secret (from its last Lend); after
// an error it has kept none.
func ReadFields(f Lender) (Params, Convention, error) {
	p, conv, err := readFields(f)
	if err != nil {
		return Params{}, conv, err
	}
	return p, conv, nil
}

func readFields(f Lender) (Params, Convention, error) {
	if settings, ok := f.Plain(fieldSettings); ok {
		p, err := fromLegacy(f, settings)
		return p, LegacyTOTP, err
	}
	var p Params
	var conv Convention
	found, err := lendSecret(f, fieldOTP, func(plain, work []byte) (n int, err error) {
		p, conv, n, err = fromOTPField(bytes.TrimSpace(plain), work[:len(plain)], work[len(plain):])
		return n, err
	})
	if found {
		return p, conv, err
	}
	if p, ok, err := fromKeePass2(f, prefixTOTP, TOTP); ok {
		return p, KeePass2, err
	}
	if p, ok, err := fromKeePass2(f, prefixHOTP, HOTP); ok {
		return p, KeePass2HOTP, err
	}
	if hasSecretField(f, fieldSeed) {
		p, err := fromLegacy(f, "")
		return p, LegacyTOTP, err
	}
	return Params{}, 0, ErrNoOTP
}

// copyLender lends the secret fields of Fields in copies, and keeps the
// raw secret in a locked buffer of its own.
type copyLender struct {
	Fields
	raw *memguard.LockedBuffer
}

func (c *copyLender) Lend(key string, fn func(plain, work []byte) (int, error)) (bool, error) {
	buf, ok := c.Secret(key)
	if !ok || buf == nil {
		return false, nil
	}
	defer buf.Destroy()
	work := memguard.NewBuffer(2 * buf.Size())
	defer work.Destroy()
	n, err := fn(buf.Bytes(), work.Bytes())
	if err != nil || n == 0 {
		return true, err
	}
	c.destroy()
	c.raw = memguard.NewBuffer(n)
	secret.Copy(c.raw.Bytes(), work.Bytes()[:n])
	return true, nil
}

func (c *copyLender) destroy() {
	if c.raw != nil {
		c.raw.Destroy()
	}
}

// lendSecret lends the named secret field to fn if it is there and not
// blank, and reports whether it was.
func lendSecret(f Lender, key string, fn func(plain, work []byte) (int, error)) (bool, error) {
	blank := false
	found, err := f.Lend(key, func(plain, work []byte) (int, error) {
		if blank = len(bytes.TrimSpace(plain)) == 0; blank {
			return 0, nil
		}
		return fn(plain, work)
	})
	return found && !blank, err
}

func hasSecretField(f Lender, key string) bool {
	ok, _ := lendSecret(f, key, func(_, _ []byte) (int, error) { return 0, nil })
	return ok
}

// fromLegacy reads "TOTP Seed" with the given "TOTP Settings" value.
func fromLegacy(f Lender, settings string) (Params, error) {
	p := Params{Type: TOTP, Digits: DefaultDigits, Period: DefaultPeriod}
	if err := p.parseLegacySettings(settings); err != nil {
		return p, fmt.Errorf("read %s: %w", fieldSettings, err)
	}
	return p, keyFromField(f, fieldSeed, p, encBase32)
}

// parseLegacySettings reads "step;digits" or "step;S" (Steam). Parts after
// the second (TrayTOTP's time-correction URL) are ignored; an empty part
// keeps its default.
func (p *Params) parseLegacySettings(s string) error {
	parts := strings.Split(strings.TrimSpace(s), ";")
	var err error
	if step := strings.TrimSpace(parts[0]); step != "" {
		if p.Period, err = parseNumber(fieldSettings, step); err != nil {
			return err
		}
	}
	if len(parts) < 2 {
		return nil
	}
	switch d := strings.TrimSpace(parts[1]); {
	case strings.EqualFold(d, "S"):
		p.Steam, p.Digits = true, SteamDigits
	case d != "":
		p.Digits, err = parseNumber(fieldSettings, d)
	}
	return err
}

// keyFromField validates p and has the secret field key decoded into the
// Lender's work memory.
func keyFromField(f Lender, key string, p Params, enc secretEncoding) error {
	if err := p.Validate(); err != nil {
		return err
	}
	found, err := lendSecret(f, key, func(plain, work []byte) (int, error) {
		// Not trimmed: the decoders skip white space, and in a UTF-8
		// secret it is part of the key.
		n, err := decodeInto(plain, enc, work[:len(plain)], work[len(plain):])
		if err != nil {
			return 0, fmt.Errorf("read %s: %w", key, err)
		}
		return n, nil
	})
	if !found {
		return fmt.Errorf("read %s: %w", key, ErrNoSecret)
	}
	return err
}

// fromOTPField reads an "otp" field: an otpauth URI (KeePassXC) or a KeeOtp
// query string, decoding its secret into out (with tmp as scratch; both
// locked, of at least len(b) bytes).
func fromOTPField(b, out, tmp []byte) (Params, Convention, int, error) {
	const scheme = "otpauth:"
	if len(b) >= len(scheme) && bytes.EqualFold(b[:len(scheme)], []byte(scheme)) {
		p, n, err := parseURIInto(b, out, tmp)
		if err != nil {
			return p, KeePassXC, 0, fmt.Errorf("read %s: %w", fieldOTP, err)
		}
		return p, KeePassXC, n, nil
	}
	p, n, err := parseKeeOtp(b, out, tmp)
	if err != nil {
		return p, KeeOtp, 0, fmt.Errorf("read %s: %w", fieldOTP, err)
	}
	return p, KeeOtp, n, nil
}

// parseURIInto is ParseURI decoding the secret into out (tmp as scratch).
func parseURIInto(uri, out, tmp []byte) (Params, int, error) {
	p, raw, found, err := splitURI(uri)
	if err != nil {
		return p, 0, err
	}
	n, err := uriSecret(raw, found, out, tmp)
	if err != nil {
		return p, 0, fmt.Errorf("parse uri for %q: %w", p.label(), err)
	}
	return p, n, nil
}

// parseKeeOtp reads key=...&type=..&step=..&size=..&counter=..&otpHashMode=..
// &encoding=..&encoder=.. (KeeOtp2's OtpAuthUtils names). The key is cut out
// as bytes like ParseURI's secret and decoded into out (tmp as scratch).
func parseKeeOtp(b, out, tmp []byte) (Params, int, error) {
	rest, raw, found, err := cutQueryParam(b, "key")
	if err != nil {
		return Params{}, 0, err
	}
	if !found {
		return Params{}, 0, fmt.Errorf("neither an otpauth uri nor a keeotp key=: %w", ErrUnsupported)
	}
	q, err := url.ParseQuery(string(rest))
	if err != nil {
		return Params{}, 0, fmt.Errorf("keeotp parameters: %v: %w", err, ErrMalformedURI)
	}
	p, enc, err := keeOtpParams(q)
	if err != nil {
		return p, 0, err
	}
	t, err := unescapeInto(raw, tmp)
	if err != nil {
		return p, 0, fmt.Errorf("keeotp key: %w", err)
	}
	n, err := decodeInto(t, enc, out, tmp)
	if err != nil {
		return p, 0, fmt.Errorf("keeotp key: %w", err)
	}
	return p, n, nil
}

func keeOtpParams(q url.Values) (Params, secretEncoding, error) {
	p := Params{Digits: DefaultDigits}
	steam := strings.EqualFold(q.Get("type"), "steam")
	if q.Get("type") != "" && !steam {
		t, err := parseType(q.Get("type"))
		if err != nil {
			return p, 0, err
		}
		p.Type = t
	}
	var err error
	if q.Get("otpHashMode") != "" {
		if p.Algorithm, err = ParseAlgorithm(q.Get("otpHashMode")); err != nil {
			return p, 0, err
		}
	}
	if q.Get("size") != "" {
		if p.Digits, err = parseNumber("size", q.Get("size")); err != nil {
			return p, 0, err
		}
	}
	if err := p.readMovingFactor(q.Get, "step", "counter"); err != nil {
		return p, 0, err
	}
	if steam {
		p.Steam, p.Digits = true, SteamDigits
	} else if err := p.setEncoder(q.Get("encoder")); err != nil {
		return p, 0, err
	}
	enc, err := parseKeeOtpEncoding(q.Get("encoding"))
	if err != nil {
		return p, 0, err
	}
	return p, enc, p.Validate()
}

func parseKeeOtpEncoding(s string) (secretEncoding, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "base32":
		return encBase32, nil
	case "base64":
		return encBase64, nil
	case "hex":
		return encHex, nil
	case "utf8", "utf-8":
		return encUTF8, nil
	}
	return 0, fieldError("encoding", fmt.Sprintf("must be base32, base64, hex or utf8, got %q", s))
}

// fromKeePass2 reads KeePass 2's TimeOtp-* (prefixTOTP) or HmacOtp-*
// (prefixHOTP) fields. ok is false when no secret field of that kind is
// there.
func fromKeePass2(f Lender, prefix string, typ Type) (p Params, ok bool, err error) {
	for _, s := range keePassSecrets {
		name := prefix + s.suffix
		if !hasSecretField(f, name) {
			continue
		}
		p, err := keePass2Params(f, prefix, typ)
		if err != nil {
			return p, true, fmt.Errorf("read %s fields: %w", strings.TrimSuffix(prefix, "-"), err)
		}
		return p, true, keyFromField(f, name, p, s.enc)
	}
	return Params{}, false, nil
}

func keePass2Params(f Lender, prefix string, typ Type) (Params, error) {
	get := func(name string) string {
		v, _ := f.Plain(name)
		return strings.TrimSpace(v)
	}
	p := Params{Type: typ, Digits: DefaultDigits}
	var err error
	if v := get(prefix + "Length"); v != "" {
		if p.Digits, err = parseNumber(prefix+"Length", v); err != nil {
			return p, err
		}
	}
	if v := get(prefix + "Algorithm"); v != "" {
		if p.Algorithm, err = ParseAlgorithm(v); err != nil {
			return p, err
		}
	}
	return p, p.readMovingFactor(get, prefix+"Period", prefix+"Counter")
}
