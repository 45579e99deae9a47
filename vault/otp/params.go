package otp

import (
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"fmt"
	"hash"
	"strconv"
	"strings"
	"time"
)

// Type is the kind of one-time password.
type Type int

// OTP types. The zero value is TOTP, the common case.
const (
	TOTP Type = iota // time-based, RFC 6238
	HOTP             // counter-based, RFC 4226
)

// String returns "totp" or "hotp", the otpauth URI host spelling.
func (t Type) String() string {
	switch t {
	case TOTP:
		return "totp"
	case HOTP:
		return "hotp"
	}
	return "Type(" + strconv.Itoa(int(t)) + ")"
}

func parseType(s string) (Type, error) {
	switch strings.ToLower(s) {
	case "totp":
		return TOTP, nil
	case "hotp":
		return HOTP, nil
	}
	return 0, fmt.Errorf("otp type %q: %w", s, ErrUnsupported)
}

// Algorithm is the HMAC hash function.
type Algorithm int

// Hash algorithms. The zero value is SHA1, the default of every format.
const (
	SHA1 Algorithm = iota
	SHA256
	SHA512
)

// String returns "SHA1", "SHA256" or "SHA512", the otpauth URI spelling.
func (a Algorithm) String() string {
	switch a {
	case SHA1:
		return "SHA1"
	case SHA256:
		return "SHA256"
	case SHA512:
		return "SHA512"
	}
	return "Algorithm(" + strconv.Itoa(int(a)) + ")"
}

// keePassName is the spelling of KeePass 2's TimeOtp-Algorithm field.
func (a Algorithm) keePassName() string {
	switch a {
	case SHA256:
		return "HMAC-SHA-256"
	case SHA512:
		return "HMAC-SHA-512"
	}
	return "HMAC-SHA-1"
}

func (a Algorithm) newHash() hash.Hash {
	switch a {
	case SHA256:
		return sha256.New()
	case SHA512:
		return sha512.New()
	}
	return sha1.New()
}

// ParseAlgorithm reads an algorithm name as the formats write it: "SHA1",
// "sha256", "Sha512" (KeeOtp), "SHA-256", "HMAC-SHA-1" (KeePass 2),
// "HMAC-SHA256". Case, dashes and an "HMAC" prefix are ignored; anything
// else is a *FieldError for field "algorithm".
func ParseAlgorithm(s string) (Algorithm, error) {
	n := strings.ToUpper(strings.TrimSpace(s))
	n = strings.TrimPrefix(n, "HMAC")
	n = strings.NewReplacer("-", "", "_", "").Replace(n)
	switch n {
	case "SHA1":
		return SHA1, nil
	case "SHA256":
		return SHA256, nil
	case "SHA512":
		return SHA512, nil
	}
	return 0, fieldError("algorithm", fmt.Sprintf("must be SHA1, SHA256 or SHA512, got %q", s))
}

// Defaults shared by every format.
const (
	DefaultDigits = 6
	DefaultPeriod = 30
	SteamDigits   = 5
	// MaxPeriod is the longest TOTP step accepted, one day (KeePassXC's bound).
	MaxPeriod = 86400
)

// Params is everything about an OTP account except its secret. It is safe
// to print and log.
type Params struct {
	Type      Type
	Issuer    string
	Account   string
	Algorithm Algorithm
	Digits    int    // 4 to 10; always 5 for Steam
	Period    int    // seconds per TOTP step, 1 to MaxPeriod; unused by HOTP
	Counter   uint64 // next HOTP counter; unused by TOTP
	// Steam selects Steam Guard codes: 5 characters from
	// "23456789BCDFGHJKMNPQRTVWXY" instead of decimal digits.
	Steam bool
}

// Validate checks the parameters can generate codes. It returns a
// *FieldError (which unwraps to ErrInvalid) naming the first bad field.
func (p Params) Validate() error {
	if p.Type != TOTP && p.Type != HOTP {
		return fieldError("type", fmt.Sprintf("must be TOTP or HOTP, got %d", int(p.Type)))
	}
	if p.Algorithm < SHA1 || p.Algorithm > SHA512 {
		return fieldError("algorithm", fmt.Sprintf("must be SHA1, SHA256 or SHA512, got %d", int(p.Algorithm)))
	}
	if err := p.validateDigits(); err != nil {
		return err
	}
	if p.Type == TOTP && (p.Period < 1 || p.Period > MaxPeriod) {
		return fieldError("period", fmt.Sprintf("must be 1 to %d seconds, got %d", MaxPeriod, p.Period))
	}
	return nil
}

func (p Params) validateDigits() error {
	if !p.Steam {
		if p.Digits < 4 || p.Digits > 10 {
			return fieldError("digits", fmt.Sprintf("must be 4 to 10, got %d", p.Digits))
		}
		return nil
	}
	if p.Type != TOTP {
		return fieldError("steam", "needs TOTP: Steam Guard codes are time-based")
	}
	if p.Digits != SteamDigits {
		return fieldError("digits", fmt.Sprintf("must be %d for Steam, got %d", SteamDigits, p.Digits))
	}
	return nil
}

// Remaining returns how long the TOTP code current at t stays current: the
// time from t to the end of its step. It returns 0 for HOTP and for an
// invalid period.
func (p Params) Remaining(t time.Time) time.Duration {
	if p.Type != TOTP || p.Period < 1 || p.Period > MaxPeriod {
		return 0
	}
	period := int64(p.Period)
	into := t.Unix() % period
	if into < 0 {
		into += period
	}
	return time.Duration(period-into)*time.Second - time.Duration(t.Nanosecond())
}

// label is "Issuer/Account" for messages; never the secret.
func (p Params) label() string {
	switch {
	case p.Issuer == "":
		return p.Account
	case p.Account == "":
		return p.Issuer
	}
	return p.Issuer + "/" + p.Account
}
