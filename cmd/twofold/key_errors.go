package main

import (
	"errors"

	"github.com/twofold-app/twofold/fido"
)

// Errors of 'twofold key' itself.
var (
	errKeyUsage          = errors.New("usage: twofold key list | info | pin | test | passkeys | fingerprints | reset")
	errKeyAmbiguous      = errors.New("several security keys are connected")
	errKeyNoPIN          = errors.New("no PIN given: standard input is empty")
	errKeyPINMismatch    = errors.New("the new PINs differ")
	errKeyResetNoConfirm = errors.New("a reset must be confirmed, and standard input is not a terminal")
	errKeyNotRecorded    = errors.New("no such security key in the inventory")
	errNotRegistered     = errors.New("not recorded as registered there")
)

// fidoErrors are the fido errors the CLI explains; package fido writes
// their hints (fido.Explain), so the GUI and the CLI say the same.
// Specific errors come before the ones they also match.
var fidoErrors = []error{
	&fido.PermissionError{},
	fido.ErrResetNotConfirmed, fido.ErrResetWindow, fido.ErrKeyChanged,
	fido.ErrInvalidID, fido.ErrInvalidName, fido.ErrFingerprintNotFound,
	fido.ErrPINPolicy, fido.ErrPINInvalid, fido.ErrPINAuthBlocked, fido.ErrPINBlocked,
	fido.ErrPINNotSet, fido.ErrPINAlreadySet, fido.ErrPINChangeRequired, fido.ErrPINRequired,
	fido.ErrCancelled, fido.ErrTouchDenied, fido.ErrTouchTimeout,
	fido.ErrNoDevice, fido.ErrDisconnected, fido.ErrNotAllowed, fido.ErrNoCredentials,
	fido.ErrKeyFull, fido.ErrVerification, fido.ErrUnsupported, fido.ErrCommunication,
}

// init adds the key hints to printError's table (errors.go), after the
// vault's: the two sets of errors do not overlap.
func init() {
	hints = append(hints,
		keyHint{errKeyUsage, "run 'twofold key --help' for the key commands"},
		keyHint{errKeyAmbiguous, "name the key's path, e.g. 'twofold key info PATH'; 'twofold key list' shows them"},
		keyHint{errKeyNoPIN, "type the PIN at the prompt, or pipe it as a line of standard input"},
		keyHint{errKeyPINMismatch, "type the same new PIN twice"},
		keyHint{errKeyNotRecorded, "'twofold key inventory' lists the recorded keys; 'twofold key name LABEL' records the connected one"},
		keyHint{errNotRegistered, "'twofold key inventory' lists where each key is recorded as registered"},
		keyHint{errKeyResetNoConfirm, "run the reset in a terminal and type " + fido.ResetConfirmation + " when asked, or pass --confirm " + fido.ResetConfirmation},
	)
	for _, e := range fidoErrors {
		_, text, _ := fido.Explain(e)
		if pe, ok := e.(*fido.PermissionError); ok {
			e = pe.Unwrap()
		}
		hints = append(hints, keyHint{e, text})
	}
}

// keyHint is an entry of printError's table.
type keyHint = struct {
	err  error
	hint string
}
