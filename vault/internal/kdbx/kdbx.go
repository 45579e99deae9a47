// Package kdbx reads and writes KeePass KDBX 3.1, 4.0 and 4.1 files.
//
// gokeepasslib provides the XML model, the walking order of protected
// values and the payload ciphers. This package owns the outer layer
// (header, key derivation, integrity blocks, inner header), because
// gokeepasslib v3.7.0 derives every KDBX 4 key with Argon2d, so it cannot
// open the Argon2id files KeePassXC writes by default, and because it
// reports every failure as "Wrong password?". Here a wrong key, a damaged
// file and an unsupported format are different errors.
//
// Protected values (passwords, OTP secrets, …) never become plain Go
// strings: they are decrypted into locked memory and sealed in a
// secret.Box as they are read; the model holds placeholders.
package kdbx

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"fmt"

	"github.com/awnumar/memguard"
	"github.com/tobischo/gokeepasslib/v3"

	"github.com/twofold-app/twofold/vault/internal/secret"
)

// Errors a caller branches on. Every error this package returns wraps one.
var (
	ErrNotKeePass       = errors.New("not a KeePass database")
	ErrUnsupported      = errors.New("unsupported KeePass format")
	ErrCorrupt          = errors.New("database file is damaged")
	ErrWrongCredentials = errors.New("wrong password or key file")
	ErrWrongKeyFile     = errors.New("key file is not valid")
)

// Database is an opened KDBX file: its XML model (with placeholders for
// protected values) and what is needed to write it back in the same format.
type Database struct {
	Version     Version
	Cipher      Cipher
	Content     *gokeepasslib.DBContent
	Secrets     *secret.Box
	header      *header
	kdf         *kdfState
	transformed secret.Handle // the derived key, sealed: saving needs no KDF run
	innerID     uint32        // KDBX 4: inner stream cipher (from the inner header)
	innerKey    []byte        // KDBX 4: its key
	binaries    []innerBinary // KDBX 4: attachments, kept as read
	compressed  bool
}

type innerBinary struct {
	flags byte
	data  []byte
}

// KDF reports the key derivation parameters.
func (db *Database) KDF() KDFParams { return db.kdf.params }

// Open decrypts data with the composite key (see CompositeKey).
func Open(data, composite []byte, limits Limits) (*Database, error) {
	return open(data, func(k *kdfState) ([]byte, error) {
		if err := k.check(limits.orDefault()); err != nil {
			return nil, err
		}
		return k.derive(composite)
	})
}

// Reload decrypts data, a version of this database's file (same key and
// KDF parameters, as Encode writes them), with the key already derived:
// no KDF run. It returns a new Database; db is left as it was.
func (db *Database) Reload(data []byte) (*Database, error) {
	tk, err := db.transformedKey()
	if err != nil {
		return nil, err
	}
	defer tk.Destroy()
	return open(data, func(k *kdfState) ([]byte, error) {
		if k.params != db.kdf.params || !bytes.Equal(k.salt, db.kdf.salt) {
			return nil, fmt.Errorf("%w: the file's key derivation changed since it was opened", ErrWrongCredentials)
		}
		return bytes.Clone(tk.Bytes()), nil
	})
}

// open parses data; key returns the transformed key for its KDF.
func open(data []byte, key func(*kdfState) ([]byte, error)) (_ *Database, err error) {
	r := bytes.NewReader(data)
	h, err := readHeader(r)
	if err != nil {
		return nil, err
	}
	db := &Database{Version: h.version, header: h, Secrets: secret.NewBox()}
	defer func() {
		if err != nil {
			// memguard tracks every locked buffer until it is destroyed:
			// a failed open must not leak its key (repeated wrong
			// passwords would exhaust the process's mappings).
			db.Secrets.Wipe()
		}
	}()
	var hashes []byte
	if h.version.IsV4() {
		// The header's checksum comes first: a damaged header is a damaged
		// file, not an unknown cipher or KDF.
		if hashes, err = h.checkSum(r); err != nil {
			return nil, err
		}
	}
	if err := db.parseHeader(); err != nil {
		return nil, err
	}
	transformed, err := key(db.kdf)
	if err != nil {
		return nil, err
	}
	defer secret.Wipe(transformed)
	if db.transformed, err = db.Secrets.Seal(transformed); err != nil {
		return nil, err
	}
	payload, err := db.decryptPayload(r, data, hashes, transformed)
	if err != nil {
		return nil, err
	}
	if err := db.decodeXML(payload); err != nil {
		return nil, err
	}
	return db, nil
}

