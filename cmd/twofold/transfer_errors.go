package main

import (
	"errors"
	"fmt"

	"github.com/twofold-app/twofold/vault/transfer"
)

// errSecretsNeedFlag: a command that writes or shows secrets (export, qr)
// was run without --yes-export-secrets.
var errSecretsNeedFlag = errors.New("this writes OTP secrets in the clear; it needs --yes-export-secrets")

// errKitNeedsFlag: the same for the printable kit, which holds the
// unused recovery codes (and account secrets only when asked for).
var errKitNeedsFlag = fmt.Errorf("the kit prints your unused recovery codes in the clear (and, with --with-account-secrets, the accounts' secrets); it needs --yes-export-secrets: %w", errSecretsNeedFlag)

// errNoneForGoogle: Google Authenticator can hold none of the accounts
// to export (the warnings before it say why for each). It stands for
// transfer's ErrUnsupported, whose hint is about imports.
var errNoneForGoogle = errors.New("no account can be exported to Google Authenticator")

// Hints for import, export and QR errors. They go before the general
// table (the init below), so that, for example, a wrong password of an
// imported KeePass file (which is also vault.ErrWrongPassword) gets the
// export password's hint rather than the vault's.
var transferHints = []struct {
	err  error
	hint string
}{
	{transfer.ErrWrongPassword, "this is the password the file was exported with, not the vault's: give it with --export-password-file, at the second prompt, or as the second line of standard input"},
	{transfer.ErrPasswordNeeded, "the file is encrypted: give its export password with --export-password-file, at the prompt, or as the second line of standard input"},
	{errNoExportPassword, "the file is encrypted: put its export password on the second line of standard input (the first is the vault's), or use --export-password-file"},
	{transfer.ErrUnknownFormat, "name the format with --format (" + formatList() + "); for an encrypted export, check it is the file the app wrote"},
	{transfer.ErrNoOTPEntries, "Twofold imports entries with TOTP or HOTP settings (KeePassXC's TOTP, KeeOtp, KeePass 2's TimeOtp fields), not passwords: is this the right file?"},
	{transfer.ErrTruncated, "an interrupted copy or download, or a full disk, cuts a file short: export it from the app again (or copy it again) and import the new file"},
	{transfer.ErrMalformed, "the file is damaged, or not the format it looks like: export it again, or name the format with --format"},
	{transfer.ErrCostTooHigh, "the file's header asks for an absurd key derivation cost; it is damaged or was crafted: export it again from the app"},
	{transfer.ErrTooLarge, "this is far larger than any authenticator export; check the file, or import it in parts"},
	{errNoneForGoogle, "Google Authenticator holds codes of 6 or 8 digits, every 30 s or counter-based, and no Steam codes (the warnings say what each account has); 'twofold export --format uri' (or aegis, or kdbx) exports them all"},
	{transfer.ErrUnsupported, "export again from the app in a supported form (an unencrypted or password-protected export), or as otpauth:// URIs"},
	{transfer.ErrNotImage, "give a screenshot or photo of the QR code (PNG, JPEG or GIF); an export file is imported with 'twofold import FILE'"},
	{transfer.ErrNoQRCode, "crop the image to the QR code, make it larger or sharper, and avoid glare; a screenshot works best"},
	{errInvalidEntries, "fix or remove those entries in the file (or export it again), or add --skip-invalid to import the others without them"},
	{errNotEncrypted, "--encrypt works with --format aegis (an encrypted Aegis backup), and --format kdbx (a KeePass file) is always encrypted, both under a new password; to write another format in the clear, leave --encrypt out"},
	{errExportExists, "choose a new file name: an export never replaces a file"},
	{errKitNeedsFlag, "add --yes-export-secrets to confirm: anyone holding the paper can use what it prints"},
	{errSecretsNeedFlag, "add --yes-export-secrets to confirm: the output will hold every secret in a form anyone can use"},
}

func init() {
	merged := make([]struct {
		err  error
		hint string
	}, 0, len(transferHints)+len(desktopHints)+len(hints))
	hints = append(append(append(merged, transferHints...), desktopHints...), hints...)
}
