package kdbx

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/xml"
	"fmt"

	"github.com/tobischo/gokeepasslib/v3"
	w "github.com/tobischo/gokeepasslib/v3/wrappers"

	"github.com/twofold-app/twofold/vault/internal/secret"
)

// Options describe a new database.
type Options struct {
	Version Version   // V40 unless set
	Cipher  Cipher    // ChaCha20 unless set
	KDF     KDFParams // required
}

// New makes an empty database keyed by composite, deriving the key once.
func New(opts Options, composite []byte) (*Database, error) {
	if opts.Version == (Version{}) {
		opts.Version = V40
	}
	if opts.Cipher == "" {
		opts.Cipher = CipherChaCha20
	}
	gdb := gokeepasslib.NewDatabase(gokeepasslib.WithDatabaseKDBXVersion40(), gokeepasslib.WithDatabaseFormattedTime(false))
	if !opts.Version.IsV4() {
		gdb = gokeepasslib.NewDatabase(gokeepasslib.WithDatabaseKDBXVersion3())
	}
	meta := gdb.Content.Meta
	meta.Generator = "Twofold"
	meta.MemoryProtection.ProtectPassword = w.NewBoolWrapper(true) // KeePass's default
	meta.RecycleBinEnabled = w.NewBoolWrapper(true)                // KeePass's default
	gdb.Content.Root.Groups[0].Entries = nil                       // gokeepasslib adds a "Sample Entry"
	id, err := cipherID(opts.Cipher)
	if err != nil {
		return nil, err
	}
	db := &Database{
		Version:    opts.Version,
		Cipher:     opts.Cipher,
		Content:    gdb.Content,
		Secrets:    secret.NewBox(),
		header:     &header{version: opts.Version},
		innerID:    streamChaCha20,
		compressed: true,
	}
	db.header.set(hCipherID, id)
	db.header.set(hCompressionFlags, le32(1))
	if !opts.Version.IsV4() {
		db.header.set(hInnerRandomStreamID, le32(streamSalsa20))
	}
	if err := db.Rekey(composite, opts.KDF); err != nil {
		return nil, err
	}
	return db, nil
}

// Rekey derives a new key (fresh salt) from composite with the given KDF
// parameters; the next Encode writes the file under it. Used to create a
// database and to change its password, key file or KDF cost.
func (db *Database) Rekey(composite []byte, p KDFParams) error {
	if !db.Version.IsV4() && p.KDF != KDFAES {
		return fmt.Errorf("%w: KDBX 3.1 only supports AES-KDF", ErrUnsupported)
	}
	k, err := newKDF(p)
	if err != nil {
		return err
	}
	transformed, err := k.derive(composite)
	if err != nil {
		return err
	}
	defer secret.Wipe(transformed)
	if db.Secrets.Len() == 0 || db.kdf == nil {
		db.transformed, err = db.Secrets.Seal(transformed)
	} else {
		err = db.Secrets.Replace(db.transformed, transformed)
	}
	if err != nil {
		return err
	}
	db.kdf = k
	if db.Version.IsV4() {
		db.header.set(hKdfParameters, k.dict.bytes())
	} else {
		db.header.set(hTransformSeed, k.salt)
		db.header.set(hTransformRounds, le64(p.Rounds))
	}
	return nil
}

