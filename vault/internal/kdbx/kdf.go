package kdbx

import (
	"bytes"
	"crypto/aes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	tobiargon2 "github.com/tobischo/argon2"
	"golang.org/x/crypto/argon2"
)

// KDF identifiers (the $UUID item of the KDF parameters).
var (
	kdfAES      = mustHex("c9d9f39a628a4460bf740d08c18a4fea")
	kdfAESKDBX3 = mustHex("7c02bb8279a74ac0927d114a00648238") // AES-KDF as KeePass 2.x names it
	kdfArgon2d  = mustHex("ef636ddf8c29444b91f7a9a403e30a0c")
	kdfArgon2id = mustHex("9e298b1956db4773b23dfc3ec6f0a1e6")
)

// KDF names a key derivation function.
type KDF string

// The KDFs Twofold reads and writes.
const (
	KDFAES      KDF = "AES-KDF"
	KDFArgon2d  KDF = "Argon2d"
	KDFArgon2id KDF = "Argon2id"
)

// KDFParams is what a key derivation costs. For AES-KDF only Rounds counts;
// for Argon2 Iterations, MemoryBytes and Parallelism.
type KDFParams struct {
	KDF         KDF
	Rounds      uint64
	Iterations  uint64
	MemoryBytes uint64
	Parallelism uint32
}

func (p KDFParams) String() string {
	if p.KDF == KDFAES {
		return fmt.Sprintf("AES-KDF, %d rounds", p.Rounds)
	}
	return fmt.Sprintf("%s, %d iterations, %d MiB, %d threads", p.KDF, p.Iterations, p.MemoryBytes>>20, p.Parallelism)
}

// Limits caps the KDF cost a file may ask for, so that a hostile or broken
// file cannot exhaust memory. The zero value means DefaultLimits.
type Limits struct {
	MaxMemoryBytes uint64
	MaxIterations  uint64
	MaxRounds      uint64
}

// DefaultLimits accept anything KeePassXC's settings dialog can produce.
var DefaultLimits = Limits{MaxMemoryBytes: 4 << 30, MaxIterations: 1 << 20, MaxRounds: 1 << 40}

func (l Limits) orDefault() Limits {
	if l == (Limits{}) {
		return DefaultLimits
	}
	return l
}

// kdfState is a parsed KDF definition plus its salt, ready to derive.
type kdfState struct {
	params KDFParams
	salt   []byte
	dict   *variantDict // KDBX 4 only: written back as it was, salt aside
}

func kdfFromV4(h *header) (*kdfState, error) {
	raw := h.get(hKdfParameters)
	if raw == nil {
		return nil, fmt.Errorf("%w: header has no KDF parameters", ErrCorrupt)
	}
	d, err := parseVariantDict(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: KDF parameters: %v", ErrCorrupt, err)
	}
	id := d.bytesValue("$UUID")
	k := &kdfState{dict: d}
	switch {
	case bytes.Equal(id, kdfAES), bytes.Equal(id, kdfAESKDBX3):
		k.params.KDF = KDFAES
		k.params.Rounds, _ = d.uint64("R")
		k.salt = d.bytesValue("S")
	case bytes.Equal(id, kdfArgon2d), bytes.Equal(id, kdfArgon2id):
		k.params.KDF = KDFArgon2d
		if bytes.Equal(id, kdfArgon2id) {
			k.params.KDF = KDFArgon2id
		}
		if err := k.readArgon2(d); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("%w: unknown key derivation function %x", ErrUnsupported, id)
	}
	if len(k.salt) != 32 && k.params.KDF == KDFAES {
		return nil, fmt.Errorf("%w: AES-KDF seed of %d bytes", ErrCorrupt, len(k.salt))
	}
	return k, nil
}

func (k *kdfState) readArgon2(d *variantDict) error {
	k.salt = d.bytesValue("S")
	k.params.Iterations, _ = d.uint64("I")
	k.params.MemoryBytes, _ = d.uint64("M")
	p, _ := d.uint64("P")
	k.params.Parallelism = uint32(p)
	if v, ok := d.uint64("V"); ok && v != 0x13 {
		return fmt.Errorf("%w: Argon2 version %#x (Twofold supports 0x13; re-save the file with KeePassXC's default KDF settings)", ErrUnsupported, v)
	}
	if len(d.bytesValue("K")) > 0 || len(d.bytesValue("A")) > 0 {
		return fmt.Errorf("%w: Argon2 with a secret key or associated data", ErrUnsupported)
	}
	if len(k.salt) < 8 {
		return fmt.Errorf("%w: Argon2 salt of %d bytes", ErrCorrupt, len(k.salt))
	}
	return nil
}

