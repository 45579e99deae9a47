package main

import (
	"errors"
	"io"
	"io/fs"

	"github.com/twofold-app/twofold/vault"
	"github.com/twofold-app/twofold/vault/otp"
)

// hints maps the errors a user can act on to what to do. The first match
// wins, so specific errors come first.
var hints = []struct {
	err  error
	hint string
}{
	{errUnknownFlag, "--help lists the command's flags; a NAME or ID that starts with '-' goes after '--', as in: twofold rm -- -AbC…"},
	{errFlagValue, "--help lists the command's flags and the values they take"},
	{vault.ErrWrongPassword, "check the password (and the key file, if the vault uses one); Caps Lock?"},
	{vault.ErrBadKeyFile, "this key file is damaged or not the one the vault was made with"},
	{vault.ErrEmptyKeyFile, "an empty file cannot be a key file (any empty file would match it, and KeePassXC refuses it): check the --keyfile path; " + makeKeyFile},
	{vault.ErrNoKeyFile, "check the --keyfile path; " + makeKeyFile},
	{vault.ErrDanglingLink, "the vault path is a symbolic link to a file that is not there ('ls -l' shows where it leads): mount the drive, or point the link (or --vault) at the vault"},
	{vault.ErrCounterExhausted, "turn two-factor authentication off and on again on the service, then add the new account with 'twofold add --replace'"},
	{vault.ErrNoVault, "create one with 'twofold init', or point --vault (or $TWOFOLD_VAULT) at an existing KeePass file"},
	{vault.ErrNotKeePass, "this file is not a KeePass database; check the --vault path"},
	{vault.ErrUnsupportedFormat, "open and re-save the file with KeePassXC, then try again"},
	{vault.ErrCorrupt, "the file is damaged; Twofold did not change it: restore VAULT.bak next to it if there is one (Twofold writes it before each save), otherwise your last copy"},
	{vault.ErrChangedOnDisk, "another program saved the vault since Twofold opened it; run the command again to work on the new version"},
	{vault.ErrBusy, "another program is saving this vault right now; try again in a moment"},
	{vault.ErrExists, "choose another path, or open the existing vault instead"},
	{vault.ErrNoName, "give --issuer (the service) and --account, or a URI labelled otpauth://totp/Issuer:account?…"},
	{vault.ErrSeveralNamed, "remove the ones you no longer use first ('twofold rm UUID'), then add again, with --replace if one is left"},
	{vault.ErrSameAccount, "nothing was added: the vault already has it"},
	{vault.ErrDuplicate, "give --replace to store the new one instead (the old one moves to the recycle bin, where KeePassXC can restore it), or choose another name"},
	{vault.ErrAmbiguous, "use more of the name (issuer:account tells one service's accounts apart), or the UUID in brackets; 'twofold list --json' shows every item's UUID"},
	{vault.ErrNotFound, "'twofold list' shows what the vault holds"},
	{vault.ErrEnvName, "--env names the variable the command reads the token from, such as UV_PUBLISH_TOKEN or ACME_TOKEN"},
	{vault.ErrUnknownToken, "pass --service NAME (and --env VAR for 'token exec') to store it anyway"},
	{vault.ErrNoRecoveryCodes, keepassCodesFix + "'twofold recovery add --replace NAME' (or remove the entry: 'twofold rm NAME')"},
	{vault.ErrNoCodesLeft, "generate new recovery codes on the service, then store them with 'twofold recovery add --replace NAME'"},
	{otp.ErrMalformedURI, "an otpauth URI looks like otpauth://totp/Issuer:account?secret=BASE32&issuer=Issuer"},
	{otp.ErrNoSecret, "the secret is the base32 text the service shows under the QR code"},
	{otp.ErrBadSecret, "the secret is base32: letters A-Z and digits 2-7 (spaces and lower case are fine)"},
	{otp.ErrInvalid, "see 'twofold add --help' for the accepted values"},
	{otp.ErrUnsupported, "Twofold generates TOTP and HOTP codes (and Steam Guard codes, encoder=steam); other kinds such as mOTP are not supported"},
	{errEmptyPasswordFile, "put the vault password on the first line of that file (or use --keyfile, for a vault opened with a key file alone)"},
	{errNoInputLine, "give it on the line of standard input after the password, or run the command in a terminal to be asked for it"},
	{errNothingToWatch, "--watch follows time-based (TOTP) codes; an HOTP code changes only when used: 'twofold hotp next NAME' gives the next one"},
	{errNoPassword, "type the password at the prompt, or pipe it as the first line of standard input, or use --password-file"},
	{fs.ErrPermission, "check the file's permissions"},
}

// makeKeyFile says how to make a key file, for the hints about one.
const makeKeyFile = "to make a key file for a new vault: head -c 64 /dev/urandom > twofold.key " +
	"(KeePassXC can generate one too); keep a copy: the vault cannot be opened without it"

// printError writes "error: …" and, for known errors, "hint: …".
func printError(w io.Writer, err error) {
	printf(w, "error: %v\n", err)
	for _, h := range hints {
		if errors.Is(err, h.err) {
			printText(w, "hint: "+h.hint+"\n")
			return
		}
	}
}