// Encode serialises the database under its current key, with a fresh
// master seed, IV and inner stream key. The model is left as it was.
func (db *Database) Encode() ([]byte, error) {
	tk, err := db.transformedKey()
	if err != nil {
		return nil, err
	}
	defer tk.Destroy()
	h := db.header
	h.set(hMasterSeed, randomBytes(32))
	h.set(hEncryptionIV, randomBytes(ivSize(db.Cipher)))
	streamKey := randomBytes(64)
	if !db.Version.IsV4() {
		streamKey = randomBytes(32)
		h.set(hProtectedStreamKey, streamKey)
		h.set(hStreamStartBytes, randomBytes(32))
	} else {
		db.innerID, db.innerKey = streamChaCha20, streamKey
		for _, id := range []byte{hTransformSeed, hTransformRounds, hProtectedStreamKey, hStreamStartBytes, hInnerRandomStreamID} {
			h.del(id) // KDBX 3.1 fields: KeePassXC rejects a KDBX 4 file that has them
		}
	}
	_, streamID := db.streamKeyAndID()
	headerBytes := h.bytes()
	xmlBytes, err := db.marshalXML(streamID, streamKey, headerBytes)
	if err != nil {
		return nil, err
	}
	seed := h.get(hMasterSeed)
	key := sha256.Sum256(append(append([]byte{}, seed...), tk.Bytes()...))
	defer clear(key[:])
	var out bytes.Buffer
	out.Write(headerBytes)
	if db.Version.IsV4() {
		err = db.encodeV4(&out, headerBytes, xmlBytes, streamKey, key[:], tk.Bytes())
	} else {
		err = db.encodeV3(&out, xmlBytes, key[:])
	}
	if err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

func (db *Database) encodeV4(out *bytes.Buffer, headerBytes, xmlBytes, streamKey, key, transformed []byte) error {
	var inner bytes.Buffer
	writeInner(&inner, ihStreamID, le32(streamChaCha20))
	writeInner(&inner, ihStreamKey, streamKey)
	for _, b := range db.binaries {
		writeInner(&inner, ihBinary, append([]byte{b.flags}, b.data...))
	}
	writeInner(&inner, ihEnd, nil)
	payload := append(inner.Bytes(), xmlBytes...)
	if db.compressed {
		payload = gzipBytes(payload)
	}
	ct, err := encrypt(db.Cipher, key, db.header.get(hEncryptionIV), payload)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(headerBytes)
	base := hmacBase(db.header.get(hMasterSeed), transformed)
	out.Write(sum[:])
	out.Write(headerHMAC(base, headerBytes))
	writeBlocks4(out, base, ct)
	return nil
}

func (db *Database) encodeV3(out *bytes.Buffer, xmlBytes, key []byte) error {
	payload := xmlBytes
	if db.compressed {
		payload = gzipBytes(payload)
	}
	var blocks bytes.Buffer
	blocks.Write(db.header.get(hStreamStartBytes))
	writeBlocks3(&blocks, payload)
	ct, err := encrypt(db.Cipher, key, db.header.get(hEncryptionIV), blocks.Bytes())
	if err != nil {
		return err
	}
	out.Write(ct)
	return nil
}

func writeInner(b *bytes.Buffer, id byte, data []byte) {
	b.WriteByte(id)
	b.Write(le32(uint32(len(data))))
	b.Write(data)
}

const xmlDeclaration = "<?xml version=\"1.0\" encoding=\"utf-8\" standalone=\"yes\"?>\n"

// marshalXML stream-encrypts protected values, marshals the model and puts
// the placeholders back.
func (db *Database) marshalXML(streamID uint32, streamKey, headerBytes []byte) ([]byte, error) {
	ks, err := newInnerStream(streamID, streamKey)
	if err != nil {
		return nil, err
	}
	c := db.Content
	metaBinaries := make([][]byte, len(c.Meta.Binaries))
	for i := range c.Meta.Binaries {
		metaBinaries[i] = c.Meta.Binaries[i].Content
	}
	if err := xorMetaBinaries(c.Meta, ks); err != nil {
		return nil, err
	}
	s := &sealingStream{ks: ks, box: db.Secrets}
	(&gokeepasslib.StreamManager{Stream: s}).LockProtectedGroups(c.Root.Groups)
	c.Meta.HeaderHash = ""
	if !db.Version.IsV4() {
		sum := sha256.Sum256(headerBytes)
		c.Meta.HeaderHash = base64.StdEncoding.EncodeToString(sum[:])
	}
	body, merr := xml.MarshalIndent(c, "", "\t")
	(&gokeepasslib.StreamManager{Stream: &restoreStream{values: s.packed}}).UnlockProtectedGroups(c.Root.Groups)
	for i := range c.Meta.Binaries {
		c.Meta.Binaries[i].Content = metaBinaries[i]
	}
	if s.err != nil {
		return nil, s.err
	}
	if merr != nil {
		return nil, fmt.Errorf("encode XML: %w", merr)
	}
	return append([]byte(xmlDeclaration), body...), nil
}
