package otp

import (
	"bytes"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"unicode"
	"unicode/utf8"

	"github.com/awnumar/memguard"
	"github.com/twofold-app/twofold/vault/internal/secret"
)

// Secret text is decoded from the caller's memory straight into locked
// memory. encoding/base32's Decode copies its whole input into a heap
// buffer first (to strip newlines), so base32 is decoded here by hand;
// encoding/hex and encoding/base64 decode in place and are used as is,
// after separators are squeezed out in locked memory.

// ParseSecret decodes a base32 secret, as people and apps write it, into a
// new locked buffer holding the raw key; the caller destroys it. It accepts
// lower case, spaces, tabs, newlines and '-' between groups, and '='
// padding or none. Like KeePassXC it reads '0' as 'O', '1' as 'L' and '8'
// as 'B', so a secret KeePassXC accepts is accepted here. An empty secret
// is ErrNoSecret; anything else it cannot read is ErrBadSecret. s is only
// read, and no part of it is copied outside locked memory.
func ParseSecret(s []byte) (*memguard.LockedBuffer, error) {
	n, err := scanBase32(s)
	if err != nil {
		return nil, err
	}
	out := memguard.NewBuffer(n * 5 / 8)
	decodeBase32(out.Bytes(), s)
	return out, nil
}

// base32Value maps a base32 symbol to its 5-bit value, or -1.
func base32Value(c byte) int {
	switch {
	case 'A' <= c && c <= 'Z':
		return int(c - 'A')
	case 'a' <= c && c <= 'z':
		return int(c - 'a')
	case '2' <= c && c <= '7':
		return int(c-'2') + 26
	case c == '0':
		return 'O' - 'A'
	case c == '1':
		return 'L' - 'A'
	case c == '8':
		return 'B' - 'A'
	}
	return -1
}

// isSeparator reports the characters people put between base32 groups.
func isSeparator(c byte) bool { return isSpace(c) || c == '-' }

// scanBase32 validates s and counts its symbols. It reports where the
// fault is, as a person counts characters (from 1), and quotes no symbol
// of the secret: only a character that is not base32, which is no part of
// the key, and only if it is printable.
func scanBase32(s []byte) (int, error) {
	n, padded := 0, false
	for i, c := range s {
		switch {
		case isSeparator(c):
		case c == '=':
			padded = true
		case padded:
			return 0, badSecret("character %d follows the '=' padding, which ends a base32 secret", charNumber(s, i))
		case base32Value(c) < 0:
			return 0, badSecret("character %d%s is not base32", charNumber(s, i), quotedChar(s[i:]))
		default:
			n++
		}
	}
	if n == 0 {
		return 0, fmt.Errorf("parse base32 secret: empty: %w", ErrNoSecret)
	}
	if r := n % 8; r == 1 || r == 3 || r == 6 {
		return 0, badSecret("%d base32 symbols cannot encode whole bytes", n)
	}
	return n, nil
}

// decodeBase32 decodes the symbols of a scanned s into dst, which holds
// exactly their whole bytes; leftover bits of the last symbol are dropped.
// The accumulator never holds more than 12 bits.
func decodeBase32(dst, s []byte) {
	acc, bits, j := uint(0), 0, 0
	for _, c := range s {
		v := base32Value(c)
		if v < 0 {
			continue
		}
		acc = acc<<5 | uint(v)
		bits += 5
		if bits >= 8 {
			bits -= 8
			dst[j] = byte(acc >> bits)
			j++
			acc &= 1<<bits - 1
		}
	}
}

// charNumber is the number, counted from 1 as a person counts, of the
// character at byte offset i of s (UTF-8).
func charNumber(s []byte, i int) int { return utf8.RuneCount(s[:i]) + 1 }

// quotedChar is " ('x')" for the character s starts with if it is
// printable, else "" (a control character or broken UTF-8 is better
// located by its number than shown).
func quotedChar(s []byte) string {
	r, _ := utf8.DecodeRune(s)
	if r == utf8.RuneError || !unicode.IsPrint(r) {
		return ""
	}
	return fmt.Sprintf(" (%q)", r)
}

func badSecret(format string, args ...any) error {
	return fmt.Errorf("parse secret: "+format+": %w", append(args, ErrBadSecret)...)
}

