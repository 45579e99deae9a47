package app

import (
	"errors"
	"io/fs"

	"fyne.io/fyne/v2"

	"github.com/twofold-app/twofold/vault"
	"github.com/twofold-app/twofold/vault/otp"
	"github.com/twofold-app/twofold/vault/transfer"
)

// problem is an error as a person reads it: what happened and what to do.
type problem struct {
	Title string
	Hint  string
}

// problems maps errors to what the window says. The first match wins, so
// specific errors come first. (The CLI's hints are in cmd/twofold/errors.go.)
var problems = []struct {
	err error
	problem
}{
	{vault.ErrWrongPassword, problem{"Wrong password or key file", "Check the password (is Caps Lock on?) and, if this vault was made with a key file, choose that key file too."}},
	{vault.ErrBadKeyFile, problem{"The key file is damaged", "This key file is not the one the vault was made with, or it was changed. Choose the original key file."}},
	{vault.ErrDanglingLink, problem{"The vault's link leads nowhere", "The vault location is a symbolic link to a file that is not there: mount the drive it is on, or choose the vault file itself."}},
	{vault.ErrCounterExhausted, problem{"This account's counter is used up", "Turn two-factor authentication off and on again on the service, and add the new account: it replaces this one."}},
	{vault.ErrNoVault, problem{"There is no vault at this location", "Create a new vault here, or choose an existing KeePass file."}},
	{vault.ErrNotKeePass, problem{"This is not a KeePass file", "Choose a .kdbx file made by Twofold, KeePassXC or KeePass."}},
	{vault.ErrUnsupportedFormat, problem{"This KeePass format is not supported", "Twofold reads KDBX 3.1 and 4.x. Open the file in KeePassXC, save it, and try again."}},
	{vault.ErrCorrupt, problem{"The vault file is damaged", "It may be truncated or altered. Twofold did not change it. If a backup is next to it (the same name ending in .bak, which Twofold writes before each save), restore that; otherwise your last copy."}},
	{vault.ErrChangedOnDisk, problem{"The vault changed on disk", "Another program saved it since Twofold opened it. Lock and unlock to load the new version, then make your change again."}},
	{vault.ErrBusy, problem{"The vault is being saved by another program", "Try again in a moment."}},
	{vault.ErrExists, problem{"A file already exists there", "Choose another location, or open the existing file instead."}},
	{vault.ErrLocked, problem{"The vault is locked", "Unlock it again."}},
	{vault.ErrNoRecoveryCodes, problem{"This set holds no recovery codes", "Its \"Recovery Codes\" field is missing or empty, as when it was cleared in KeePassXC. Add the codes again on the Recovery tab (they replace this set), or put them back in that field in KeePassXC, one per line."}},
	{vault.ErrNoCodesLeft, problem{"No recovery codes left", "Generate new recovery codes on the service's security page and add them: they replace the used-up set."}},
	{vault.ErrNoName, problem{"The account has no name", "Fill in the service (issuer) or the account name, so you can tell its code apart."}},
	{vault.ErrSeveralNamed, problem{"Several items have this name already", "Remove the ones you no longer use first (Codes: the ⋮ menu of each row), then add again."}},
	{vault.ErrSameAccount, problem{"Already in the vault", "Nothing was added: the vault already has it, with this very secret."}},
	{vault.ErrDuplicate, problem{"The name is already in use", "Several items have this name already. Remove the old ones first (Codes: the ⋮ menu of each row), or choose another name."}},
	{otp.ErrMalformedURI, problem{"Not an otpauth:// link", "It looks like otpauth://totp/Issuer:account?secret=BASE32&issuer=Issuer."}},
	{otp.ErrNoSecret, problem{"The secret is missing", "The secret is the text the service shows under its QR code."}},
	{otp.ErrShortSecret, problem{"The secret is too short", "Services give secrets of 80 bits or more (16 or 32 characters): this one was most likely cut off. Copy or export it again."}},
	{otp.ErrBadSecret, problem{"The secret is not valid base32", "Use letters A–Z and digits 2–7; spaces and lower case are fine."}},
	{otp.ErrUnsupported, problem{"This kind of one-time password is not supported", "Twofold supports TOTP, HOTP and Steam Guard."}},
	{otp.ErrInvalid, problem{"Invalid one-time password settings", "Check digits (4–10), period (1–86400 s) and algorithm."}},
	{errCannotExport, problem{"This format cannot carry these accounts", "Google Authenticator takes only 30-second codes of 6 or 8 digits and no Steam accounts: choose another format."}},
	{errNoQROnScreen, problem{"No QR code found on the screen", "Show the whole code, not covered by another window, and zoom in if it is small; or save it as an image and choose Open QR image…"}},
	{errNoQROnClipboard, problem{"No QR code found in the copied image", "Copy an image of the whole code, zoomed in if it is small; or save it as an image and choose Open QR image…"}},
	{errScreenCapture, problem{"Could not capture the screen", "Take a screenshot yourself, or save the QR code as an image, and choose Open QR image…"}},
	{errClipboardImage, problem{"Could not read an image from the clipboard", "Copy the QR code as an image (in a browser: right-click it, Copy Image), or save it and choose Open QR image…"}},
	{transfer.ErrNotImage, problem{"This file is not an image", "Choose a screenshot or photo of the QR code (PNG, JPEG or GIF). An export of another app is imported with Import… (Ctrl+I)."}},
	{transfer.ErrNoQRCode, problem{"No QR code found in the image", "Use a sharp screenshot of the whole QR code, with some white around it."}},
	{errNotOTPQR, problem{"This QR code is not a one-time password code", "It holds a web link or other text. Use the QR code the service shows when you turn on two-factor authentication, or Google Authenticator's \"Transfer accounts\" code."}},
	{transfer.ErrIncompleteBatch, problem{"Some codes of this Google Authenticator export are missing", "Google Authenticator splits large exports into several QR codes: open all their images together (select them all, or drop them at once)."}},
	{transfer.ErrPasswordNeeded, problem{"The file is encrypted", "Type the password it was exported with."}},
	{transfer.ErrWrongPassword, problem{"Wrong export password", "Type the password you chose when exporting from the other app. If it is right, the file is damaged: export it again."}},
	{transfer.ErrUnknownFormat, problem{"Twofold does not recognise this file", "Choose an export of Aegis, 2FAS, andOTP, Bitwarden, FreeOTP+, Ente Auth, Steam Guard or Google Authenticator, a list of otpauth:// links, a KeePass file or a QR code image."}},
	{transfer.ErrNoOTPEntries, problem{"No one-time-password entries", "This KeePass file opened, but none of its entries has TOTP or HOTP settings. Twofold imports those (KeePassXC's TOTP, KeeOtp, KeePass 2's TimeOtp fields), not passwords. Is this the right file?"}},
	{transfer.ErrTruncated, problem{"The file is cut short", "It stops partway: a copy or download was interrupted, or the disk was full. Export it again from the other app, or copy it again."}},
	{transfer.ErrMalformed, problem{"The file is damaged", "It is of a known format but cannot be read completely. Export it again from the other app."}},
	{transfer.ErrTooLarge, problem{"The file is too large", "Twofold refuses very large files and images; export fewer accounts at a time or crop the image."}},
	{transfer.ErrCostTooHigh, problem{"The file asks for too much work to decrypt", "Its header may be damaged or made to stall Twofold. Export it again from the other app."}},
	{transfer.ErrUnsupported, problem{"This kind of file is not supported", "Export again from the other app without encryption, or as plain text."}},
	{errNoImport, problem{"Import and export are not available for this vault", "They work on vaults opened from a KeePass file."}},
	{errDropMixed, problem{"Drop one export file, or QR code images only", "Several images are read together (a Google Authenticator batch); other files are imported one at a time."}},
	{vault.ErrNoKeyFile, problem{"The key file is missing", "The chosen key file does not exist any more. Choose it again."}},
	{vault.ErrEmptyKeyFile, problem{"The key file is empty", "An empty file cannot be a key file: any empty file would match it, and KeePassXC refuses it. Choose the key file the vault was made with or, for a new vault, a file only you have, such as one KeePassXC generates."}},
	{errPasswordsDiffer, problem{"The passwords differ", "Type the same password twice."}},
	{errEmptyCredentials, problem{"A password or a key file is needed", "Type a password, or choose a key file, or both."}},
	{fs.ErrPermission, problem{"Permission denied", "Check the permissions of the file and its folder."}},
	{vault.ErrInvalid, problem{"That cannot be stored", ""}},
}

var (
	errPasswordsDiffer  = errors.New("the passwords differ")
	errEmptyCredentials = errors.New("no password and no key file")
	errNotOTPQR         = errors.New("the QR code holds no otpauth:// link")
	errNoImport         = errors.New("this vault cannot import or export")
	errCannotExport     = errors.New("the format cannot carry these accounts")
	errDropMixed        = errors.New("several files that are not all images were dropped")
)

// describe maps err to a problem; unknown errors keep their own text.
func describe(err error) problem {
	for _, p := range problems {
		if errors.Is(err, p.err) {
			return p.problem
		}
	}
	return problem{"Something went wrong", ""}
}

// showError is the one way the window reports an error in a dialog.
func showError(w fyne.Window, err error) {
	p := describe(err)
	text := p.Hint
	if text == "" {
		text = err.Error()
	}
	showMessage(w, p.Title, text+"\n\n("+err.Error()+")")
}
