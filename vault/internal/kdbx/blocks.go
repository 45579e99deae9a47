package kdbx

import (
	"bytes"
	"compress/gzip"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/binary"
	"fmt"
	"io"

	"github.com/tobischo/gokeepasslib/v3"
)

// Cipher identifiers (header field 2).
var (
	cipherAES256   = gokeepasslib.CipherAES
	cipherChaCha20 = gokeepasslib.CipherChaCha20
	cipherTwofish  = gokeepasslib.CipherTwoFish
)

// Cipher names a KDBX payload cipher.
type Cipher string

// The ciphers Twofold reads and writes.
const (
	CipherAES256   Cipher = "AES-256"
	CipherChaCha20 Cipher = "ChaCha20"
	CipherTwofish  Cipher = "Twofish"
)

func cipherName(id []byte) (Cipher, error) {
	switch {
	case bytes.Equal(id, cipherAES256):
		return CipherAES256, nil
	case bytes.Equal(id, cipherChaCha20):
		return CipherChaCha20, nil
	case bytes.Equal(id, cipherTwofish):
		return CipherTwofish, nil
	}
	return "", fmt.Errorf("%w: unknown cipher %x", ErrUnsupported, id)
}

func cipherID(c Cipher) ([]byte, error) {
	switch c {
	case CipherAES256:
		return cipherAES256, nil
	case CipherChaCha20:
		return cipherChaCha20, nil
	case CipherTwofish:
		return cipherTwofish, nil
	}
	return nil, fmt.Errorf("%w: cipher %q", ErrUnsupported, c)
}

// ivSize is the EncryptionIV length each cipher needs.
func ivSize(c Cipher) int {
	if c == CipherChaCha20 {
		return 12
	}
	return 16
}

// decrypt decrypts the payload with the library's cipher implementations,
// checking what they do not: whole blocks and PKCS#7 padding for the CBC
// ciphers.
func decrypt(c Cipher, key, iv, data []byte) ([]byte, error) {
	if len(iv) != ivSize(c) {
		return nil, fmt.Errorf("%w: %s IV of %d bytes", ErrCorrupt, c, len(iv))
	}
	if c != CipherChaCha20 && (len(data) == 0 || len(data)%16 != 0) {
		return nil, fmt.Errorf("%w: encrypted payload is not whole %s blocks (truncated?)", ErrCorrupt, c)
	}
	em, err := gokeepasslib.NewEncrypterManager(cipherIDMust(c), key, iv)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnsupported, err)
	}
	plain := em.Decrypt(data)
	if c == CipherChaCha20 {
		return plain, nil
	}
	return unpad(plain)
}

// errBadPadding is told apart by the caller: in KDBX 3.1 it means a wrong
// key as often as a damaged file.
var errBadPadding = fmt.Errorf("bad padding")

func unpad(p []byte) ([]byte, error) {
	n := int(p[len(p)-1])
	if n == 0 || n > 16 || n > len(p) {
		return nil, errBadPadding
	}
	for _, b := range p[len(p)-n:] {
		if int(b) != n {
			return nil, errBadPadding
		}
	}
	return p[:len(p)-n], nil
}

func encrypt(c Cipher, key, iv, data []byte) ([]byte, error) {
	if c != CipherChaCha20 {
		n := 16 - len(data)%16
		data = append(data, bytes.Repeat([]byte{byte(n)}, n)...)
	}
	em, err := gokeepasslib.NewEncrypterManager(cipherIDMust(c), key, iv)
	if err != nil {
		return nil, err
	}
	return em.Encrypt(data), nil
}

func cipherIDMust(c Cipher) []byte {
	id, _ := cipherID(c)
	return id
}

// blockKey is the HMAC key of block index i (KDBX 4), from the 64-byte
// HMAC base key SHA-512(masterSeed || transformedKey || 0x01).
func blockKey(base []byte, i uint64) []byte {
	h := sha512.New()
	h.Write(le64(i))
	h.Write(base)
	return h.Sum(nil)
}

func hmacBase(masterSeed, transformed []byte) []byte {
	h := sha512.New()
	h.Write(masterSeed)
	h.Write(transformed)
	h.Write([]byte{1})
	return h.Sum(nil)
}

const headerHMACIndex = ^uint64(0)

func headerHMAC(base, raw []byte) []byte {
	m := hmac.New(sha256.New, blockKey(base, headerHMACIndex))
	m.Write(raw)
	return m.Sum(nil)
}

// maxBlock bounds one KDBX 4 HMAC block (KeePass writes 1 MiB blocks).
const maxBlock = 1 << 30

