package vault

import (
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/twofold-app/twofold/vault/internal/kdbx"
)

// Errors the CLI and the GUI branch on. Every error the package returns
// wraps one of these (or is a *ChangedOnDiskError).
var (
	// ErrWrongPassword: the password and/or key file do not open the vault.
	ErrWrongPassword = kdbx.ErrWrongCredentials
	// ErrBadKeyFile: the key file is an XML key file that is damaged.
	ErrBadKeyFile = kdbx.ErrWrongKeyFile
	// ErrEmptyKeyFile: the key file is empty. Any empty file would match
	// it, and KeePassXC refuses it (to create a vault and to open one).
	ErrEmptyKeyFile = errors.New("key file is empty")
	// ErrCorrupt: the file is a KeePass database but damaged or truncated
	// (an empty file is one truncated to nothing).
	ErrCorrupt = kdbx.ErrCorrupt
	// ErrUnsupportedFormat: a KeePass database Twofold cannot read.
	ErrUnsupportedFormat = kdbx.ErrUnsupported
	// ErrNotKeePass: the file is not a KeePass database at all.
	ErrNotKeePass = kdbx.ErrNotKeePass
	// ErrNoVault: there is no file at the path.
	ErrNoVault = errors.New("vault file does not exist")
	// ErrExists: Create would overwrite a file.
	ErrExists = errors.New("a file already exists there")
	// ErrLocked: the vault was locked; its secrets are gone from memory.
	ErrLocked = errors.New("vault is locked")
	// ErrDanglingLink: the vault's path is a symbolic link to a file that
	// does not exist (moved, deleted, or on a drive not mounted). Saves
	// write nothing; Open returns it together with ErrNoVault.
	ErrDanglingLink = errors.New("symbolic link leads to no file")
	// ErrBusy: another process is saving the same vault right now.
	ErrBusy = errors.New("vault is being saved by another program")
	// ErrNotFound: no item matches.
	ErrNotFound = errors.New("no such item")
	// ErrAmbiguous: several items match a name.
	ErrAmbiguous = errors.New("several items match")
	// ErrInvalid: input that cannot be stored (the message says which field).
	ErrInvalid = errors.New("invalid input")
	// ErrCounterExhausted: an HOTP account's counter is at its maximum; it
	// cannot advance without repeating old codes.
	ErrCounterExhausted = errors.New("HOTP counter exhausted")
	// ErrNoCodesLeft: every recovery code of a set is used.
	ErrNoCodesLeft = errors.New("no unused recovery codes left")
	// ErrNoRecoveryCodes: a recovery-code entry holds no codes at all: its
	// "Recovery Codes" field is missing or blank (as when it was cleared
	// in KeePass or KeePassXC). Such a set is listed with it as its Err.
	ErrNoRecoveryCodes = errors.New("no recovery codes stored")
	// ErrUnknownToken: a token of no format Twofold knows, with no service
	// named. It also matches ErrInvalid.
	ErrUnknownToken error = &narrowError{"unrecognised token format", ErrInvalid}
	// ErrEnvName: a name that cannot hold a token in a command's
	// environment (see CheckEnvName). It also matches ErrInvalid.
	ErrEnvName error = &narrowError{"cannot hold the token", ErrInvalid}
	// ErrNoKeyFile: there is no file at the key file's path. It also
	// matches fs.ErrNotExist.
	ErrNoKeyFile error = &narrowError{"key file does not exist", fs.ErrNotExist}
)

// narrowError is a sentinel that also matches a broader one.
type narrowError struct {
	msg    string
	parent error
}

func (e *narrowError) Error() string { return e.msg }
func (e *narrowError) Unwrap() error { return e.parent }

// ChangedOnDiskError reports that the file changed since it was opened (or
// last saved), so saving would overwrite someone else's changes.
type ChangedOnDiskError struct {
	Path            string
	OpenedModTime   time.Time
	OpenedSize      int64
	OnDiskModTime   time.Time
	OnDiskSize      int64
	OnDiskIsMissing bool
}

func (e *ChangedOnDiskError) Error() string {
	if e.OnDiskIsMissing {
		return fmt.Sprintf("vault %q was deleted or moved since it was opened (opened version: %s, %d bytes)",
			e.Path, e.OpenedModTime.Format(time.RFC3339), e.OpenedSize)
	}
	return fmt.Sprintf("vault %q changed on disk since it was opened: opened version %s (%d bytes), version on disk %s (%d bytes)",
		e.Path, e.OpenedModTime.Format(time.RFC3339), e.OpenedSize, e.OnDiskModTime.Format(time.RFC3339), e.OnDiskSize)
}

// Is lets errors.Is(err, ErrChangedOnDisk) work.
func (e *ChangedOnDiskError) Is(target error) bool { return target == ErrChangedOnDisk }

// ErrChangedOnDisk matches every *ChangedOnDiskError.
var ErrChangedOnDisk = errors.New("vault changed on disk")
