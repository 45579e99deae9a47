package vault

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/awnumar/memguard"

	"github.com/twofold-app/twofold/vault/internal/kdbx"
	"github.com/twofold-app/twofold/vault/internal/secret"
)

// Credentials unlock a vault: a password, a key file, or both.
type Credentials struct {
	// Password as typed (UTF-8). nil means "no password" (key file only);
	// an empty non-nil slice is an empty password. The caller owns and
	// wipes it.
	Password []byte
	// KeyFile is the path of a key file, or "".
	KeyFile string
}

// String keeps credentials out of logs.
func (c Credentials) String() string { return "vault.Credentials(redacted)" }

// composite reads the key file and builds the composite key.
func (c Credentials) composite() (*memguard.LockedBuffer, error) {
	var keyData []byte
	if c.KeyFile != "" {
		data, err := os.ReadFile(c.KeyFile)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%w: %s", ErrNoKeyFile, c.KeyFile)
		}
		if err != nil {
			return nil, fmt.Errorf("read key file %q: %w", c.KeyFile, err)
		}
		if len(data) == 0 {
			// KeePassXC refuses an empty key file, to create a vault and
			// to open one; it would be a key any empty file matches.
			return nil, fmt.Errorf("%w: %s", ErrEmptyKeyFile, c.KeyFile)
		}
		buf := secret.FromBytes(data)
		defer buf.Destroy()
		keyData = buf.Bytes()
	}
	if c.Password == nil && keyData == nil {
		return nil, fmt.Errorf("%w: a password or a key file is needed", ErrInvalid)
	}
	return kdbx.CompositeKey(c.Password, keyData)
}

// CheckKeyFile reports a key file that cannot be used, without reading
// it: one that does not exist (ErrNoKeyFile) or an empty regular file
// (ErrEmptyKeyFile). Open, Create and ChangeKey refuse both too, from
// what they read (a pipe, such as /dev/stdin, can only be read once); a
// front end calls CheckKeyFile to refuse before it asks for a password.
func CheckKeyFile(path string) error {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%w: %s", ErrNoKeyFile, path)
	case err != nil:
		return fmt.Errorf("read key file %q: %w", path, err)
	case fi.Mode().IsRegular() && fi.Size() == 0:
		return fmt.Errorf("%w: %s", ErrEmptyKeyFile, path)
	}
	return nil
}

// KDFParams are a key derivation function and its cost.
type KDFParams = kdbx.KDFParams

// KDF names a key derivation function.
type KDF = kdbx.KDF

// Version is a KDBX format version.
type Version = kdbx.Version

// Cipher is a KDBX payload cipher.
type Cipher = kdbx.Cipher

// KDFs, ciphers and format versions, re-exported for callers.
const (
	KDFAES         = kdbx.KDFAES
	KDFArgon2d     = kdbx.KDFArgon2d
	KDFArgon2id    = kdbx.KDFArgon2id
	CipherAES256   = kdbx.CipherAES256
	CipherChaCha20 = kdbx.CipherChaCha20
	CipherTwofish  = kdbx.CipherTwofish
)

// KDBX versions Twofold writes for new vaults.
var (
	KDBX31 = kdbx.V31
	KDBX40 = kdbx.V40
)

// Limits caps the KDF cost a file may demand (zero value: generous
// defaults that accept anything KeePassXC can write).
type Limits = kdbx.Limits

// Options tune Open and Create. The zero value is ready to use.
type Options struct {
	// Now is the clock (time.Now when nil); codes and timestamps use it.
	Now func() time.Time
	// Limits caps the KDF cost of opened files.
	Limits Limits
}

func (o *Options) now() time.Time {
	if o == nil || o.Now == nil {
		return time.Now()
	}
	return o.Now()
}

// CreateOptions describe a new vault.
type CreateOptions struct {
	Options
	// KDF is the key derivation. Zero: Argon2id calibrated to KDFTarget.
	KDF KDFParams
	// KDFTarget is the unlock time to calibrate for (1 s when zero).
	KDFTarget time.Duration
	// Version: KDBX 4.0 when zero.
	Version Version
	// Cipher: ChaCha20 when empty.
	Cipher Cipher
}

// Store is an unlocked vault. Its methods are safe for concurrent use.
// Secrets stay sealed in memory until a method needs one; Lock wipes them.
type Store struct {
	mu      sync.Mutex
	path    string
	db      *kdbx.Database
	version *fileVersion
	opts    Options
	dirty   bool
	// accounts caches the OTP accounts; nil until first needed and after
	// every change.
	accounts []accountCache
	// saved is the file as last read or written (encrypted), for Revert.
	saved []byte
}

// Open reads and decrypts the vault at path. With a key file and no
// password, a vault protected by the key file and an empty password opens
// too: KeePass 2 makes such vaults, and KeePassXC retries the same way.
func Open(path string, c Credentials, o *Options) (*Store, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, readError(path, err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("open vault %q: %w", path, err)
	}
	s, err := openBytes(path, data, fi, c, o)
	if errors.Is(err, ErrWrongPassword) && c.KeyFile != "" && c.Password == nil {
		c.Password = []byte{}
		if s, err2 := openBytes(path, data, fi, c, o); err2 == nil {
			return s, nil
		}
	}
	return s, err
}

