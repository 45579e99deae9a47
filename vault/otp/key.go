package otp

import (
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/awnumar/memguard"
)

// Key is an OTP account: its parameters and its raw secret (the decoded
// HMAC key, not its base32 text) in locked memory. Destroy it when done.
//
// A Key redacts itself when printed or logged; note that memguard's own
// LockedBuffer.String returns the secret, so never print Key.Secret itself.
type Key struct {
	Params
	Secret *memguard.LockedBuffer
}

// Destroy wipes and frees the secret. It is safe on a nil Key, a Key
// without a secret, and twice.
func (k *Key) Destroy() {
	if k != nil && k.Secret != nil {
		k.Secret.Destroy()
	}
}

// Code generates the code at t (TOTP) or at k.Counter (HOTP); see Generate.
// A nil Key or a destroyed secret gives ErrNoSecret.
func (k *Key) Code(t time.Time) (string, error) {
	if k == nil {
		return "", fmt.Errorf("generate code: nil key: %w", ErrNoSecret)
	}
	return Generate(k.Params, k.secretBytes(), t)
}

// URI returns the otpauth URI of k in locked memory; see Params.URI.
// The caller destroys the result. A nil Key gives nil.
func (k *Key) URI() *memguard.LockedBuffer {
	if k == nil {
		return nil
	}
	return k.Params.URI(k.secretBytes())
}

// Clone returns a copy of k with its own locked copy of the secret, for
// a caller that keeps the key past its owner's Destroy (a question to the
// person before storing it). A nil Key gives nil.
func (k *Key) Clone() *Key {
	if k == nil {
		return nil
	}
	c := &Key{Params: k.Params}
	if k.Secret != nil {
		c.Secret = memguard.NewBuffer(k.Secret.Size())
		copy(c.Secret.Bytes(), k.Secret.Bytes())
	}
	return c
}

// CommonSecretBytes is the length of the shortest secrets services hand
// out: 80 bits, 16 base32 characters (RFC 4226 asks for 128; 80 is
// common all the same). A shorter secret was most likely cut off when it
// was copied, and its codes would never be accepted.
const CommonSecretBytes = 10

// ShortSecret reports whether k's secret is shorter than
// CommonSecretBytes.
func (k *Key) ShortSecret() bool {
	return k != nil && k.Secret != nil && k.Secret.Size() < CommonSecretBytes
}

func (k *Key) secretBytes() []byte {
	if k == nil || k.Secret == nil {
		return nil
	}
	return k.Secret.Bytes()
}

// String describes k without its secret.
func (k Key) String() string {
	return fmt.Sprintf("%s %q (secret redacted)", k.Type, k.label())
}

// GoString is String, so %#v cannot reach the secret either.
func (k Key) GoString() string { return k.String() }

// Format prints String for every verb, so no verb reaches the secret.
func (k Key) Format(f fmt.State, verb rune) { _, _ = io.WriteString(f, k.String()) }

// LogValue keeps the secret out of slog output.
func (k Key) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("type", k.Type.String()),
		slog.String("issuer", k.Issuer),
		slog.String("account", k.Account),
		slog.String("secret", "(redacted)"),
	)
}
