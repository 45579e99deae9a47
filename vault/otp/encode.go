package otp

import (
	"fmt"
	"io"
	"strconv"

	"github.com/awnumar/memguard"
)

// FieldWrite is one entry field to set. Secret fields (IsSecretField) carry
// their value in Secret, in locked memory, which the receiver destroys;
// other fields carry it in Plain. Protected says whether KeePass should
// keep the field in memory-protected form.
type FieldWrite struct {
	Key       string
	Plain     string
	Secret    *memguard.LockedBuffer
	Protected bool
}

// String describes w without a secret value.
func (w FieldWrite) String() string {
	if w.Secret != nil {
		return w.Key + "=(redacted)"
	}
	return w.Key + "=" + strconv.Quote(w.Plain)
}

// Format prints String for every verb: memguard's LockedBuffer.String
// would print the secret.
func (w FieldWrite) Format(f fmt.State, verb rune) { _, _ = io.WriteString(f, w.String()) }

// Fields lists every entry field conv reads, so a store that rewrites a key
// can delete them all before writing Encode's output (for example a
// TimeOtp-Secret-Hex that Encode replaces with TimeOtp-Secret-Base32).
func (c Convention) Fields() []string {
	switch c {
	case KeePassXC, KeeOtp:
		return []string{fieldOTP}
	case LegacyTOTP:
		return []string{fieldSeed, fieldSettings}
	case KeePass2:
		return keePassFields(prefixTOTP, "Length", "Period", "Algorithm")
	case KeePass2HOTP:
		return keePassFields(prefixHOTP, "Counter", "Length", "Algorithm")
	}
	return nil
}

func keePassFields(prefix string, params ...string) []string {
	var names []string
	for _, s := range keePassSecrets {
		names = append(names, prefix+s.suffix)
	}
	for _, p := range params {
		names = append(names, prefix+p)
	}
	return names
}

// Supports reports whether conv can store every parameter of p: the
// TOTP Seed/Settings pair has no algorithm and no HOTP, KeePass 2's TimeOtp
// fields no Steam, and HmacOtp only HOTP.
func (c Convention) Supports(p Params) bool {
	switch c {
	case KeePassXC, KeeOtp:
		return true
	case LegacyTOTP:
		return p.Type == TOTP && p.Algorithm == SHA1
	case KeePass2:
		return p.Type == TOTP && !p.Steam
	case KeePass2HOTP:
		return p.Type == HOTP
	}
	return false
}

// DefaultConvention is the convention for a new account: KeePassXC's otp
// URI for TOTP, and KeePass 2's HmacOtp fields for HOTP, because KeePassXC
// ignores the URI's type and would show TOTP codes for an otpauth://hotp.
func DefaultConvention(p Params) Convention {
	if p.Type == HOTP {
		return KeePass2HOTP
	}
	return KeePassXC
}

// Encode returns the field writes that store k in convention conv, secrets
// written as RFC 4648 base32 with '=' padding. If conv cannot store k (see
// Supports) Encode uses DefaultConvention instead; callers delete
// conv.Fields() first. Encode returns nil for a nil Key or one whose secret
// is empty or destroyed. It does not validate k.
func Encode(conv Convention, k *Key) []FieldWrite {
	raw := k.secretBytes()
	if len(raw) == 0 {
		return nil
	}
	p := k.Params
	if !conv.Supports(p) {
		conv = DefaultConvention(p)
	}
	switch conv {
	case KeeOtp:
		return []FieldWrite{secretWrite(fieldOTP, lockedText("key=", raw, "=", p.keeOtpTail()))}
	case LegacyTOTP:
		return []FieldWrite{secretWrite(fieldSeed, lockedText("", raw, "=", "")), plainWrite(fieldSettings, p.legacySettings())}
	case KeePass2:
		return encodeKeePass2(p, raw)
	case KeePass2HOTP:
		return encodeKeePass2HOTP(p, raw)
	}
	return []FieldWrite{secretWrite(fieldOTP, p.URI(raw))}
}

func secretWrite(key string, v *memguard.LockedBuffer) FieldWrite {
	return FieldWrite{Key: key, Secret: v, Protected: true}
}

func plainWrite(key, v string) FieldWrite {
	return FieldWrite{Key: key, Plain: v}
}

// keeOtpTail follows KeePassXC's KeeOtp writer (key, size, step,
// otpHashMode) and KeeOtp2's type=Hotp/Steam and counter.
func (p Params) keeOtpTail() string {
	s := "&size=" + strconv.Itoa(p.Digits)
	switch {
	case p.Type == HOTP:
		s += "&counter=" + strconv.FormatUint(p.Counter, 10) + "&type=Hotp"
	case p.Steam:
		s += "&step=" + strconv.Itoa(p.Period) + "&type=Steam"
	default:
		s += "&step=" + strconv.Itoa(p.Period)
	}
	if p.Algorithm != SHA1 {
		s += "&otpHashMode=" + p.Algorithm.String()
	}
	return s
}

func (p Params) legacySettings() string {
	if p.Steam {
		return strconv.Itoa(p.Period) + ";S"
	}
	return strconv.Itoa(p.Period) + ";" + strconv.Itoa(p.Digits)
}

func encodeKeePass2(p Params, raw []byte) []FieldWrite {
	return []FieldWrite{
		secretWrite(prefixTOTP+"Secret-Base32", lockedText("", raw, "=", "")),
		plainWrite(prefixTOTP+"Length", strconv.Itoa(p.Digits)),
		plainWrite(prefixTOTP+"Period", strconv.Itoa(p.Period)),
		plainWrite(prefixTOTP+"Algorithm", p.Algorithm.keePassName()),
	}
}

// encodeKeePass2HOTP writes HmacOtp-Length and -Algorithm only when not
// the defaults: KeePass itself knows neither (only KeeOtp2 does).
func encodeKeePass2HOTP(p Params, raw []byte) []FieldWrite {
	w := []FieldWrite{
		secretWrite(prefixHOTP+"Secret-Base32", lockedText("", raw, "=", "")),
		plainWrite(prefixHOTP+"Counter", strconv.FormatUint(p.Counter, 10)),
	}
	if p.Digits != DefaultDigits {
		w = append(w, plainWrite(prefixHOTP+"Length", strconv.Itoa(p.Digits)))
	}
	if p.Algorithm != SHA1 {
		w = append(w, plainWrite(prefixHOTP+"Algorithm", p.Algorithm.keePassName()))
	}
	return w
}