// Check says, without credentials, whether there is a file at path to
// open as a vault, with Open's errors: ErrNoVault when nothing is there
// (or a symbolic link leads nowhere), an error for a folder or a file
// that cannot be read. Front ends check before they ask for the
// password, which was asked for in vain.
func Check(path string) error {
	f, err := os.Open(path)
	if err == nil {
		_, err = f.Read(make([]byte, 1))
		f.Close()
		if err == io.EOF {
			err = nil // empty: Open says what is wrong with it
		}
	}
	if err != nil {
		return readError(path, err)
	}
	return nil
}

// readError is Open's error for a vault file it could not read.
func readError(path string, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		if _, err := realPath(path); errors.Is(err, ErrDanglingLink) {
			return fmt.Errorf("open vault %q: %w: %w", path, ErrNoVault, err)
		}
		return fmt.Errorf("open vault %q: %w", path, ErrNoVault)
	}
	return fmt.Errorf("open vault %q: %w", path, err)
}

func openBytes(path string, data []byte, fi fs.FileInfo, c Credentials, o *Options) (*Store, error) {
	ck, err := c.composite()
	if err != nil {
		return nil, fmt.Errorf("open vault %q: %w", path, err)
	}
	defer ck.Destroy()
	s := &Store{path: path}
	if o != nil {
		s.opts = *o
	}
	db, err := kdbx.Open(data, ck.Bytes(), s.opts.Limits)
	if err != nil {
		return nil, fmt.Errorf("open vault %q: %w", path, err)
	}
	s.db, s.saved = db, data
	if fi != nil {
		v := versionOf(data, fi)
		s.version = &v
	}
	s.sealUnprotectedSecrets()
	return s, nil
}

// Create makes a new vault at path (which must not exist) and saves it.
// Missing parent folders are created 0700.
func Create(path string, c Credentials, o CreateOptions) (*Store, error) {
	if _, err := os.Stat(path); err == nil {
		return nil, fmt.Errorf("create vault %q: %w", path, ErrExists)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create vault %q: %w", path, err)
	}
	ck, err := c.composite()
	if err != nil {
		return nil, fmt.Errorf("create vault %q: %w", path, err)
	}
	defer ck.Destroy()
	kdf := o.KDF
	if kdf.KDF == "" {
		kdf = CalibrateArgon2id(o.KDFTarget)
	}
	db, err := kdbx.New(kdbx.Options{Version: o.Version, Cipher: o.Cipher, KDF: kdf}, ck.Bytes())
	if err != nil {
		return nil, fmt.Errorf("create vault %q: %w", path, err)
	}
	s := &Store{path: path, db: db, opts: o.Options}
	s.db.Content.Root.Groups[0].Name = "Twofold"
	if err := s.Save(); err != nil {
		db.Secrets.Wipe()
		return nil, err
	}
	return s, nil
}

// Path is the vault's file.
func (s *Store) Path() string { return s.path }

// Format describes the file: version, cipher and KDF.
func (s *Store) Format() (Version, Cipher, KDFParams) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.db == nil {
		return Version{}, "", KDFParams{}
	}
	return s.db.Version, s.db.Cipher, s.db.KDF()
}

// Save writes the vault: atomically, after keeping the previous version as
// BackupPath(path), and only if the file on disk is still the one this
// Store read or last wrote (else a *ChangedOnDiskError). When the path is
// a symbolic link, Save writes the file the link leads to and keeps the
// link (ErrDanglingLink if that file is gone).
func (s *Store) Save() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.saveLocked()
}

func (s *Store) saveLocked() error {
	if s.db == nil {
		return ErrLocked
	}
	data, err := s.db.Encode()
	if errors.Is(err, secret.ErrWiped) {
		return ErrLocked
	}
	if err != nil {
		return fmt.Errorf("save vault %q: %w", s.path, err)
	}
	v, err := saveFile(s.path, data, s.version)
	if err != nil {
		return err
	}
	s.version, s.saved = &v, data
	s.dirty = false
	return nil
}

// Revert forgets every change since the vault was opened or last saved
// (for all-or-nothing operations such as an import that failed half-way).
// It re-reads the last saved bytes with the derived key: no KDF run.
func (s *Store) Revert() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.db == nil {
		return ErrLocked
	}
	db, err := s.db.Reload(s.saved)
	if err != nil {
		return fmt.Errorf("revert vault %q: %w", s.path, err)
	}
	s.db.Secrets.Wipe()
	s.db, s.accounts, s.dirty = db, nil, false
	s.sealUnprotectedSecrets()
	return nil
}

// Lock wipes every secret from memory and forgets the model. Every later
// call returns ErrLocked. Unsaved changes are lost: save first.
func (s *Store) Lock() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.db != nil {
		s.db.Secrets.Wipe()
		s.db = nil
	}
}

// Locked reports whether Lock was called.
func (s *Store) Locked() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.db == nil
}

// Dirty reports unsaved changes.
func (s *Store) Dirty() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dirty
}

// ChangeKey sets new credentials (and KDF cost when kdf is non-zero) and
// saves.
func (s *Store) ChangeKey(c Credentials, kdf KDFParams) error {
	ck, err := c.composite()
	if err != nil {
		return err
	}
	defer ck.Destroy()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.db == nil {
		return ErrLocked
	}
	if kdf.KDF == "" {
		kdf = s.db.KDF()
	}
	if err := s.db.Rekey(ck.Bytes(), kdf); err != nil {
		return err
	}
	return s.saveLocked()
}
