package transfer

import (
	"errors"
	"fmt"

	"github.com/twofold-app/twofold/vault"
)

// A KeePass database as a source: another Twofold vault, or a KeePassXC
// database with OTP entries in any convention the vault package reads.
// It is opened read-only (never saved) with the export password and
// Options.KeyFile; groups and titles come along.

func importKeePass(path string, o *Options) (*Result, error) {
	cr := vault.Credentials{KeyFile: o.KeyFile}
	if o.KeyFile == "" || o.Password != nil {
		pw, err := o.password(FormatKeePass)
		if err != nil {
			return nil, err
		}
		defer pw.Destroy()
		cr.Password = pw.Bytes()
		if cr.Password == nil {
			cr.Password = []byte{}
		}
	}
	s, err := vault.Open(path, cr, nil)
	if errors.Is(err, vault.ErrWrongPassword) {
		return nil, fmt.Errorf("%w: %w", ErrWrongPassword, err)
	}
	if err != nil {
		return nil, err
	}
	defer s.Lock()
	accounts, err := s.Accounts()
	if err != nil {
		return nil, err
	}
	if len(accounts) == 0 { // not damaged, as builder.result would say
		return nil, fmt.Errorf("import %q: %w", path, ErrNoOTPEntries)
	}
	b := newBuilder(FormatKeePass, o.Limits)
	for _, va := range accounts {
		if err := addVaultAccount(b, s, va); err != nil {
			return b.fail(err)
		}
	}
	return b.result()
}

func addVaultAccount(b *builder, s *vault.Store, va vault.Account) error {
	a := Account{Group: va.Group}
	if va.Title != va.Issuer {
		a.Title = va.Title
	}
	if va.Err != nil {
		a.Issuer = va.Issuer
		return b.skip(va.Name(), va.Err)
	}
	k, err := s.Key(va.ID)
	if err != nil {
		return err
	}
	return b.addKey(a, k)
}