func (db *Database) parseHeader() error {
	h := db.header
	var err error
	if db.Cipher, err = cipherName(h.get(hCipherID)); err != nil {
		return err
	}
	flags, ok := h.uint32Field(hCompressionFlags)
	if !ok || flags > 1 {
		return fmt.Errorf("%w: compression flags", ErrCorrupt)
	}
	db.compressed = flags == 1
	if len(h.get(hMasterSeed)) != 32 {
		return fmt.Errorf("%w: master seed", ErrCorrupt)
	}
	if db.Version.IsV4() {
		db.kdf, err = kdfFromV4(h)
	} else {
		db.kdf, err = kdfFromV3(h)
	}
	return err
}

func (db *Database) decryptPayload(r *bytes.Reader, data, hashes, transformed []byte) ([]byte, error) {
	h := db.header
	seed := h.get(hMasterSeed)
	key := sha256.Sum256(append(append([]byte{}, seed...), transformed...))
	defer clear(key[:])
	if !db.Version.IsV4() {
		return db.decryptV3(data[len(h.raw):], key[:])
	}
	base := hmacBase(seed, transformed)
	if !hmac.Equal(headerHMAC(base, h.raw), hashes[32:]) {
		return nil, ErrWrongCredentials
	}
	ct, err := readBlocks4(r, base)
	if err != nil {
		return nil, err
	}
	plain, err := decrypt(db.Cipher, key[:], h.get(hEncryptionIV), ct)
	if err != nil {
		return nil, fmt.Errorf("%w: payload: %v", ErrCorrupt, err)
	}
	if db.compressed {
		if plain, err = gunzip(plain); err != nil {
			return nil, err
		}
	}
	return db.readInnerHeader(plain)
}

func (db *Database) decryptV3(ct, key []byte) ([]byte, error) {
	h := db.header
	start := h.get(hStreamStartBytes)
	if len(start) != 32 {
		return nil, fmt.Errorf("%w: stream start bytes", ErrCorrupt)
	}
	plain, err := decrypt(db.Cipher, key, h.get(hEncryptionIV), ct)
	if errors.Is(err, errBadPadding) {
		return nil, ErrWrongCredentials
	}
	if err != nil {
		return nil, err
	}
	if len(plain) < 32 || !bytes.Equal(plain[:32], start) {
		return nil, ErrWrongCredentials
	}
	payload, err := readBlocks3(plain[32:])
	if err != nil {
		return nil, err
	}
	if db.compressed {
		return gunzip(payload)
	}
	return payload, nil
}

// Inner header field IDs (KDBX 4).
const (
	ihEnd       = 0
	ihStreamID  = 1
	ihStreamKey = 2
	ihBinary    = 3
)

func (db *Database) readInnerHeader(p []byte) ([]byte, error) {
	r := bytes.NewReader(p)
	for {
		id, err := r.ReadByte()
		if err != nil {
			return nil, fmt.Errorf("%w: inner header: %v", ErrCorrupt, truncated(err))
		}
		var n int32
		if err := binary.Read(r, binary.LittleEndian, &n); err != nil || n < 0 || int(n) > r.Len() {
			return nil, fmt.Errorf("%w: inner header field %d", ErrCorrupt, id)
		}
		data := make([]byte, n)
		_, _ = r.Read(data)
		switch id {
		case ihEnd:
			return p[len(p)-r.Len():], nil
		case ihStreamID:
			if len(data) != 4 {
				return nil, fmt.Errorf("%w: inner stream ID", ErrCorrupt)
			}
			db.innerID = binary.LittleEndian.Uint32(data)
		case ihStreamKey:
			db.innerKey = data
		case ihBinary:
			if len(data) < 1 {
				return nil, fmt.Errorf("%w: empty attachment record", ErrCorrupt)
			}
			db.binaries = append(db.binaries, innerBinary{data[0], data[1:]})
		}
	}
}

