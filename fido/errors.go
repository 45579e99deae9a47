package fido

import (
	"errors"
	"fmt"
	"strings"
)

// Errors a front end branches on. They are wrapped with %w; test them with
// errors.Is. Explain maps each to a title and a hint for a person.
var (
	// ErrUnsupported: this build (no cgo) or this key cannot do it.
	ErrUnsupported = errors.New("not supported")
	// ErrNoDevice: no security key at the path, or none connected.
	ErrNoDevice = errors.New("no security key found")
	// ErrDisconnected: the key went away in the middle of an operation.
	ErrDisconnected = errors.New("security key disconnected")
	// ErrPermission: a key is there but this user may not open it.
	ErrPermission = errors.New("permission denied opening security key")
	// ErrCancelled: the caller cancelled (the context) while the key waited.
	ErrCancelled = errors.New("cancelled")
	// ErrTouchDenied: the key refused the touch (e.g. an unknown finger).
	ErrTouchDenied = errors.New("touch denied")
	// ErrTouchTimeout: nobody touched the key in time.
	ErrTouchTimeout = errors.New("key was not touched in time")
	// ErrPINRequired: the operation needs the PIN and none was given.
	ErrPINRequired = errors.New("PIN required")
	// ErrPINNotSet: the key has no PIN yet.
	ErrPINNotSet = errors.New("PIN not set")
	// ErrPINAlreadySet: SetPIN on a key that has one; use ChangePIN.
	ErrPINAlreadySet = errors.New("PIN already set")
	// ErrPINInvalid: wrong PIN; retries remain.
	ErrPINInvalid = errors.New("wrong PIN")
	// ErrPINAuthBlocked: three wrong PINs in a row; unplug and replug the
	// key to try again (the retry counter is not exhausted).
	ErrPINAuthBlocked = errors.New("PIN temporarily blocked")
	// ErrPINBlocked: no PIN retries left; only a reset recovers the key.
	ErrPINBlocked = errors.New("PIN blocked")
	// ErrPINPolicy: the new PIN is too short or otherwise refused.
	ErrPINPolicy = errors.New("PIN does not meet the key's policy")
	// ErrPINChangeRequired: the key demands a new PIN before anything else.
	ErrPINChangeRequired = errors.New("PIN change required")
	// ErrNotAllowed: the key refused the command in its current state
	// (typically a reset sent more than a few seconds after plugging in).
	ErrNotAllowed = errors.New("operation not allowed by the key now")
	// ErrNoCredentials: the key holds no matching credential.
	ErrNoCredentials = errors.New("no matching credential on the key")
	// ErrKeyFull: no room left for passkeys or fingerprints.
	ErrKeyFull = errors.New("no room left on the key")
	// ErrVerification: the key answered, but its signature does not verify.
	ErrVerification = errors.New("signature verification failed")
	// ErrCommunication: the key answered with something unexpected.
	ErrCommunication = errors.New("communication with the security key failed")
	// ErrInvalidID: a passkey or fingerprint ID that does not parse.
	ErrInvalidID = errors.New("malformed ID")
	// ErrInvalidName: a fingerprint name that is empty or too long.
	ErrInvalidName = errors.New("invalid fingerprint name")
	// ErrFingerprintNotFound: no enrolled fingerprint has this ID.
	ErrFingerprintNotFound = errors.New("no fingerprint with this ID on the key")
	// ErrResetNotConfirmed: Reset without the typed ResetConfirmation.
	ErrResetNotConfirmed = errors.New("reset not confirmed")
	// ErrResetWindow: the key refused a reset because it was plugged in
	// too long ago (a few seconds on most keys). Also ErrNotAllowed.
	ErrResetWindow = errors.New("the key accepts a reset only right after it is plugged in")
	// ErrKeyChanged: a key of another model was plugged back in during a
	// reset.
	ErrKeyChanged = errors.New("a different security key was plugged in")
)

// PermissionError lists device nodes that exist but cannot be opened.
type PermissionError struct {
	Paths []string
}

