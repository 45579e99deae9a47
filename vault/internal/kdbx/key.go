package kdbx

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"strings"

	"github.com/awnumar/memguard"

	"github.com/twofold-app/twofold/vault/internal/secret"
)

// CompositeKey builds KeePass's composite key from a password and/or the
// contents of a key file: SHA-256 over SHA-256(password) followed by the
// key file's 32-byte key. Either may be nil, not both. The result is in
// locked memory; the caller destroys it. password and keyFile are not
// modified.
func CompositeKey(password, keyFile []byte) (*memguard.LockedBuffer, error) {
	if password == nil && keyFile == nil {
		return nil, fmt.Errorf("a password or a key file is needed")
	}
	// KeePass's composite key: SHA-256(SHA-256(password) ‖ key-file key),
	// hashed in locked memory (secret.Sum), since a digest's Write copies
	// the last partial block of what it hashes into ordinary memory.
	parts := secret.NewBuffer(2 * sha256.Size)
	defer parts.Destroy()
	n := 0
	if password != nil {
		if err := secret.Sum(sha256.New(), password, parts.Bytes()[:sha256.Size]); err != nil {
			return nil, err
		}
		n = sha256.Size
	}
	if keyFile != nil {
		k, err := keyFileKey(keyFile)
		if err != nil {
			return nil, err
		}
		n += secret.Copy(parts.Bytes()[n:], k.Bytes())
		k.Destroy()
	}
	out := secret.NewBuffer(sha256.Size)
	if err := secret.Sum(sha256.New(), parts.Bytes()[:n], out.Bytes()); err != nil {
		out.Destroy()
		return nil, err
	}
	return out, nil
}

// keyFileKey turns a key file's contents into its 32-byte key, reading
// every format KeePass and KeePassXC accept: XML version 1.0 (base64) and
// 2.0 (hex with a checksum), a raw 32-byte file, a 64-character hex file,
// and any other file (hashed with SHA-256).
func keyFileKey(data []byte) (*memguard.LockedBuffer, error) {
	trimmed := bytes.TrimSpace(data)
	if bytes.HasPrefix(trimmed, []byte("<?xml")) || bytes.HasPrefix(trimmed, []byte("<KeyFile")) {
		if k, err := xmlKeyFile(trimmed); err == nil || err != errNotKeyFileXML {
			return k, err
		}
	}
	out := secret.NewBuffer(32)
	switch {
	case len(data) == 32:
		out.Copy(data)
		return out, nil
	case len(data) == 64:
		if _, err := hex.Decode(out.Bytes(), data); err == nil {
			return out, nil
		}
	}
	if err := secret.Sum(sha256.New(), data, out.Bytes()); err != nil {
		out.Destroy()
		return nil, err
	}
	return out, nil
}

var errNotKeyFileXML = fmt.Errorf("not a KeePass XML key file")

type xmlKey struct {
	XMLName xml.Name `xml:"KeyFile"`
	Version string   `xml:"Meta>Version"`
	Data    struct {
		Hash  string `xml:"Hash,attr"`
		Value string `xml:",chardata"`
	} `xml:"Key>Data"`
}

func xmlKeyFile(data []byte) (*memguard.LockedBuffer, error) {
	var kf xmlKey
	if err := xml.Unmarshal(data, &kf); err != nil || kf.Data.Value == "" {
		return nil, errNotKeyFileXML
	}
	value := strings.Join(strings.Fields(kf.Data.Value), "")
	out := secret.NewBuffer(32)
	switch {
	case strings.HasPrefix(kf.Version, "1."):
		n, err := base64.StdEncoding.Decode(out.Bytes(), []byte(value))
		if err != nil || n != 32 {
			out.Destroy()
			return nil, fmt.Errorf("%w: key file (XML 1.0) does not hold a 32-byte base64 key", ErrWrongKeyFile)
		}
	case strings.HasPrefix(kf.Version, "2."):
		if len(value) != 64 {
			out.Destroy()
			return nil, fmt.Errorf("%w: key file (XML 2.0) does not hold a 32-byte hex key", ErrWrongKeyFile)
		}
		if _, err := hex.Decode(out.Bytes(), []byte(value)); err != nil {
			out.Destroy()
			return nil, fmt.Errorf("%w: key file (XML 2.0): %v", ErrWrongKeyFile, err)
		}
		sum := sha256.Sum256(out.Bytes())
		if kf.Data.Hash != "" && !strings.EqualFold(hex.EncodeToString(sum[:4]), kf.Data.Hash) {
			out.Destroy()
			return nil, fmt.Errorf("%w: key file checksum does not match (the file was edited or damaged)", ErrWrongKeyFile)
		}
	default:
		out.Destroy()
		return nil, fmt.Errorf("%w: key file XML version %q", ErrUnsupported, kf.Version)
	}
	return out, nil
}

// NewKeyFile returns the contents of a new KeePass XML 2.0 key file (as
// KeePassXC writes), holding 32 random bytes.
func NewKeyFile() (*memguard.LockedBuffer, error) {
	key := memguard.NewBufferRandom(32)
	defer key.Destroy()
	sum := sha256.Sum256(key.Bytes())
	hx := strings.ToUpper(hex.EncodeToString(key.Bytes()))
	var b bytes.Buffer
	b.WriteString("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<KeyFile>\n\t<Meta>\n\t\t<Version>2.0</Version>\n\t</Meta>\n\t<Key>\n\t\t<Data Hash=\"")
	b.WriteString(strings.ToUpper(hex.EncodeToString(sum[:4])))
	b.WriteString("\">\n\t\t\t")
	for i := 0; i < len(hx); i += 8 {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(hx[i : i+8])
	}
	b.WriteString("\n\t\t</Data>\n\t</Key>\n</KeyFile>\n")
	return secret.FromBytes(b.Bytes()), nil
}
