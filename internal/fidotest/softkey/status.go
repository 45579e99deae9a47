package softkey

import "fmt"

// Status is a CTAP2 status byte, returned as the first byte of every
// authenticatorCBOR response. The authenticator's handlers return it as an
// error so that a handler can simply `return nil, errPINInvalid`.
type Status byte

// CTAP2 status codes used by the software authenticator (CTAP 2.1 §8.2).
const (
	StatusOK                  Status = 0x00
	errInvalidCommand         Status = 0x01
	errInvalidParameter       Status = 0x02
	errInvalidLength          Status = 0x03
	errInvalidCBOR            Status = 0x12
	errMissingParameter       Status = 0x14
	errCredentialExcluded     Status = 0x19
	errUnsupportedAlgorithm   Status = 0x26
	errOperationDenied        Status = 0x27
	errKeyStoreFull           Status = 0x28
	errUnsupportedOption      Status = 0x2B
	errInvalidOption          Status = 0x2C
	errKeepaliveCancel        Status = 0x2D
	errNoCredentials          Status = 0x2E
	errUserActionTimeout      Status = 0x2F
	errNotAllowed             Status = 0x30
	errPINInvalid             Status = 0x31
	errPINBlocked             Status = 0x32
	errPINAuthInvalid         Status = 0x33
	errPINAuthBlocked         Status = 0x34
	errPINNotSet              Status = 0x35
	errPUATRequired           Status = 0x36
	errPINPolicyViolation     Status = 0x37
	errRequestTooLarge        Status = 0x39
	errUnauthorizedPermission Status = 0x40
	errOther                  Status = 0x7F
	errInvalidSubcommand      Status = 0x3E
	errUVBlocked              Status = 0x3C
	errFPDatabaseFull         Status = 0x17
	errLimitExceeded          Status = 0x15
	errIntegrityFailure       Status = 0x3D
	errUVInvalid              Status = 0x3F
	errUnsupportedExtension   Status = 0x16
	errInvalidCredential      Status = 0x22
)

func (s Status) Error() string { return fmt.Sprintf("ctap2 status 0x%02x", byte(s)) }
