package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"

	"github.com/awnumar/memguard"

	"github.com/twofold-app/twofold/vault"
	"github.com/twofold-app/twofold/vault/transfer"
)

// Exports write secrets out of the vault, so each needs
// --yes-export-secrets, refuses to overwrite a file, and creates its
// files 0600. Encrypted exports (aegis --encrypt, kdbx) take a new
// password: --export-password-file, else the terminal (twice), else the
// next line of standard input after the vault's. --encrypt (or
// --export-password-file) on any other export is refused.

const exportFormats = "uri, aegis, google, kdbx, pdf"

func cmdExport(c *ctx, args []string) error {
	fs := c.flags()
	format := fs.String("format", "", "output format: "+exportFormats+" (pdf: a printable recovery kit with QR codes)")
	out := fs.String("out", "", "write to this file (created 0600, never overwritten); default standard output (kdbx and pdf need a file)")
	encrypt := fs.Bool("encrypt", false, "aegis: encrypt the file with a new password (as Aegis does); kdbx is always encrypted, the other formats cannot be")
	yes := fs.Bool("yes-export-secrets", false, "confirm: the output holds the accounts' secrets")
	withSecrets := fs.Bool("with-account-secrets", false, "pdf: also print each account's QR code and secret (anyone holding the paper can then make its codes)")
	pwFile := fs.String("export-password-file", "", "the new export password, from the first line of this file (else: a prompt, or the line of standard input after the vault's)")
	kdfMS := fs.Int("kdf-ms", 1000, "kdbx: target unlock time in milliseconds")
	memMiB := fs.Int("kdf-memory-mib", 64, "kdbx: Argon2id memory in MiB")
	pos, err := c.parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return fmt.Errorf("%w: export takes at most one QUERY", vault.ErrInvalid)
	}
	if !*yes && *format == "pdf" {
		return errKitNeedsFlag
	}
	if !*yes {
		return errSecretsNeedFlag
	}
	if err := checkExportFormat(*format, *out); err != nil {
		return err
	}
	if err := checkEncryption(*format, *encrypt, *pwFile); err != nil {
		return err
	}
	if err := checkKDFFlags(*kdfMS, *memMiB); err != nil {
		return err
	}
	s, err := c.open()
	if err != nil {
		return err
	}
	defer s.Lock()
	src, skipped, err := exportSource(s, pos)
	if errors.Is(err, errNothingToExport) && *format == "pdf" && len(pos) == 0 {
		err = nil // the kit still has the vault's location, recovery codes and keys
	}
	if err != nil {
		return err
	}
	e := exporter{c: c, src: src, out: *out, pwFile: *pwFile}
	switch *format {
	case "uri":
		err = e.toFile(transfer.ExportURIs)
	case "aegis":
		err = e.aegis(*encrypt)
	case "google":
		skipped, err = e.google(skipped)
	case "pdf":
		err = e.toFile(func(src transfer.Source, w io.Writer) error {
			o, err := transfer.KitFromStore(s, transfer.KitOptions{Now: c.now(), AccountSecrets: *withSecrets})
			if err != nil {
				return err
			}
			e.kitSets = len(o.Recovery)
			if e.kitUnusable, err = unusableSets(s); err != nil {
				return err
			}
			return transfer.RecoveryKit(src, w, o)
		})
	case "kdbx":
		err = e.kdbx(vault.CreateOptions{Options: vault.Options{Now: c.now},
			KDF: vault.Calibrate(time.Duration(*kdfMS)*time.Millisecond, uint64(*memMiB)<<20)})
	}
	if err != nil {
		return err
	}
	e.summary(*format, skipped)
	return nil
}

func checkExportFormat(format, out string) error {
	switch format {
	case "uri", "aegis", "google":
		return nil
	case "kdbx", "pdf":
		if out == "" || out == "-" {
			return fmt.Errorf("%w: --format %s needs --out FILE", vault.ErrInvalid, format)
		}
		return nil
	}
	return fmt.Errorf("%w: --format must be one of %s", vault.ErrInvalid, exportFormats)
}

// errNotEncrypted: encryption was asked for (--encrypt, or a password
// with --export-password-file) for an export that would not be
// encrypted. Before, the flags were ignored.
var errNotEncrypted = errors.New("the secrets would be written in the clear")

// checkEncryption refuses --encrypt and --export-password-file where the
// export is not encrypted. kdbx is always encrypted, aegis with --encrypt.
func checkEncryption(format string, encrypt bool, pwFile string) error {
	switch {
	case format == "kdbx" || format == "aegis" && encrypt:
		return nil
	case encrypt:
		return fmt.Errorf("--format %s cannot be encrypted (--encrypt): %w", format, errNotEncrypted)
	case pwFile != "" && format == "aegis":
		return fmt.Errorf("--export-password-file without --encrypt: %w", errNotEncrypted)
	case pwFile != "":
		return fmt.Errorf("--format %s cannot be encrypted (--export-password-file): %w", format, errNotEncrypted)
	}
	return nil
}

// exportSource is the vault's accounts, or those matching the query.
func exportSource(s *vault.Store, pos []string) (transfer.Source, []transfer.Skipped, error) {
	keep := func(vault.Account) bool { return true }
	if len(pos) == 1 {
		var err error
		if keep, err = namedBy(s, pos[0]); err != nil {
			return nil, nil, err
		}
	}
	src, skipped, err := transfer.FromVault(s, keep)
	if err == nil && src.Len() == 0 && len(skipped) == 0 {
		err = errNothingToExport
	}
	return src, skipped, err
}