func (e *PermissionError) Error() string {
	return fmt.Sprintf("permission denied opening %s", strings.Join(e.Paths, ", "))
}

// Unwrap makes errors.Is(err, ErrPermission) true.
func (e *PermissionError) Unwrap() error { return ErrPermission }

// PINPolicyError says why a new PIN was refused before it reached the key.
type PINPolicyError struct {
	MinLength int // in Unicode code points
	MaxBytes  int // UTF-8 bytes
}

func (e *PINPolicyError) Error() string {
	return fmt.Sprintf("PIN must be %d to %d characters long", e.MinLength, e.MaxBytes)
}

// Unwrap makes errors.Is(err, ErrPINPolicy) true.
func (e *PINPolicyError) Unwrap() error { return ErrPINPolicy }

// DeviceError is a libfido2 or CTAP2 error code with no sentinel of its own.
type DeviceError struct {
	Code int // libfido2's FIDO_ERR_* value (negative) or CTAP2 status
}

func (e *DeviceError) Error() string {
	if e.Code < 0 {
		return fmt.Sprintf("libfido2 error %d", e.Code)
	}
	return fmt.Sprintf("key returned CTAP2 error 0x%02x", e.Code)
}

// Unwrap makes every DeviceError an ErrCommunication.
func (e *DeviceError) Unwrap() error { return ErrCommunication }

// libfido2 error codes (fido/err.h) the package tells apart. Positive
// values are CTAP2 status bytes passed through by libfido2.
const (
	codeOK                 = 0x00
	codeInvalidCommand     = 0x01
	codeFPDatabaseFull     = 0x17
	codeCredentialExcluded = 0x19
	codeOperationDenied    = 0x27
	codeKeyStoreFull       = 0x28
	codeUnsupportedOption  = 0x2B
	codeInvalidOption      = 0x2C
	codeKeepaliveCancel    = 0x2D
	codeNoCredentials      = 0x2E
	codeActionTimeout      = 0x2F
	codeNotAllowed         = 0x30
	codePINInvalid         = 0x31
	codePINBlocked         = 0x32
	codePINAuthInvalid     = 0x33
	codePINAuthBlocked     = 0x34
	codePINNotSet          = 0x35
	codePINRequired        = 0x36 // CTAP2_ERR_PUAT_REQUIRED
	codePINPolicy          = 0x37
	codeUVBlocked          = 0x3C
	codeUVInvalid          = 0x3F
	codeUnauthorizedPerm   = 0x40
	codeTX                 = -1
	codeRX                 = -2
	codeRXNotCBOR          = -3
	codeRXInvalidCBOR      = -4
	codeInvalidArgument    = -7
	codeUPRequired         = -8
	codeInternal           = -9
	codeNotFound           = -10
)

var codeErrors = map[int]error{
	codeInvalidCommand:    ErrUnsupported,
	codeUnsupportedOption: ErrUnsupported,
	codeInvalidOption:     ErrUnsupported,
	codeOperationDenied:   ErrTouchDenied,
	codeKeyStoreFull:      ErrKeyFull,
	codeFPDatabaseFull:    ErrKeyFull,
	codeKeepaliveCancel:   ErrCancelled,
	codeNoCredentials:     ErrNoCredentials,
	codeActionTimeout:     ErrTouchTimeout,
	codeNotAllowed:        ErrNotAllowed,
	codePINInvalid:        ErrPINInvalid,
	codePINBlocked:        ErrPINBlocked,
	codePINAuthBlocked:    ErrPINAuthBlocked,
	codePINNotSet:         ErrPINNotSet,
	codePINRequired:       ErrPINRequired,
	codePINPolicy:         ErrPINPolicy,
	codeUVBlocked:         ErrPINBlocked,
	codeUVInvalid:         ErrTouchDenied,
}

// codeError turns a libfido2 return code into an error; nil for FIDO_OK.
func codeError(code int) error {
	if code == codeOK {
		return nil
	}
	if err, ok := codeErrors[code]; ok {
		return err
	}
	return &DeviceError{Code: code}
}
