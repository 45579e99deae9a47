package transfer

import (
	"errors"
	"fmt"
)

// Errors the CLI and the GUI branch on. Every error this package returns
// wraps one of these, an error of the vault or otp packages, or an I/O
// error.
var (
	// ErrUnknownFormat: the data is none of the formats this package reads
	// (or not the one that was forced).
	ErrUnknownFormat = errors.New("unrecognised import format")
	// ErrMalformed: the file is of a known format but damaged, truncated
	// or not what its format promises. The message says where.
	ErrMalformed = errors.New("malformed import file")
	// ErrTruncated: the file starts like a format's file but ends early
	// (an interrupted copy or download, a full disk). It wraps
	// ErrMalformed.
	ErrTruncated = fmt.Errorf("the file ends early: it was cut short or damaged; export it again: %w", ErrMalformed)
	// ErrPasswordNeeded: the file is encrypted and Options.Password is nil
	// (or returned nil).
	ErrPasswordNeeded = errors.New("the file is encrypted: a password is needed")
	// ErrWrongPassword: the export password does not decrypt the file.
	// (Authenticated encryption cannot tell a wrong password from a
	// damaged file; the message says so.)
	ErrWrongPassword = errors.New("wrong export password")
	// ErrTooLarge: the file, image or number of accounts exceeds Limits.
	ErrTooLarge = errors.New("import too large")
	// ErrCostTooHigh: an encrypted file asks for key derivation work or
	// memory beyond Limits (a hostile or corrupted header).
	ErrCostTooHigh = errors.New("key derivation cost exceeds the limit")
	// ErrUnsupported: a known format in a variant this package cannot read
	// or write (an encrypted Bitwarden export, an Aegis biometric-only
	// vault, an account type the target format lacks).
	ErrUnsupported = errors.New("unsupported import or export variant")
	// ErrNoOTPEntries: a KeePass database that opened but holds no entry
	// with one-time-password settings (a password database, most likely).
	ErrNoOTPEntries = errors.New("the KeePass file holds no one-time-password entries")
	// ErrNotImage: a file given as a QR code image is no image of a
	// format this package reads (PNG, JPEG, GIF).
	ErrNotImage = errors.New("not a PNG, JPEG or GIF image")
	// ErrNoQRCode: an image holds no readable QR code.
	ErrNoQRCode = errors.New("no QR code found in the image")
	// ErrIncompleteBatch: Google Authenticator migration codes from one
	// export are missing some of its batch.
	ErrIncompleteBatch = errors.New("incomplete Google Authenticator export")
)

// unsupported is why a format cannot carry something, worded for the
// person who reads it ("60 s period (Google Authenticator has 30 s)")
// without ErrUnsupported's own text, which tells them nothing more.
// errors.Is(err, ErrUnsupported) holds.
type unsupported string

func (e unsupported) Error() string { return string(e) }

// Unwrap makes it match ErrUnsupported.
func (e unsupported) Unwrap() error { return ErrUnsupported }

// unsupportedf is an unsupported error of a formatted reason.
func unsupportedf(format string, args ...any) error {
	return unsupported(fmt.Sprintf(format, args...))
}

// malformed wraps ErrMalformed with the format and what is wrong.
func malformed(f Format, format string, args ...any) error {
	return fmt.Errorf("read %s file: %s: %w", f, fmt.Sprintf(format, args...), ErrMalformed)
}

// wrongPassword wraps ErrWrongPassword for format f.
func wrongPassword(f Format) error {
	return fmt.Errorf("decrypt %s file: %w (or the file is damaged)", f, ErrWrongPassword)
}
