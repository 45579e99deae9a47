package transfer

import (
	"bytes"
	"fmt"
	"io"
	"os"

	"github.com/awnumar/memguard"

	"github.com/twofold-app/twofold/vault"
	"github.com/twofold-app/twofold/vault/internal/secret"
	"github.com/twofold-app/twofold/vault/otp"
)

// Source is what an exporter reads: a list of accounts whose secrets are
// read one at a time. A *Result is a Source (convert a file without a
// vault); FromVault makes one of a vault.
type Source interface {
	// Len is the number of accounts.
	Len() int
	// Entry is account i without its secret.
	Entry(i int) Account
	// Key is account i with its secret in locked memory; the caller
	// destroys it.
	Key(i int) (*otp.Key, error)
}

// Len implements Source.
func (r *Result) Len() int { return len(r.Accounts) }

// Entry implements Source.
func (r *Result) Entry(i int) Account { return r.Accounts[i] }

type vaultSource struct {
	s        *vault.Store
	accounts []vault.Account
}

// FromVault makes a Source of the vault's accounts that keep matches
// (nil: all). Accounts whose OTP fields cannot be used are returned as
// skipped, with the reason.
func FromVault(s *vault.Store, keep func(vault.Account) bool) (Source, []Skipped, error) {
	all, err := s.Accounts()
	if err != nil {
		return nil, nil, err
	}
	src := &vaultSource{s: s}
	var skipped []Skipped
	for i, a := range all {
		if keep != nil && !keep(a) {
			continue
		}
		if a.Err != nil {
			skipped = append(skipped, Skipped{Index: i, Name: a.Name(), Err: a.Err})
			continue
		}
		src.accounts = append(src.accounts, a)
	}
	return src, skipped, nil
}

func (v *vaultSource) Len() int { return len(v.accounts) }

func (v *vaultSource) Entry(i int) Account {
	a := v.accounts[i]
	e := Account{Params: a.Params, Group: a.Group}
	if a.Title != a.Issuer {
		e.Title = a.Title
	}
	return e
}

func (v *vaultSource) Key(i int) (*otp.Key, error) { return v.s.Key(v.accounts[i].ID) }

// ExportURIs writes one otpauth:// URI a line (KeePassXC's layout; Steam
// accounts with encoder=steam). Each URI goes from locked memory straight
// to w.
func ExportURIs(src Source, w io.Writer) error {
	for i := range src.Len() {
		k, err := src.Key(i)
		if err != nil {
			return fmt.Errorf("export %s: %w", src.Entry(i).Name(), err)
		}
		uri := URI(k)
		k.Destroy()
		_, err = w.Write(uri.Bytes())
		uri.Destroy()
		if err == nil {
			_, err = w.Write([]byte("\n"))
		}
		if err != nil {
			return fmt.Errorf("export: %w", err)
		}
	}
	return nil
}

// URI is k's otpauth URI for other apps, in locked memory (the caller
// destroys it): otp's URI (KeePassXC's layout) without the secret's '='
// padding, which Google's Key Uri Format says to omit and some
// authenticators reject. A nil or empty key gives nil.
func URI(k *otp.Key) *memguard.LockedBuffer {
	full := k.URI()
	if full == nil {
		return nil
	}
	b := full.Bytes()
	start := bytes.Index(b, []byte("?secret="))
	if start < 0 {
		return full // not reached: URI always writes the secret
	}
	defer full.Destroy()
	start += len("?secret=")
	end := start + bytes.IndexByte(b[start:], '&')
	if end < start {
		end = len(b)
	}
	pad := bytes.Count(b[start:end], []byte("%3D"))
	out := secret.NewBuffer(len(b) - 3*pad)
	w := out.Bytes()[:0] // appends stay within its capacity: locked memory
	w = append(w, b[:start]...)
	for i := start; i < end; i++ {
		if bytes.HasPrefix(b[i:end], []byte("%3D")) {
			i += 2
			continue
		}
		w = append(w, b[i])
	}
	_ = append(w, b[end:]...)
	return out
}

// ExportKeePass writes the accounts into a new KeePass database at path
// (which must not exist), with their groups and titles, under the given
// credentials. o sets the format and key derivation (zero: KDBX 4,
// Argon2id calibrated to one second, as for a new vault). Only OTP
// accounts are written: the Source has nothing else.
func ExportKeePass(src Source, path string, cr vault.Credentials, o vault.CreateOptions) (err error) {
	s, err := vault.Create(path, cr, o)
	if err != nil {
		return err
	}
	defer func() {
		s.Lock()
		if err != nil {
			os.Remove(path) // half an export is no export
		}
		os.Remove(vault.BackupPath(path)) // the empty database Create saved first
		os.Remove(vault.LockPath(path))   // no one else writes a new export
	}()
	for i := range src.Len() {
		if err := addToVault(s, src, i); err != nil {
			return err
		}
	}
	return s.Save()
}

func addToVault(s *vault.Store, src Source, i int) error {
	k, err := src.Key(i)
	if err != nil {
		return fmt.Errorf("export %s: %w", src.Entry(i).Name(), err)
	}
	defer k.Destroy()
	e := src.Entry(i)
	_, err = s.AddAccount(vault.NewAccount{Key: k, Group: e.Group, Title: e.Title})
	return err
}
