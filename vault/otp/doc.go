// Package otp is Twofold's one-time password engine: HOTP (RFC 4226), TOTP
// (RFC 6238) and Steam Guard codes; otpauth URIs; and the OTP field
// conventions of KeePass applications (KeePassXC, KeeOtp, TOTP Seed/
// Settings, KeePass 2's TimeOtp and HmacOtp).
//
// # Secrets stay out of the Go heap
//
// A core dump of a running Twofold must not contain any OTP secret, raw,
// base32 or hex. So secrets come in as []byte the caller owns (never
// string) and go out in *memguard.LockedBuffer values the caller destroys.
// Inside, every copy of a secret or of key material derived from it lives
// in locked memory:
//
//   - base32 is decoded by hand from the caller's bytes into locked memory
//     (encoding/base32's Decode copies its input to the heap);
//   - HMAC is computed by hand with its padded key blocks in locked memory
//     (crypto/hmac leaves the key XORed with its pads on the heap, trivially
//     reversible); see hmac.go;
//   - ParseURI cuts the secret parameter out of the URI as bytes before the
//     rest goes through net/url;
//   - URIs and field values that contain a secret are built in locked
//     memory.
//
// Errors never quote secret text; they say where the fault is, counting
// characters from 1. The one character they may show is one that is not
// base32 (printable, quoted): it is no symbol of the key.
//
// Codes themselves are ordinary strings: they are meant to be shown.
package otp