func kdfFromV3(h *header) (*kdfState, error) {
	seed := h.get(hTransformSeed)
	rounds, ok := h.uint64Field(hTransformRounds)
	if len(seed) != 32 || !ok {
		return nil, fmt.Errorf("%w: missing or malformed transform seed/rounds", ErrCorrupt)
	}
	return &kdfState{params: KDFParams{KDF: KDFAES, Rounds: rounds}, salt: seed}, nil
}

func (k *kdfState) check(l Limits) error {
	p := k.params
	switch {
	case p.KDF == KDFAES && p.Rounds > l.MaxRounds:
		return fmt.Errorf("%w: AES-KDF asks for %d rounds (limit %d)", ErrUnsupported, p.Rounds, l.MaxRounds)
	case p.KDF == KDFAES:
		return nil
	case p.MemoryBytes > l.MaxMemoryBytes:
		return fmt.Errorf("%w: %s asks for %d MiB of memory (limit %d MiB)", ErrUnsupported, p.KDF, p.MemoryBytes>>20, l.MaxMemoryBytes>>20)
	case p.Iterations == 0 || p.Iterations > l.MaxIterations:
		return fmt.Errorf("%w: %s asks for %d iterations (limit %d)", ErrUnsupported, p.KDF, p.Iterations, l.MaxIterations)
	case p.Parallelism == 0 || p.Parallelism > 255:
		return fmt.Errorf("%w: %s asks for %d threads (1 to 255 supported)", ErrUnsupported, p.KDF, p.Parallelism)
	case p.MemoryBytes < 8*1024*uint64(p.Parallelism):
		return fmt.Errorf("%w: %s memory %d bytes is below 8 KiB per thread", ErrCorrupt, p.KDF, p.MemoryBytes)
	}
	return nil
}

// derive runs the KDF over the composite key and returns the 32-byte
// transformed key (in ordinary memory: the caller seals it).
func (k *kdfState) derive(composite []byte) ([]byte, error) {
	p := k.params
	switch p.KDF {
	case KDFAES:
		return AESKDF(composite, k.salt, p.Rounds)
	case KDFArgon2d:
		return tobiargon2.DKey(composite, k.salt, uint32(p.Iterations), uint32(p.MemoryBytes/1024), uint8(p.Parallelism), 32), nil
	case KDFArgon2id:
		return argon2.IDKey(composite, k.salt, uint32(p.Iterations), uint32(p.MemoryBytes/1024), uint8(p.Parallelism), 32), nil
	}
	return nil, fmt.Errorf("%w: KDF %q", ErrUnsupported, p.KDF)
}

// AESKDF is KeePass's AES-KDF: encrypt the key with AES-256-ECB under the
// seed, rounds times, then SHA-256. (Exported for calibration to time.)
func AESKDF(composite, seed []byte, rounds uint64) ([]byte, error) {
	block, err := aes.NewCipher(seed)
	if err != nil {
		return nil, fmt.Errorf("%w: AES-KDF seed: %v", ErrCorrupt, err)
	}
	var key [32]byte
	copy(key[:], composite)
	for range rounds {
		block.Encrypt(key[:16], key[:16])
		block.Encrypt(key[16:], key[16:])
	}
	sum := sha256.Sum256(key[:])
	clear(key[:])
	return sum[:], nil
}

// newKDF returns fresh KDF parameters (new random salt) for p.
func newKDF(p KDFParams) (*kdfState, error) {
	salt := make([]byte, 32)
	if _, err := rand.Read(salt); err != nil {
		return nil, err
	}
	d := &variantDict{version: 0x0100}
	switch p.KDF {
	case KDFAES:
		d.set(vtBytes, "$UUID", kdfAES)
		d.set(vtUInt64, "R", le64(p.Rounds))
		d.set(vtBytes, "S", salt)
	case KDFArgon2d, KDFArgon2id:
		id := kdfArgon2id
		if p.KDF == KDFArgon2d {
			id = kdfArgon2d
		}
		d.set(vtBytes, "$UUID", id)
		d.set(vtBytes, "S", salt)
		d.set(vtUInt32, "P", le32(p.Parallelism))
		d.set(vtUInt64, "M", le64(p.MemoryBytes))
		d.set(vtUInt64, "I", le64(p.Iterations))
		d.set(vtUInt32, "V", le32(0x13))
	default:
		return nil, fmt.Errorf("%w: KDF %q", ErrUnsupported, p.KDF)
	}
	return &kdfState{params: p, salt: salt, dict: d}, nil
}

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}
