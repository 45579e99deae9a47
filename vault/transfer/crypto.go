package transfer

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/pbkdf2"
	"hash"

	"github.com/awnumar/memguard"
	"golang.org/x/crypto/scrypt"

	"github.com/twofold-app/twofold/vault/internal/secret"
)

// Decrypted files and derived keys go to locked memory where that is
// cheap. Known leftovers in ordinary memory, all from the libraries: the
// password copy crypto/pbkdf2 and x/crypto/scrypt make (they take it as a
// string), their HMAC state, and the AES key schedule. Those protect the
// export file, not OTP secrets.

// lockedMax is the largest plaintext kept in locked memory. Larger ones
// (Aegis exports with icons) use ordinary memory, wiped after parsing:
// mlock limits are often 8 MiB or less for a whole process.
const lockedMax = 1 << 20

// scratch is a plaintext buffer: locked when small, wiped when freed.
type scratch struct {
	b      []byte
	locked *memguard.LockedBuffer
}

func newScratch(n int) *scratch {
	if n <= lockedMax {
		buf := secret.NewBuffer(n)
		return &scratch{b: buf.Bytes(), locked: buf}
	}
	return &scratch{b: make([]byte, n)}
}

func (s *scratch) free() {
	if s.locked != nil {
		s.locked.Destroy()
		return
	}
	clear(s.b)
}

// gcmOpen decrypts AES-256-GCM ciphertext||tag into a scratch buffer the
// caller frees. ok is false when authentication fails (wrong key or
// damaged data).
func gcmOpen(key, nonce, sealed []byte) (*scratch, bool) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, false
	}
	aead, err := cipher.NewGCMWithNonceSize(block, len(nonce))
	if err != nil || len(sealed) < aead.Overhead() {
		return nil, false
	}
	out := newScratch(len(sealed) - aead.Overhead())
	if _, err := aead.Open(out.b[:0], nonce, sealed, nil); err != nil {
		out.free()
		return nil, false
	}
	return out, true
}

// gcmSeal encrypts plain with AES-256-GCM (for exports).
func gcmSeal(key, nonce, plain []byte) ([]byte, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCMWithNonceSize(block, len(nonce))
	if err != nil {
		return nil, err
	}
	return aead.Seal(nil, nonce, plain, nil), nil
}

// scryptKey derives a 32-byte key into locked memory; the caller destroys
// it. The parameters must have passed Limits.checkScrypt.
func scryptKey(password, salt []byte, n, r, p int) (*memguard.LockedBuffer, error) {
	k, err := scrypt.Key(password, salt, n, r, p, 32)
	if err != nil {
		return nil, err
	}
	return secret.FromBytes(k), nil
}

// pbkdf2Key derives a 32-byte key into locked memory; the caller destroys
// it. The count must have passed Limits.checkPBKDF2.
func pbkdf2Key(h func() hash.Hash, password, salt []byte, iterations int) (*memguard.LockedBuffer, error) {
	k, err := pbkdf2.Key(h, string(password), salt, iterations, 32)
	if err != nil {
		return nil, err
	}
	return secret.FromBytes(k), nil
}
