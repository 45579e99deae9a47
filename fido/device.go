package fido

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"sync"
)

// EnvDevices names the environment variable holding extra device paths,
// colon-separated: keys that enumeration cannot see (the test rig's
// sockets, unusual setups). Front ends read it and pass ListOptions.Paths.
const EnvDevices = "TWOFOLD_FIDO_DEVICES"

// EnvEnumerate set to "0" tells front ends to list only the EnvDevices
// paths (ListOptions.NoEnumerate): tests against the software key use it
// so that a key plugged into the machine does not change their outcome.
const EnvEnumerate = "TWOFOLD_FIDO_ENUMERATE"

// SplitDevicePaths splits a colon-separated list of device paths.
func SplitDevicePaths(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ":") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// AAGUID identifies a key's make and model (all keys of a model share it).
type AAGUID [16]byte

// String formats the AAGUID as a UUID.
func (a AAGUID) String() string {
	h := hex.EncodeToString(a[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// IsZero reports whether the AAGUID is all zeros (U2F-only keys, or keys
// that hide their model).
func (a AAGUID) IsZero() bool { return a == AAGUID{} }

// Key is a security key found by List.
type Key struct {
	Path         string
	Product      string // USB product string; empty for explicit paths
	Manufacturer string
	VendorID     uint16
	ProductID    uint16
	AAGUID       AAGUID
	// Model is the model name from the bundled AAGUID table, or "".
	Model string
	// Err is set when the key is there but could not be queried, e.g.
	// an *PermissionError.
	Err error
}

// Name is what to call the key: its model, else its product string, else
// its AAGUID in hex, else its path.
func (k Key) Name() string {
	switch {
	case k.Model != "":
		return k.Model
	case k.Product != "":
		return k.Product
	case !k.AAGUID.IsZero():
		return k.AAGUID.String()
	}
	return k.Path
}

// Device is the one owner of a security key at a path: its methods are
// serialized, and each first checks that the key is still there.
// libfido2 opens the key afresh for every operation (as go-libfido2 does),
// so a Device survives the key being replugged at the same path.
type Device struct {
	mu   sync.Mutex
	path string
}

// Open returns the Device at path after checking that something is there
// and that it can be opened.
func Open(path string) (*Device, error) {
	if err := checkPath(path); err != nil {
		return nil, err
	}
	return &Device{path: path}, nil
}

// Path is the device path (e.g. /dev/hidraw3).
func (d *Device) Path() string { return d.path }

// lock serializes operations and checks the key is still present.
func (d *Device) lock() (unlock func(), err error) {
	d.mu.Lock()
	if err := checkPath(d.path); err != nil {
		d.mu.Unlock()
		return nil, err
	}
	return d.mu.Unlock, nil
}

// checkPath tells a missing key from one this user may not open. Only
// character devices are test-opened: the rig's sockets are not.
func checkPath(path string) error {
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("open key %q: %w", path, ErrNoDevice)
	}
	if errors.Is(err, fs.ErrPermission) {
		return &PermissionError{Paths: []string{path}}
	}
	if err != nil {
		return fmt.Errorf("open key %q: %w", path, err)
	}
	if st.Mode()&fs.ModeCharDevice == 0 {
		return nil
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if errors.Is(err, fs.ErrPermission) {
		return &PermissionError{Paths: []string{path}}
	}
	if err == nil {
		f.Close()
	}
	return nil
}

// failure turns a libfido2 code from an operation on path into an error,
// telling an unplugged key from other transport failures.
func failure(op, path string, code int) error {
	err := codeError(code)
	if err == nil {
		return nil
	}
	if code == codeTX || code == codeRX {
		if _, serr := os.Stat(path); serr != nil {
			err = ErrDisconnected
		}
	}
	return fmt.Errorf("%s: %w", op, err)
}

// ctxError reports a cancelled context as ErrCancelled.
func ctxError(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%w: %w", ErrCancelled, err)
	}
	return nil
}
