package softkey

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"slices"
)

// pinProtocol is one PIN/UV auth protocol (CTAP 2.1 §6.5.6, §6.5.7), seen
// from the authenticator's side.
type pinProtocol interface {
	// sharedSecret derives the shared secret from the ECDH result Z.
	sharedSecret(z []byte) []byte
	encrypt(key, plaintext []byte) []byte
	decrypt(key, ciphertext []byte) ([]byte, error)
	// authenticate MACs msg with a shared secret or a pinUvAuthToken.
	authenticate(key, msg []byte) []byte
}

// protocolFor returns protocol n if the key offers it.
func (a *Authenticator) protocolFor(n uint) (pinProtocol, error) {
	if n == 0 {
		return nil, errMissingParameter
	}
	if !slices.Contains(a.cfg.PINProtocols, int(n)) {
		return nil, errInvalidParameter
	}
	switch n {
	case 1:
		return protocolOne{}, nil
	case 2:
		return protocolTwo{}, nil
	}
	return nil, errInvalidParameter
}

// protocolOne: SHA-256(Z) keys both AES-256-CBC with a zero IV and a
// HMAC-SHA-256 truncated to 16 bytes.
type protocolOne struct{}

func (protocolOne) sharedSecret(z []byte) []byte {
	h := sha256.Sum256(z)
	return h[:]
}

func (protocolOne) encrypt(key, pt []byte) []byte {
	return cbcEncrypt(key, make([]byte, aes.BlockSize), pt)
}

func (protocolOne) decrypt(key, ct []byte) ([]byte, error) {
	return cbcDecrypt(key, make([]byte, aes.BlockSize), ct)
}

func (protocolOne) authenticate(key, msg []byte) []byte {
	return hmacSHA256(key, msg)[:16]
}

// protocolTwo: HKDF gives a 32-byte HMAC key followed by a 32-byte AES key;
// ciphertexts carry a random IV; MACs are not truncated.
type protocolTwo struct{}

func (protocolTwo) sharedSecret(z []byte) []byte {
	salt := make([]byte, 32)
	hmacKey, err1 := hkdf.Key(sha256.New, z, salt, "CTAP2 HMAC key", 32)
	aesKey, err2 := hkdf.Key(sha256.New, z, salt, "CTAP2 AES key", 32)
	if err1 != nil || err2 != nil {
		panic("hkdf: 32-byte output cannot fail")
	}
	return append(hmacKey, aesKey...)
}

func (protocolTwo) encrypt(key, pt []byte) []byte {
	iv := make([]byte, aes.BlockSize)
	rand.Read(iv)
	return append(iv, cbcEncrypt(key[32:], iv, pt)...)
}

func (protocolTwo) decrypt(key, ct []byte) ([]byte, error) {
	if len(ct) < aes.BlockSize {
		return nil, errInvalidParameter
	}
	return cbcDecrypt(key[32:], ct[:aes.BlockSize], ct[aes.BlockSize:])
}

// authenticate uses the HMAC half of a shared secret, or a whole 32-byte
// pinUvAuthToken.
func (protocolTwo) authenticate(key, msg []byte) []byte {
	return hmacSHA256(key[:32], msg)
}

func hmacSHA256(key, msg []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(msg)
	return m.Sum(nil)
}

func cbcEncrypt(key, iv, pt []byte) []byte {
	b, err := aes.NewCipher(key)
	if err != nil || len(pt)%aes.BlockSize != 0 {
		panic("softkey: bad AES input")
	}
	out := make([]byte, len(pt))
	cipher.NewCBCEncrypter(b, iv).CryptBlocks(out, pt)
	return out
}

func cbcDecrypt(key, iv, ct []byte) ([]byte, error) {
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, errOther
	}
	if len(ct) == 0 || len(ct)%aes.BlockSize != 0 {
		return nil, errInvalidParameter
	}
	out := make([]byte, len(ct))
	cipher.NewCBCDecrypter(b, iv).CryptBlocks(out, ct)
	return out, nil
}

// verify checks a platform's pinUvAuthParam in constant time.
func verify(p pinProtocol, key, msg, param []byte) bool {
	return hmac.Equal(p.authenticate(key, msg), param)
}

// agreementCOSE is the authenticator's key-agreement public key as the
// getKeyAgreement response carries it (alg -25, ECDH-ES+HKDF-256).
func agreementCOSE(k *ecdh.PrivateKey) *coseKey {
	raw := k.PublicKey().Bytes() // 0x04 || X || Y
	return &coseKey{Kty: 2, Alg: -25, Crv: 1, X: raw[1:33], Y: raw[33:65]}
}

// decapsulate computes the shared secret from the platform's public key.
func (a *Authenticator) decapsulate(p pinProtocol, peer *coseKey) ([]byte, error) {
	if peer == nil || len(peer.X) != 32 || len(peer.Y) != 32 {
		return nil, errMissingParameter
	}
	pub, err := ecdh.P256().NewPublicKey(append(append([]byte{4}, peer.X...), peer.Y...))
	if err != nil {
		return nil, errInvalidParameter
	}
	z, err := a.agreement.ECDH(pub)
	if err != nil {
		return nil, errInvalidParameter
	}
	return p.sharedSecret(z), nil
}
