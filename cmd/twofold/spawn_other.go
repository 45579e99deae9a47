//go:build !cgo || !linux

package main

import "github.com/awnumar/memguard"

// spawnWithSecret is not available without cgo: tokenExec falls back to
// os/exec, which copies the environment (the token included) into
// ordinary memory once.
func spawnWithSecret(*ctx, []string, []string, *memguard.LockedBuffer) (*child, bool, error) {
	return nil, false, nil
}