// rawBase32 is RFC 4648 base32 without padding; writers add the padding
// themselves so it can be percent-encoded.
var rawBase32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// base32Len returns the unpadded and padded RFC 4648 lengths of n bytes.
func base32Len(n int) (unpadded, padded int) {
	return rawBase32.EncodedLen(n), base32.StdEncoding.EncodedLen(n)
}

// lockedText builds prefix + base32(raw) + suffix in a new locked buffer.
// Each '=' of RFC 4648 padding is written as pad ("=" or "%3D").
func lockedText(prefix string, raw []byte, pad, suffix string) *memguard.LockedBuffer {
	enc, full := base32Len(len(raw))
	padding := full - enc
	out := memguard.NewBuffer(len(prefix) + enc + padding*len(pad) + len(suffix))
	b := out.Bytes()
	i := copy(b, prefix)
	rawBase32.Encode(b[i:i+enc], raw)
	i += enc
	for range padding {
		i += copy(b[i:], pad)
	}
	copy(b[i:], suffix)
	return out
}

// secretEncoding names how a KeePass field spells a secret.
type secretEncoding int

const (
	encBase32 secretEncoding = iota
	encHex
	encBase64
	encUTF8
)

// decodeInto decodes s, spelled in enc, into out and returns the length
// of the raw secret. out and tmp are locked memory of at least len(s)
// bytes each; tmp holds a squeezed copy of s (it may be where s already
// is: the copy only moves bytes down). A failed decode can leave part of
// the secret in out and tmp: the caller wipes them.
func decodeInto(s []byte, enc secretEncoding, out, tmp []byte) (int, error) {
	switch enc {
	case encHex:
		return decodeSqueezed(s, out, tmp, hexDecode)
	case encBase64:
		return decodeSqueezed(bytes.TrimRight(s, "= \t\r\n"), out, tmp, base64Decode)
	case encUTF8:
		if len(s) == 0 {
			return 0, errEmpty()
		}
		return secret.Copy(out, s), nil
	}
	n, err := scanBase32(s)
	if err != nil {
		return 0, err
	}
	decodeBase32(out, s)
	return n * 5 / 8, nil
}

// decodeLocked runs decode with locked work memory for a text of n bytes
// (out and tmp, n bytes each) and returns what it wrote to out in a new
// locked buffer of its exact size; the caller destroys it.
func decodeLocked(n int, decode func(out, tmp []byte) (int, error)) (*memguard.LockedBuffer, error) {
	work := memguard.NewBuffer(2 * n)
	defer work.Destroy()
	w := work.Bytes()
	m, err := decode(w[:n], w[n:])
	if err != nil {
		return nil, err
	}
	raw := memguard.NewBuffer(m)
	secret.Copy(raw.Bytes(), w[:m])
	return raw, nil
}

func errEmpty() error { return fmt.Errorf("parse secret: empty: %w", ErrNoSecret) }

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r'
}

// decodeSqueezed decodes s without its white space (squeezed into tmp
// unless there is none) into out with dec. ('-' is kept: it is not a hex
// digit, and dropping it would silently change the key.)
func decodeSqueezed(s, out, tmp []byte, dec func(out, s []byte) (int, error)) (int, error) {
	n := 0
	for _, c := range s {
		if !isSpace(c) {
			n++
		}
	}
	if n == 0 {
		return 0, errEmpty()
	}
	if n == len(s) {
		return dec(out, s)
	}
	t := tmp[:0:n]
	for _, c := range s {
		if !isSpace(c) {
			t = append(t, c) // within capacity: stays in locked memory
		}
	}
	return dec(out, t)
}

// hexDecode and base64Decode drop the library's error values: they quote
// the offending character, which is part of the secret.
func hexDecode(out, s []byte) (int, error) {
	if len(s)%2 != 0 {
		return 0, badSecret("odd number of hex digits")
	}
	n, err := hex.Decode(out[:len(s)/2], s)
	if err != nil {
		return 0, badSecret("not hex")
	}
	return n, nil
}

func base64Decode(out, s []byte) (int, error) {
	enc := base64.RawStdEncoding // KeePass writes standard base64
	n := enc.DecodedLen(len(s))
	if n == 0 {
		return 0, badSecret("base64 too short")
	}
	if m, err := enc.Decode(out[:n], s); err != nil || m != n {
		return 0, badSecret("not base64")
	}
	return n, nil
}
