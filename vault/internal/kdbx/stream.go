package kdbx

import (
	"crypto/cipher"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/chacha20"
	"golang.org/x/crypto/salsa20/salsa"

	"github.com/twofold-app/twofold/vault/internal/secret"
)

// Inner random stream IDs (protected values in the XML).
const (
	streamNone     = 0
	streamSalsa20  = 2
	streamChaCha20 = 3
)

// newInnerStream returns the keystream KeePass XORs protected values with.
func newInnerStream(id uint32, key []byte) (cipher.Stream, error) {
	switch id {
	case streamChaCha20:
		h := sha512.Sum512(key)
		return chacha20.NewUnauthenticatedCipher(h[:32], h[32:44])
	case streamSalsa20:
		return &salsaStream{key: sha256.Sum256(key), counter: [16]byte{0xe8, 0x30, 0x09, 0x4b, 0x97, 0x20, 0x5d, 0x2a}, used: 64}, nil
	}
	return nil, fmt.Errorf("%w: inner stream cipher %d", ErrUnsupported, id)
}

// salsaStream is Salsa20 as a continuous cipher.Stream (x/crypto's salsa20
// package takes one message at a time; KeePass runs one stream across all
// protected values).
type salsaStream struct {
	key     [32]byte
	counter [16]byte // nonce, then the 64-bit block counter
	block   [64]byte
	used    int
}

func (s *salsaStream) XORKeyStream(dst, src []byte) {
	for i := range src {
		if s.used == 64 {
			var zero [64]byte
			salsa.XORKeyStream(s.block[:], zero[:], &s.counter, &s.key)
			n := binary.LittleEndian.Uint64(s.counter[8:]) + 1
			binary.LittleEndian.PutUint64(s.counter[8:], n)
			s.used = 0
		}
		dst[i] = src[i] ^ s.block[s.used]
		s.used++
	}
}

// placeholderPrefix marks a protected value whose plaintext lives in the
// database's secret.Box. The NUL byte cannot occur in XML text, so a real
// value can never be mistaken for a placeholder.
const placeholderPrefix = "\x00twofold-secret:"

// Placeholder is what stands in the XML model for secret h.
func Placeholder(h secret.Handle) string {
	return placeholderPrefix + strconv.Itoa(int(h))
}

// ParsePlaceholder returns the handle a placeholder stands for.
func ParsePlaceholder(s string) (secret.Handle, bool) {
	rest, ok := strings.CutPrefix(s, placeholderPrefix)
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(rest)
	return secret.Handle(n), err == nil
}

// sealingStream is a gokeepasslib Stream that, walked over the model by the
// library (so in the library's document order), moves every protected value
// from the XML straight into the Box and leaves a placeholder behind; and
// on save turns placeholders back into stream-encrypted values.
type sealingStream struct {
	ks     cipher.Stream
	box    *secret.Box
	err    error
	packed []string // placeholders in the order Pack saw them, to restore
}

// Unpack decrypts one protected value into locked memory and seals it.
func (s *sealingStream) Unpack(payload string) []byte {
	ct, err := base64.StdEncoding.DecodeString(strings.TrimSpace(payload))
	if err != nil && s.err == nil {
		s.err = fmt.Errorf("%w: a protected value is not base64; later values cannot be decrypted", ErrCorrupt)
	}
	h, err := s.box.SealWith(len(ct), func(dst []byte) { s.ks.XORKeyStream(dst, ct) })
	if err != nil && s.err == nil {
		s.err = err
	}
	return []byte(Placeholder(h))
}

// Pack encrypts the secret a placeholder names for writing. A value that
// is not a placeholder is encrypted as it is.
func (s *sealingStream) Pack(payload []byte) string {
	p := string(payload)
	s.packed = append(s.packed, p)
	h, ok := ParsePlaceholder(p)
	if !ok {
		out := make([]byte, len(payload))
		s.ks.XORKeyStream(out, payload)
		return base64.StdEncoding.EncodeToString(out)
	}
	var out []byte
	err := s.box.With(h, func(plain []byte) error {
		out = make([]byte, len(plain))
		s.ks.XORKeyStream(out, plain)
		return nil
	})
	if err != nil && s.err == nil {
		s.err = err
	}
	return base64.StdEncoding.EncodeToString(out)
}

// restoreStream undoes a Pack walk: it hands back the placeholders in the
// order they were packed.
type restoreStream struct {
	values []string
	next   int
}

func (r *restoreStream) Unpack(string) []byte {
	v := r.values[r.next]
	r.next++
	return []byte(v)
}

func (r *restoreStream) Pack(p []byte) string { return string(p) }
