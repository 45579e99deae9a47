//go:build cgo

package fido

import (
	"errors"
	"fmt"

	libfido2 "github.com/keys-pub/go-libfido2"
)

// enumerate lists keys libfido2 finds (through udev on Linux).
func enumerate() ([]Key, error) {
	locs, err := libfido2.DeviceLocations()
	if err != nil {
		return nil, fmt.Errorf("list keys: %w", ErrCommunication)
	}
	keys := make([]Key, 0, len(locs))
	for _, l := range locs {
		keys = append(keys, Key{
			Path: l.Path, Product: l.Product, Manufacturer: l.Manufacturer,
			VendorID: uint16(l.VendorID), ProductID: uint16(l.ProductID),
		})
	}
	return keys, nil
}

func pinRetries(path string) (int, error) {
	dev, err := libfido2.NewDevice(path)
	if err != nil {
		return 0, err
	}
	n, err := dev.RetryCount()
	if err != nil {
		return 0, goFailure("get PIN retries", path, err)
	}
	return n, nil
}

func setPIN(path, newPIN, oldPIN string) error {
	dev, err := libfido2.NewDevice(path)
	if err != nil {
		return err
	}
	return goFailure("set PIN", path, dev.SetPIN(newPIN, oldPIN))
}

// goErrors maps go-libfido2's error values back to libfido2 codes.
var goErrors = []struct {
	err  error
	code int
}{
	{libfido2.ErrTX, codeTX}, {libfido2.ErrRX, codeRX},
	{libfido2.ErrInvalidCommand, codeInvalidCommand},
	{libfido2.ErrNotAllowed, codeNotAllowed},
	{libfido2.ErrActionTimeout, codeActionTimeout},
	{libfido2.ErrPinNotSet, codePINNotSet},
	{libfido2.ErrUnsupportedOption, codeUnsupportedOption},
	{libfido2.ErrPinInvalid, codePINInvalid},
	{libfido2.ErrPinPolicyViolation, codePINPolicy},
	{libfido2.ErrNoCredentials, codeNoCredentials},
	{libfido2.ErrPinAuthBlocked, codePINAuthBlocked},
	{libfido2.ErrPinRequired, codePINRequired},
	{libfido2.ErrOperationDenied, codeOperationDenied},
	{libfido2.ErrKeepaliveCancel, codeKeepaliveCancel},
	{libfido2.ErrInvalidOption, codeInvalidOption},
	{libfido2.ErrUserPresenceRequired, codeUPRequired},
	{libfido2.ErrInternal, codeInternal},
}

// goFailure converts a go-libfido2 error to this package's errors.
func goFailure(op, path string, err error) error {
	if err == nil {
		return nil
	}
	var e libfido2.Error
	if errors.As(err, &e) {
		return failure(op, path, e.Code) // e.g. 0x32 PIN blocked has no go-libfido2 name
	}
	for _, g := range goErrors {
		if errors.Is(err, g.err) {
			return failure(op, path, g.code)
		}
	}
	if cerr := checkPath(path); cerr != nil {
		return cerr
	}
	return fmt.Errorf("%s: %w: %v", op, ErrCommunication, err)
}
