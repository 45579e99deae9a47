package transfer

import (
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/awnumar/memguard"
)

// PasswordFunc returns the export password of an encrypted file of
// format f, in locked memory; the importer destroys it. It is called only
// when a file turns out to be encrypted, at most once per import, so a
// GUI can show its dialog then. A nil buffer means "cancelled" and gives
// ErrPasswordNeeded.
type PasswordFunc func(f Format) (*memguard.LockedBuffer, error)

// Options tune an import. The zero value detects the format, refuses
// encrypted files and applies the default Limits.
type Options struct {
	// Format forces a format; "" detects it.
	Format Format
	// Password supplies the export password of encrypted files (and of
	// a KeePass source).
	Password PasswordFunc
	// KeyFile is the key file of a KeePass source, if it uses one.
	KeyFile string
	// Limits caps sizes and key derivation costs.
	Limits Limits
}

// password asks for the export password of format f.
func (o *Options) password(f Format) (*memguard.LockedBuffer, error) {
	if o.Password == nil {
		return nil, fmt.Errorf("%s file: %w", f, ErrPasswordNeeded)
	}
	pw, err := o.Password(f)
	if err != nil {
		return nil, err
	}
	if pw == nil {
		return nil, fmt.Errorf("%s file: %w", f, ErrPasswordNeeded)
	}
	return pw, nil
}

// Import reads the accounts of an export file held in data, which is only
// read (the caller owns and wipes it). Entries that cannot be imported
// are listed in Result.Skipped with the reason; errors concern the whole
// file. KeePass sources need a path: use ImportFile.
func Import(data []byte, o Options) (*Result, error) {
	o.Limits = o.Limits.withDefaults()
	if int64(len(data)) > o.Limits.MaxFileSize {
		return nil, fmt.Errorf("import: %d bytes; the limit is %d: %w", len(data), o.Limits.MaxFileSize, ErrTooLarge)
	}
	f := o.Format
	if f == "" {
		var err error
		if f, err = Detect(data); err != nil {
			return nil, err
		}
	}
	return parse(f, data, &o)
}

// ImportFile reads the export file at path (see Import). A KeePass
// database is opened with the export password and Options.KeyFile.
func ImportFile(path string, o Options) (*Result, error) {
	o.Limits = o.Limits.withDefaults()
	data, err := readCapped(path, o.Limits.MaxFileSize)
	if err != nil {
		return nil, err
	}
	defer clear(data)
	f := o.Format
	if f == "" {
		if f, err = Detect(data); err != nil {
			return nil, fmt.Errorf("import %q: %w", path, err)
		}
	}
	if f == FormatKeePass {
		return importKeePass(path, &o)
	}
	return parse(f, data, &o)
}

// ImportCodes reads the texts of scanned QR codes (otpauth:// or
// otpauth-migration:// URIs), from any number of images: the codes of a
// Google Authenticator batch are checked for completeness together.
func ImportCodes(codes [][]byte, o Options) (*Result, error) {
	o.Limits = o.Limits.withDefaults()
	return parseText(FormatQR, codes, o.Limits)
}

// readCapped reads a file of at most limit bytes into one buffer of its
// size, so no stray partial copies are left in memory to wipe (io.ReadAll
// would grow and abandon several).
func readCapped(path string, limit int64) ([]byte, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	defer fh.Close()
	fi, err := fh.Stat()
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	if fi.IsDir() {
		return nil, fmt.Errorf("import %q: is a folder: %w", path, fs.ErrInvalid)
	}
	if fi.Size() > limit {
		return nil, fmt.Errorf("import %q: %d bytes; the limit is %d: %w", path, fi.Size(), limit, ErrTooLarge)
	}
	if !fi.Mode().IsRegular() {
		return readAllCapped(fh, path, limit)
	}
	data := make([]byte, fi.Size())
	if _, err := io.ReadFull(fh, data); err != nil {
		clear(data)
		return nil, fmt.Errorf("import %q: %w", path, err)
	}
	return data, nil
}

// readAllCapped reads a pipe or device (whose size is unknown).
func readAllCapped(r io.Reader, path string, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		clear(data)
		return nil, fmt.Errorf("import %q: %w", path, err)
	}
	if int64(len(data)) > limit {
		clear(data)
		return nil, fmt.Errorf("import %q: larger than %d bytes: %w", path, limit, ErrTooLarge)
	}
	return data, nil
}

// parse dispatches to the reader of format f.
func parse(f Format, data []byte, o *Options) (*Result, error) {
	switch f {
	case FormatURIList, FormatEnte, FormatGoogle:
		return parseText(f, splitLines(data), o.Limits)
	case FormatAegis:
		return parseAegis(data, o)
	case Format2FAS:
		return parse2FAS(data, o)
	case FormatAndOTP:
		return parseAndOTP(data, o)
	case FormatBitwarden:
		return parseBitwarden(data, o)
	case FormatFreeOTP:
		return parseFreeOTP(data, o)
	case FormatSteam:
		return parseSteam(data, o)
	case FormatQR:
		return parseImage(data, o)
	case FormatKeePass:
		return nil, fmt.Errorf("a KeePass database is imported from its file (ImportFile): %w", ErrUnsupported)
	}
	return nil, fmt.Errorf("format %q: %w", f, ErrUnknownFormat)
}
