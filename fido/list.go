package fido

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// ListOptions tunes List.
type ListOptions struct {
	// Paths are device paths to list besides those libfido2 enumerates
	// (see EnvDevices).
	Paths []string
	// HIDRawGlob finds the hidraw nodes checked for permission problems
	// when no key can be listed; default "/dev/hidraw*".
	HIDRawGlob string
	// NoEnumerate lists Paths only: no libfido2 enumeration, no hidraw
	// permission check. For tests that must not see the keys plugged
	// into the machine (see EnvEnumerate).
	NoEnumerate bool
}

// List finds connected keys: libfido2's enumeration plus opts.Paths, each
// asked for its AAGUID to name its model. A key that is there but cannot
// be queried is listed with Key.Err set. When nothing usable is found and
// some hidraw node cannot be opened, List returns a *PermissionError
// (errors.Is ErrPermission) instead of an empty list: on Linux that is
// almost always a missing udev rule, not a missing key.
func List(ctx context.Context, opts ListOptions) ([]Key, error) {
	var found []Key
	if !opts.NoEnumerate {
		var err error
		if found, err = enumerate(); err != nil {
			return nil, err
		}
	}
	for _, p := range opts.Paths {
		found = append(found, Key{Path: p})
	}
	keys := make([]Key, 0, len(found))
	seen := map[string]bool{}
	for _, k := range found {
		if seen[k.Path] {
			continue
		}
		seen[k.Path] = true
		if err := ctxError(ctx); err != nil {
			return nil, err
		}
		keys = append(keys, identify(k))
	}
	if usable(keys) || opts.NoEnumerate {
		return keys, nil
	}
	if perr := hidrawPermission(opts.HIDRawGlob); perr != nil {
		return keys, perr
	}
	return keys, nil
}

// identify fills in the key's AAGUID and model, or its error.
func identify(k Key) Key {
	if k.Err = checkPath(k.Path); k.Err != nil {
		return k
	}
	info, err := readInfo(k.Path)
	if err != nil {
		k.Err = err
		return k
	}
	k.AAGUID = info.AAGUID
	k.Model = ModelName(info.AAGUID)
	return k
}

func usable(keys []Key) bool {
	for _, k := range keys {
		if k.Err == nil {
			return true
		}
	}
	return false
}

// hidrawPermission returns a *PermissionError naming the hidraw nodes this
// user cannot open, or nil. Root is never refused, so tests reach the
// EACCES branch by running as an unprivileged user.
func hidrawPermission(glob string) error {
	if glob == "" {
		glob = "/dev/hidraw*"
	}
	nodes, _ := filepath.Glob(glob)
	var denied []string
	for _, n := range nodes {
		f, err := os.OpenFile(n, os.O_RDWR, 0)
		if err == nil {
			f.Close()
			continue
		}
		if errors.Is(err, fs.ErrPermission) {
			denied = append(denied, n)
		}
	}
	if len(denied) == 0 {
		return nil
	}
	return &PermissionError{Paths: denied}
}
