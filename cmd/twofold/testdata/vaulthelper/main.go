// Command vaulthelper drives the vault package the way a long-running
// front end does, for cmd/twofold's process-level tests (crash_test.go,
// memory_test.go). It reads the password as the CLI does: the first line
// of standard input, byte by byte into locked memory.
//
//	vaulthelper saveloop VAULT NAME
//	    prints "ready N" (N: the HOTP counter of account NAME), then
//	    forever advances the counter, saves, and prints "saved N".
//	vaulthelper savewait VAULT
//	    computes every code, advances every HOTP counter, uses one
//	    recovery code of each set, opens every token, saves, prints
//	    "ready", and keeps the vault unlocked until standard input ends.
//	vaulthelper listwait VAULT
//	    lists accounts, recovery-code sets and tokens (what a window
//	    shows, no secret asked for), prints "ready", and keeps the vault
//	    unlocked until standard input ends.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/awnumar/memguard"

	"github.com/twofold-app/twofold/vault"
	"github.com/twofold-app/twofold/vault/otp"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "vaulthelper:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	switch {
	case len(args) == 3 && args[0] == "saveloop":
		return withVault(args[1], func(s *vault.Store) error { return saveLoop(s, args[2]) })
	case len(args) == 2 && args[0] == "savewait":
		return withVault(args[1], saveWait)
	case len(args) == 2 && args[0] == "listwait":
		return withVault(args[1], listWait)
	}
	return errors.New("usage: vaulthelper saveloop VAULT NAME | savewait VAULT | listwait VAULT")
}

func withVault(path string, f func(*vault.Store) error) error {
	pw, err := memguard.NewBufferFromReaderUntil(os.Stdin, '\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	s, err := vault.Open(path, vault.Credentials{Password: pw.Bytes()}, nil)
	pw.Destroy()
	if err != nil {
		return err
	}
	defer s.Lock()
	return f(s)
}

func saveLoop(s *vault.Store, name string) error {
	it, err := s.Find(name, vault.KindAccount)
	if err != nil {
		return err
	}
	counter, err := counterOf(s, it.ID)
	if err != nil {
		return err
	}
	fmt.Printf("ready %d\n", counter)
	for {
		if _, err := s.NextHOTP(it.ID); err != nil {
			return err
		}
		if err := s.Save(); err != nil {
			return err
		}
		counter++
		fmt.Printf("saved %d\n", counter)
	}
}

func counterOf(s *vault.Store, id vault.UUID) (uint64, error) {
	accounts, err := s.Accounts()
	if err != nil {
		return 0, err
	}
	for _, a := range accounts {
		if a.ID == id {
			return a.Counter, nil
		}
	}
	return 0, fmt.Errorf("account %s vanished", vault.FormatUUID(id))
}

func saveWait(s *vault.Store) error {
	if err := useEverything(s); err != nil {
		return err
	}
	if err := s.Save(); err != nil {
		return err
	}
	fmt.Println("ready")
	_, err := io.Copy(io.Discard, os.Stdin)
	return err
}

func listWait(s *vault.Store) error {
	if _, err := s.Accounts(); err != nil {
		return err
	}
	if _, err := s.RecoverySets(); err != nil {
		return err
	}
	if _, err := s.Tokens(); err != nil {
		return err
	}
	fmt.Println("ready")
	_, err := io.Copy(io.Discard, os.Stdin)
	return err
}

// useEverything touches every kind of secret the vault holds.
func useEverything(s *vault.Store) error {
	accounts, err := s.Accounts()
	if err != nil {
		return err
	}
	for _, a := range accounts {
		if _, err := s.Code(a.ID, time.Now()); err != nil {
			return err
		}
		if a.Type == otp.HOTP {
			if _, err := s.NextHOTP(a.ID); err != nil {
				return err
			}
		}
	}
	sets, err := s.RecoverySets()
	if err != nil {
		return err
	}
	for _, r := range sets {
		if r.Err != nil {
			continue // no codes stored
		}
		if _, _, err := s.UseRecoveryCode(r.ID); err != nil {
			return err
		}
	}
	tokens, err := s.Tokens()
	if err != nil {
		return err
	}
	for _, t := range tokens {
		buf, err := s.TokenSecret(t.ID)
		if err != nil {
			return err
		}
		buf.Destroy()
	}
	return nil
}