var errNothingToExport = fmt.Errorf("%w: no account to export", vault.ErrNotFound)

type exporter struct {
	c      *ctx
	src    transfer.Source
	out    string
	pwFile string
	// notExported counts accounts of src the format could not hold.
	notExported int
	// kitSets counts the recovery-code sets a PDF kit prints.
	kitSets int
	// kitUnusable are the sets it leaves out: they hold no codes.
	kitUnusable []vault.RecoverySet
}

// unusableSets are the recovery-code sets that hold no usable codes.
func unusableSets(s *vault.Store) ([]vault.RecoverySet, error) {
	sets, err := s.RecoverySets()
	var out []vault.RecoverySet
	for _, r := range sets {
		if r.Err != nil {
			out = append(out, r)
		}
	}
	return out, err
}

// toFile runs write on the output: standard output, or a new 0600 file
// that is removed again if writing fails.
func (e *exporter) toFile(write func(transfer.Source, io.Writer) error) error {
	if e.out == "" || e.out == "-" {
		return write(e.src, e.c.stdout)
	}
	f, err := createSecretFile(e.out)
	if err != nil {
		return err
	}
	if err := write(e.src, f); err != nil {
		f.Close()
		os.Remove(e.out)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(e.out)
		return fmt.Errorf("export: %w", err)
	}
	return nil
}

var errExportExists = errors.New("the export file already exists")

// createSecretFile creates path 0600, refusing to replace anything.
func createSecretFile(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("export to %q: %w", path, errExportExists)
	}
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	return f, nil
}

// newExportPassword asks for the password of an encrypted export (twice
// on a terminal). It must not be empty.
func (e *exporter) newExportPassword() (*memguard.LockedBuffer, error) {
	pw, err := e.c.exportPassword(e.pwFile, "the export file (new)")
	if err != nil {
		return nil, err
	}
	if pw.Size() == 0 {
		pw.Destroy()
		return nil, fmt.Errorf("%w: an empty export password protects nothing", vault.ErrInvalid)
	}
	if e.pwFile == "" && e.c.stdinIsTerminal() {
		again, err := e.c.readSecretLine("Repeat the export password: ")
		if err != nil {
			pw.Destroy()
			return nil, err
		}
		defer again.Destroy()
		if !again.EqualTo(pw.Bytes()) {
			pw.Destroy()
			return nil, fmt.Errorf("%w: the passwords differ", vault.ErrInvalid)
		}
	}
	return pw, nil
}

func (e *exporter) aegis(encrypt bool) error {
	var o transfer.AegisOptions
	if encrypt {
		pw, err := e.newExportPassword()
		if err != nil {
			return err
		}
		defer pw.Destroy()
		o.Password = pw.Bytes()
	}
	return e.toFile(func(src transfer.Source, w io.Writer) error { return transfer.ExportAegis(src, w, o) })
}

func (e *exporter) google(skipped []transfer.Skipped) ([]transfer.Skipped, error) {
	uris, more, err := transfer.ExportGoogle(e.src)
	if errors.Is(err, transfer.ErrUnsupported) {
		warnSkipped(e.c, "not exported", append(skipped, more...))
		return nil, errNoneForGoogle
	}
	if err != nil {
		return nil, err
	}
	defer func() {
		for _, u := range uris {
			clear(u)
		}
	}()
	err = e.toFile(func(_ transfer.Source, w io.Writer) error {
		for _, u := range uris {
			if _, err := w.Write(u); err != nil {
				return err
			}
			if _, err := w.Write([]byte("\n")); err != nil {
				return err
			}
		}
		return nil
	})
	e.notExported = len(more)
	return append(skipped, more...), err
}

func (e *exporter) kdbx(o vault.CreateOptions) error {
	pw, err := e.newExportPassword()
	if err != nil {
		return err
	}
	defer pw.Destroy()
	return transfer.ExportKeePass(e.src, e.out, vault.Credentials{Password: pw.Bytes()}, o)
}

// summary reports on standard error, so standard output holds only the
// export when it goes there.
func (e *exporter) summary(format string, skipped []transfer.Skipped) {
	n := e.src.Len() - e.notExported
	where := e.out
	if where == "" || where == "-" {
		where = "standard output"
	}
	if format == "pdf" {
		printf(e.c.stderr, "exported %s and %s to %s (pdf)\n",
			plural(n, "account", "accounts"), plural(e.kitSets, "recovery-code set", "recovery-code sets"), where)
	} else {
		printf(e.c.stderr, "exported %s to %s (%s)\n", plural(n, "account", "accounts"), where, format)
	}
	warnSkipped(e.c, "not exported", skipped)
	for _, r := range e.kitUnusable {
		printf(e.c.stderr, "warning: not in the kit: %s: %v\n", qualified(r.Group, r.Name()), r.Err)
	}
}

// warnSkipped names on standard error each account left out, and why
// ("warning: not exported: Steam (gaben): Steam codes (Google
// Authenticator has no Steam type)").
func warnSkipped(c *ctx, what string, skipped []transfer.Skipped) {
	for _, s := range skipped {
		printf(c.stderr, "warning: %s: %s: %v\n", what, s.Name, s.Err)
	}
}