// readBlocks4 reads and verifies KDBX 4's HMAC-protected block stream.
func readBlocks4(r io.Reader, base []byte) ([]byte, error) {
	var out bytes.Buffer
	for i := uint64(0); ; i++ {
		var mac [32]byte
		var n int32
		if _, err := io.ReadFull(r, mac[:]); err != nil {
			return nil, fmt.Errorf("%w: block %d: %v", ErrCorrupt, i, truncated(err))
		}
		if err := binary.Read(r, binary.LittleEndian, &n); err != nil {
			return nil, fmt.Errorf("%w: block %d: %v", ErrCorrupt, i, truncated(err))
		}
		if n < 0 || n > maxBlock {
			return nil, fmt.Errorf("%w: block %d claims %d bytes", ErrCorrupt, i, n)
		}
		data := make([]byte, n)
		if _, err := io.ReadFull(r, data); err != nil {
			return nil, fmt.Errorf("%w: block %d: %v", ErrCorrupt, i, truncated(err))
		}
		m := hmac.New(sha256.New, blockKey(base, i))
		m.Write(le64(i))
		m.Write(le32(uint32(n)))
		m.Write(data)
		if !hmac.Equal(m.Sum(nil), mac[:]) {
			return nil, fmt.Errorf("%w: block %d fails its integrity check (the file was modified or damaged)", ErrCorrupt, i)
		}
		if n == 0 {
			return out.Bytes(), nil
		}
		out.Write(data)
	}
}

const blockSize4 = 1 << 20

func writeBlocks4(w *bytes.Buffer, base, data []byte) {
	for i := uint64(0); ; i++ {
		n := min(len(data), blockSize4)
		chunk := data[:n]
		data = data[n:]
		m := hmac.New(sha256.New, blockKey(base, i))
		m.Write(le64(i))
		m.Write(le32(uint32(n)))
		m.Write(chunk)
		w.Write(m.Sum(nil))
		w.Write(le32(uint32(n)))
		w.Write(chunk)
		if n == 0 {
			return
		}
	}
}

// readBlocks3 reads KDBX 3.1's SHA-256 hashed block stream.
func readBlocks3(data []byte) ([]byte, error) {
	r := bytes.NewReader(data)
	var out bytes.Buffer
	for i := uint32(0); ; i++ {
		var hdr struct {
			Index uint32
			Hash  [32]byte
			Size  int32
		}
		if err := binary.Read(r, binary.LittleEndian, &hdr); err != nil {
			return nil, fmt.Errorf("%w: block %d: %v", ErrCorrupt, i, truncated(err))
		}
		if hdr.Index != i || hdr.Size < 0 || int(hdr.Size) > r.Len() {
			return nil, fmt.Errorf("%w: block %d header is damaged", ErrCorrupt, i)
		}
		if hdr.Size == 0 {
			if hdr.Hash != [32]byte{} {
				return nil, fmt.Errorf("%w: final block hash is not zero", ErrCorrupt)
			}
			return out.Bytes(), nil
		}
		chunk := make([]byte, hdr.Size)
		_, _ = r.Read(chunk)
		if sha256.Sum256(chunk) != hdr.Hash {
			return nil, fmt.Errorf("%w: block %d fails its hash check (the file was modified or damaged)", ErrCorrupt, i)
		}
		out.Write(chunk)
	}
}

func writeBlocks3(w *bytes.Buffer, data []byte) {
	for i := uint32(0); ; i++ {
		n := min(len(data), blockSize4)
		chunk := data[:n]
		data = data[n:]
		_ = binary.Write(w, binary.LittleEndian, i)
		if n == 0 {
			w.Write(make([]byte, 32))
		} else {
			sum := sha256.Sum256(chunk)
			w.Write(sum[:])
		}
		_ = binary.Write(w, binary.LittleEndian, int32(n))
		w.Write(chunk)
		if n == 0 {
			return
		}
	}
}

// maxInflated bounds the decompressed payload (a zip bomb guard).
const maxInflated = 1 << 30

func gunzip(data []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: payload does not decompress: %v", ErrCorrupt, err)
	}
	out, err := io.ReadAll(io.LimitReader(zr, maxInflated+1))
	if err != nil {
		return nil, fmt.Errorf("%w: payload does not decompress: %v", ErrCorrupt, err)
	}
	if len(out) > maxInflated {
		return nil, fmt.Errorf("%w: payload inflates past %d MiB", ErrUnsupported, maxInflated>>20)
	}
	return out, nil
}

func gzipBytes(data []byte) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	_, _ = zw.Write(data)
	_ = zw.Close()
	return b.Bytes()
}
