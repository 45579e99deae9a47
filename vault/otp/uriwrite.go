package otp

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/awnumar/memguard"
)

// URI writes p and the raw secret as an otpauth URI into a new locked
// buffer; the caller destroys it. The layout is KeePassXC 2.7's otp
// attribute (Totp::writeSettings), so KeePassXC reads it back unchanged:
//
//	otpauth://totp/Issuer:account?secret=BASE32&period=30&digits=6&issuer=Issuer[&encoder=steam][&algorithm=SHA256]
//
// As in KeePassXC the secret is RFC 4648 base32 with its '=' padding
// percent-encoded (%3D), label and issuer are percent-encoded except for
// A-Z a-z 0-9 - . _ ~, and algorithm is written only when not SHA1.
// HOTP keys, which KeePassXC does not write, get counter= in place of
// period=. Unlike KeePassXC, an empty issuer is left out rather than
// replaced by "KeePassXC", and an empty account is not written as "none",
// so ParseURI returns the same Params. URI does not validate p.
func (p Params) URI(secret []byte) *memguard.LockedBuffer {
	prefix := "otpauth://" + p.Type.String() + "/" + p.uriLabel() + "?secret="
	return lockedText(prefix, secret, "%3D", p.uriTail())
}

func (p Params) uriLabel() string {
	account := percentEncode(p.Account)
	switch {
	case p.Issuer != "":
		return percentEncode(p.Issuer) + ":" + account
	case strings.Contains(p.Account, ":"):
		// An empty issuer prefix keeps the account's own colon from being
		// read back as the issuer separator.
		return ":" + account
	}
	return account
}

func (p Params) uriTail() string {
	var b strings.Builder
	if p.Type == HOTP {
		b.WriteString("&counter=" + strconv.FormatUint(p.Counter, 10))
	} else {
		b.WriteString("&period=" + strconv.Itoa(p.Period))
	}
	b.WriteString("&digits=" + strconv.Itoa(p.Digits))
	if p.Issuer != "" {
		b.WriteString("&issuer=" + percentEncode(p.Issuer))
	}
	if p.Steam {
		b.WriteString("&encoder=steam")
	}
	if p.Algorithm != SHA1 {
		b.WriteString("&algorithm=" + p.Algorithm.String())
	}
	return b.String()
}

// percentEncode escapes everything but RFC 3986's unreserved characters,
// like Qt's QUrl::toPercentEncoding that KeePassXC uses.
func percentEncode(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}
