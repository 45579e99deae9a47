package otp

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"

	"github.com/awnumar/memguard"
)

// Fields is a KeePass entry's string fields as the vault store hands them
// over. Plain returns a non-secret value; Secret returns a copy of a secret
// value (see IsSecretField) in locked memory, which the caller destroys.
type Fields interface {
	Plain(key string) (string, bool)
	Secret(key string) (*memguard.LockedBuffer, bool)
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
	if settings, ok := f.Plain(fieldSettings); ok {
		k, err := fromLegacy(f, settings)
		return k, LegacyTOTP, err
	}
	if buf, ok := secretField(f, fieldOTP); ok {
		defer buf.Destroy()
		return fromOTPField(bytes.TrimSpace(buf.Bytes()))
	}
	if k, ok, err := fromKeePass2(f, prefixTOTP, TOTP); ok {
		return k, KeePass2, err
	}
	if k, ok, err := fromKeePass2(f, prefixHOTP, HOTP); ok {
		return k, KeePass2HOTP, err
	}
	if hasSecretField(f, fieldSeed) {
		k, err := fromLegacy(f, "")
		return k, LegacyTOTP, err
	}
	return nil, 0, ErrNoOTP
}

// secretField returns the named secret field if it is there and not blank.
func secretField(f Fields, key string) (*memguard.LockedBuffer, bool) {
	buf, ok := f.Secret(key)
	if !ok || buf == nil {
		return nil, false
	}
	if len(bytes.TrimSpace(buf.Bytes())) == 0 {
		buf.Destroy()
		return nil, false
	}
	return buf, true
}

func hasSecretField(f Fields, key string) bool {
	buf, ok := secretField(f, key)
	if ok {
		buf.Destroy()
	}
	return ok
}

// fromLegacy reads "TOTP Seed" with the given "TOTP Settings" value.
func fromLegacy(f Fields, settings string) (*Key, error) {
	p := Params{Type: TOTP, Digits: DefaultDigits, Period: DefaultPeriod}
	if err := p.parseLegacySettings(settings); err != nil {
		return nil, fmt.Errorf("read %s: %w", fieldSettings, err)
	}
	return keyFromField(f, fieldSeed, p, encBase32)
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

// keyFromField validates p and decodes the secret field key into a Key.
func keyFromField(f Fields, key string, p Params, enc secretEncoding) (*Key, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	buf, ok := secretField(f, key)
	if !ok {
		return nil, fmt.Errorf("read %s: %w", key, ErrNoSecret)
	}
	defer buf.Destroy()
	// Not trimmed: the decoders skip white space, and in a UTF-8 secret it
	// is part of the key.
	secret, err := decodeSecret(buf.Bytes(), enc)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", key, err)
	}
	return &Key{Params: p, Secret: secret}, nil
}

// fromOTPField reads an "otp" field: an otpauth URI (KeePassXC) or a KeeOtp
// query string.
func fromOTPField(b []byte) (*Key, Convention, error) {
	const scheme = "otpauth:"
	if len(b) >= len(scheme) && bytes.EqualFold(b[:len(scheme)], []byte(scheme)) {
		k, err := ParseURI(b)
		if err != nil {
			return nil, KeePassXC, fmt.Errorf("read %s: %w", fieldOTP, err)
		}
		return k, KeePassXC, nil
	}
	k, err := parseKeeOtp(b)
	if err != nil {
		return nil, KeeOtp, fmt.Errorf("read %s: %w", fieldOTP, err)
	}
	return k, KeeOtp, nil
}

// parseKeeOtp reads key=...&type=..&step=..&size=..&counter=..&otpHashMode=..
// &encoding=..&encoder=.. (KeeOtp2's OtpAuthUtils names). The key is cut out
// as bytes like ParseURI's secret.
func parseKeeOtp(b []byte) (*Key, error) {
	rest, raw, found, err := cutQueryParam(b, "key")
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, fmt.Errorf("neither an otpauth uri nor a keeotp key=: %w", ErrUnsupported)
	}
	q, err := url.ParseQuery(string(rest))
	if err != nil {
		return nil, fmt.Errorf("keeotp parameters: %v: %w", err, ErrMalformedURI)
	}
	p, enc, err := keeOtpParams(q)
	if err != nil {
		return nil, err
	}
	secret, err := unescapeSecret(raw, func(s []byte) (*memguard.LockedBuffer, error) {
		return decodeSecret(s, enc)
	})
	if err != nil {
		return nil, fmt.Errorf("keeotp key: %w", err)
	}
	return &Key{Params: p, Secret: secret}, nil
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
	return 0, fieldError("encoding", fmt.Sprintf("unknown secret encoding %q", s))
}

// fromKeePass2 reads KeePass 2's TimeOtp-* (prefixTOTP) or HmacOtp-*
// (prefixHOTP) fields. ok is false when no secret field of that kind is
// there.
func fromKeePass2(f Fields, prefix string, typ Type) (k *Key, ok bool, err error) {
	for _, s := range keePassSecrets {
		name := prefix + s.suffix
		if !hasSecretField(f, name) {
			continue
		}
		p, err := keePass2Params(f, prefix, typ)
		if err != nil {
			return nil, true, fmt.Errorf("read %s fields: %w", strings.TrimSuffix(prefix, "-"), err)
		}
		k, err := keyFromField(f, name, p, s.enc)
		return k, true, err
	}
	return nil, false, nil
}

func keePass2Params(f Fields, prefix string, typ Type) (Params, error) {
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
