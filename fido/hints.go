package fido

import (
	"errors"
	"fmt"
)

// UdevRulePath is where UdevRule is meant to be installed.
const UdevRulePath = "/etc/udev/rules.d/70-u2f.rules"

// UdevRule is a udev rule in the style of libfido2's 70-u2f.rules that
// lets the logged-in user (uaccess) and the plugdev group open the hidraw
// nodes of keys from one USB vendor, or of any vendor when vendorID is 0.
func UdevRule(vendorID uint16) string {
	match := ""
	if vendorID != 0 {
		match = fmt.Sprintf(`ATTRS{idVendor}=="%04x", `, vendorID)
	}
	return fmt.Sprintf(`KERNEL=="hidraw*", SUBSYSTEM=="hidraw", %sTAG+="uaccess", GROUP="plugdev", MODE="0660"`, match)
}

// Explain gives a front end a short title and a hint (cause and fix) for
// an error returned by this package; ok is false for errors it does not
// know, which the front end then shows as they are.
func Explain(err error) (title, hint string, ok bool) {
	var perm *PermissionError
	if errors.As(err, &perm) {
		return "Cannot open the security key", permissionHint(), true
	}
	for _, h := range hints {
		if errors.Is(err, h.err) {
			return h.title, h.hint, true
		}
	}
	return "", "", false
}

func permissionHint() string {
	return "The key is connected but this user may not open it (" +
		"its /dev/hidraw node is not readable). Install a udev rule, as " +
		"libfido2's 70-u2f.rules does:\n  echo '" + UdevRule(0) + "' | sudo tee " + UdevRulePath +
		"\n  sudo udevadm control --reload-rules && sudo udevadm trigger\n" +
		"then unplug and replug the key. If your system has no logind " +
		"(uaccess), also join the plugdev group: sudo usermod -aG plugdev $USER, " +
		"and log in again."
}

var hints = []struct {
	err         error
	title, hint string
}{
	{ErrUnsupported, "Not supported", "This key, or this build of Twofold (built without cgo/libfido2), cannot do this."},
	{ErrNoDevice, "No security key found", "Plug the key in. If it is plugged in, try another USB port; on Linux also check that /dev/hidraw* exists."},
	{ErrDisconnected, "The key was unplugged", "Plug it back in and try again."},
	{ErrCancelled, "Cancelled", "Nothing was changed on the key."},
	{ErrTouchDenied, "The key refused", "The key did not accept the touch or fingerprint. Try again."},
	{ErrTouchTimeout, "The key was not touched", "Touch the key's button or sensor when it blinks, within about 30 seconds."},
	{ErrPINRequired, "PIN needed", "This operation needs the key's PIN."},
	{ErrPINNotSet, "The key has no PIN", "Set a PIN first."},
	{ErrPINAlreadySet, "The key already has a PIN", "Use change PIN instead."},
	{ErrPINInvalid, "Wrong PIN", "Check the PIN and try again; each wrong PIN uses one of the remaining retries."},
	{ErrPINAuthBlocked, "Too many wrong PINs in a row", "Unplug the key and plug it back in, then try again. The remaining retries are kept."},
	{ErrPINBlocked, "PIN blocked", "No PIN retries are left. Only a reset makes the key usable again, and it deletes every credential on it."},
	{ErrPINPolicy, "PIN refused", "The key's policy rejects this PIN: use a longer one (at least the minimum length shown in the key's info)."},
	{ErrPINChangeRequired, "PIN change required", "The key requires a new PIN before it can be used: change the PIN."},
	{ErrResetNotConfirmed, "Reset not confirmed", "Nothing was changed. To wipe the key, type " + ResetConfirmation + " (in capitals) when asked."},
	{ErrResetWindow, "Too late for a reset", "Keys accept a reset only for a few seconds (usually 10) after they are plugged in. Start again: unplug the key when asked, plug it back in, and touch it right away."},
	{ErrKeyChanged, "Another key was plugged in", "Nothing was changed. Plug in the key you want to reset and start again."},
	{ErrNotAllowed, "The key refused now", "For a reset: unplug the key, plug it back in, and reset within 10 seconds."},
	{ErrNoCredentials, "No matching credential", "The key holds no matching credential: list the passkeys to check the ID, or, when signing in, this key was not registered with the service."},
	{ErrFingerprintNotFound, "No such fingerprint", "List the fingerprints to see their IDs."},
	{ErrInvalidID, "Malformed ID", "Copy the ID exactly as the list shows it."},
	{ErrInvalidName, "Invalid name", "Use a short name: 15 characters or fewer fit on every key."},
	{ErrKeyFull, "The key is full", "Delete passkeys or fingerprints you no longer use to make room."},
	{ErrVerification, "The key gave a bad signature", "The key answered, but its signature does not verify: the key may be faulty."},
	{ErrCommunication, "The key did not answer properly", "Unplug and replug the key. If it keeps happening, the key or its firmware may be faulty."},
}
