package otp

import "errors"

// Sentinel errors. Every error this package returns wraps one of them, so
// callers branch with errors.Is and show their own hint.
var (
	// ErrInvalid means a parameter (digits, period, algorithm, ...) is out
	// of range or unknown. The error is usually a *FieldError naming the field.
	ErrInvalid = errors.New("invalid otp parameters")
	// ErrMalformedURI means the input is not a well-formed otpauth URI.
	ErrMalformedURI = errors.New("malformed otpauth uri")
	// ErrNoSecret means the OTP description has no secret, or an empty one.
	ErrNoSecret = errors.New("no otp secret")
	// ErrBadSecret means the secret is present but cannot be decoded
	// (bad base32, hex or base64, bad percent-escape, impossible length).
	ErrBadSecret = errors.New("bad otp secret")
	// ErrShortSecret means the secret is shorter than services give
	// (CommonSecretBytes): most likely cut off when copied.
	ErrShortSecret = errors.New("otp secret shorter than services give")
	// ErrNoOTP means a KeePass entry carries no OTP fields at all.
	ErrNoOTP = errors.New("entry has no otp")
	// ErrUnsupported means the input describes something this package does
	// not generate: another OTP type (otpauth://motp), an unknown encoder,
	// or an unrecognised otp field format.
	ErrUnsupported = errors.New("unsupported otp kind")
)

// FieldError reports one bad parameter. Field names the parameter as the
// source spells it ("digits", "period", "TimeOtp-Length", ...), Reason says
// what is wrong with it, worded to follow the name ("must be 4 to 10, got
// 12"), so that Error reads as a sentence. It unwraps to ErrInvalid.
type FieldError struct {
	Field  string
	Reason string
}

// Error implements error.
func (e *FieldError) Error() string {
	return e.Field + " " + e.Reason
}

// Unwrap lets errors.Is(err, ErrInvalid) match.
func (e *FieldError) Unwrap() error { return ErrInvalid }

func fieldError(field, reason string) error {
	return &FieldError{Field: field, Reason: reason}
}
