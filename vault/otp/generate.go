package otp

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// steamAlphabet is Steam Guard's code alphabet (digits and consonants
// without look-alikes), as in KeePassXC's Totp.cpp and Valve's app.
const steamAlphabet = "23456789BCDFGHJKMNPQRTVWXY"

// Generate returns the one-time code for p and the raw secret: for TOTP the
// code of the step containing t (counter = Unix seconds / Period, RFC 6238),
// for HOTP the code at p.Counter (RFC 4226; t is ignored). Steam keys give
// 5 characters from the Steam alphabet, others p.Digits decimal digits.
// A t before 1970 is a *FieldError for "time".
//
// secret is the raw HMAC key (not base32) and is only read; keep it in
// locked memory (Key.Secret.Bytes()).
func Generate(p Params, secret []byte, t time.Time) (string, error) {
	return GenerateWith(p, secret, t, nil)
}

// GenerateWith is Generate using work (at least WorkSize bytes of locked
// memory the caller owns) instead of allocating locked memory per call.
func GenerateWith(p Params, secret []byte, t time.Time, work []byte) (string, error) {
	if err := p.Validate(); err != nil {
		return "", err
	}
	if len(secret) == 0 {
		return "", fmt.Errorf("generate code for %q: %w", p.label(), ErrNoSecret)
	}
	counter, err := p.counterAt(t)
	if err != nil {
		return "", err
	}
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], counter)
	mac, err := lockedHMAC(p.Algorithm, secret, msg[:], work)
	if err != nil {
		return "", fmt.Errorf("generate code for %q: %w", p.label(), err)
	}
	code := truncate(mac)
	if p.Steam {
		return steamCode(code), nil
	}
	return decimalCode(code, p.Digits), nil
}

// counterAt is the moving factor: the TOTP step number at t, or the HOTP
// counter.
func (p Params) counterAt(t time.Time) (uint64, error) {
	if p.Type == HOTP {
		return p.Counter, nil
	}
	if t.Unix() < 0 {
		return 0, fieldError("time", fmt.Sprintf("must be 1970 or later, got %s", t.UTC().Format(time.RFC3339)))
	}
	return uint64(t.Unix()) / uint64(p.Period), nil
}

// truncate is RFC 4226's dynamic truncation: 31 bits taken at the offset
// named by the low nibble of the last byte.
func truncate(mac []byte) uint32 {
	off := mac[len(mac)-1] & 0x0f
	return binary.BigEndian.Uint32(mac[off:off+4]) & 0x7fffffff
}

// decimalCode is code mod 10^digits, zero-padded. With 10 digits the modulus
// exceeds 2^31, so the code is the 31-bit value itself.
func decimalCode(code uint32, digits int) string {
	mod := uint64(1)
	for range digits {
		mod *= 10
	}
	s := strconv.FormatUint(uint64(code)%mod, 10)
	return strings.Repeat("0", digits-len(s)) + s
}

// steamCode writes the least significant base-26 digit first, as Steam does.
func steamCode(code uint32) string {
	var b [SteamDigits]byte
	for i := range b {
		b[i] = steamAlphabet[code%uint32(len(steamAlphabet))]
		code /= uint32(len(steamAlphabet))
	}
	return string(b[:])
}