func (db *Database) streamKeyAndID() ([]byte, uint32) {
	if db.Version.IsV4() {
		return db.innerKey, db.innerID
	}
	id, _ := db.header.uint32Field(hInnerRandomStreamID)
	return db.header.get(hProtectedStreamKey), id
}

func (db *Database) decodeXML(payload []byte) error {
	content := &gokeepasslib.DBContent{}
	if err := xml.Unmarshal(payload, content); err != nil {
		return fmt.Errorf("%w: XML: %v", ErrCorrupt, err)
	}
	if content.Meta == nil || content.Root == nil {
		return fmt.Errorf("%w: XML has no Meta or Root", ErrCorrupt)
	}
	if !db.Version.IsV4() {
		if err := db.checkHeaderHash(content.Meta.HeaderHash); err != nil {
			return err
		}
	}
	key, id := db.streamKeyAndID()
	ks, err := newInnerStream(id, key)
	if err != nil {
		return err
	}
	s := &sealingStream{ks: ks, box: db.Secrets}
	if err := xorMetaBinaries(content.Meta, ks); err != nil {
		return err
	}
	(&gokeepasslib.StreamManager{Stream: s}).UnlockProtectedGroups(content.Root.Groups)
	if s.err != nil {
		return s.err
	}
	db.Content = content
	return nil
}

// checkHeaderHash verifies KDBX 3.1's header hash, stored in the XML.
func (db *Database) checkHeaderHash(stored string) error {
	if stored == "" {
		return nil // optional (KeePass 2.20 and older did not write it)
	}
	sum := sha256.Sum256(db.header.raw)
	if stored != base64.StdEncoding.EncodeToString(sum[:]) {
		return fmt.Errorf("%w: header does not match its checksum", ErrCorrupt)
	}
	return nil
}

// xorMetaBinaries runs KDBX 3.1's stream-protected attachments (which come
// before every entry in document order) through the keystream, leaving
// their plain content in the model and the Protected flag set, so that
// saving protects them again.
func xorMetaBinaries(meta *gokeepasslib.MetaData, ks interface{ XORKeyStream(dst, src []byte) }) error {
	for i := range meta.Binaries {
		b := &meta.Binaries[i]
		if b.Protected == nil || !b.Protected.Bool {
			continue
		}
		raw, err := base64.StdEncoding.DecodeString(string(bytes.TrimSpace(b.Content)))
		if err != nil {
			return fmt.Errorf("%w: protected attachment %d is not base64", ErrCorrupt, b.ID)
		}
		ks.XORKeyStream(raw, raw)
		b.Content = []byte(base64.StdEncoding.EncodeToString(raw))
	}
	return nil
}

// TransformedKey opens the sealed derived key (for callers that re-key).
func (db *Database) transformedKey() (*memguard.LockedBuffer, error) {
	return db.Secrets.Open(db.transformed)
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("crypto/rand failed: %v", err))
	}
	return b
}

// checkSum reads KDBX 4's header SHA-256 and HMAC and verifies the SHA-256.
func (h *header) checkSum(r *bytes.Reader) ([]byte, error) {
	hashes := make([]byte, 64)
	if n, _ := r.Read(hashes); n != 64 {
		return nil, fmt.Errorf("%w: header checksum missing (truncated)", ErrCorrupt)
	}
	if sum := sha256.Sum256(h.raw); !bytes.Equal(sum[:], hashes[:32]) {
		return nil, fmt.Errorf("%w: header checksum does not match (the header was modified or damaged)", ErrCorrupt)
	}
	return hashes, nil
}
