package vault

import (
	"bytes"
	"crypto/subtle"
	"fmt"
	"strings"

	"github.com/twofold-app/twofold/vault/otp"
)

// A name is meant to find one item: `twofold codes GitHub`, `recovery use
// GitHub`, `token exec pypi`. Adding a second item under a name the vault
// already has (a service's new recovery codes, a rotated token, 2FA set
// up again) would make that name ambiguous and leave the stale item
// looking current. These report what an addition would clash with, so
// the CLI and the window can refuse, or replace on request (the old item
// goes to the recycle bin, where KeePassXC can restore it). Adding itself
// does not check: an import or an export copies what a vault already
// holds, duplicates included.

// Clash is a live item a new one would share its name with.
type Clash struct {
	ID    UUID
	Group []string
	Name  string // as the item is shown
	// SameSecret: an account (or token) holding the very secret being
	// added, so adding it again would change nothing.
	SameSecret bool
	// Detail says what the old item holds, e.g. "2 of 10 unused".
	Detail string
}

// ClashError is returned by a caller that refuses to add an item whose
// name the vault already has. It matches ErrDuplicate.
type ClashError struct {
	Kind  Kind
	Name  string
	Clash []Clash
}

// ErrDuplicate matches every *ClashError; ErrSameAccount those where an
// account (or a token) with the very secret is already stored.
var (
	ErrDuplicate   = fmt.Errorf("%w: the name is already in use", ErrInvalid)
	ErrSameAccount = fmt.Errorf("%w: the account is already stored", ErrDuplicate)
	// ErrSeveralNamed: several items have the name already, so --replace
	// cannot tell which one the new item replaces.
	ErrSeveralNamed = fmt.Errorf("%w: several items have the name", ErrDuplicate)
)

func (e *ClashError) Error() string {
	c := e.Clash[0]
	switch {
	case len(e.Clash) > 1:
		ids := make([]string, len(e.Clash))
		for i, c := range e.Clash {
			ids[i] = groupPath(c.Group, c.Name) + " [" + FormatUUID(c.ID) + "]"
		}
		return fmt.Sprintf("%d items are already named %s: %s", len(e.Clash), e.Name, strings.Join(ids, ", "))
	case c.SameSecret && e.Kind == KindToken:
		return fmt.Sprintf("the token %s is already in the vault (%s)", c.Name, FormatUUID(c.ID))
	case c.SameSecret:
		return fmt.Sprintf("%s is already in the vault with this secret (%s)", c.Name, FormatUUID(c.ID))
	case e.Kind == KindAccount:
		return fmt.Sprintf("%s is already in the vault with another secret (%s)", c.Name, FormatUUID(c.ID))
	}
	what := map[Kind]string{KindRecovery: "recovery codes", KindToken: "a token"}[e.Kind]
	detail := ""
	if c.Detail != "" {
		detail = ", " + c.Detail
	}
	return fmt.Sprintf("%s already has %s (%s%s)", c.Name, what, FormatUUID(c.ID), detail)
}

// Is lets errors.Is(err, ErrDuplicate) (and so ErrInvalid) match, and
// ErrSameAccount for an account stored already.
func (e *ClashError) Is(target error) bool {
	switch target {
	case ErrSameAccount:
		return len(e.Clash) == 1 && e.Clash[0].SameSecret
	case ErrSeveralNamed:
		return len(e.Clash) > 1
	}
	return target == ErrDuplicate || target == ErrInvalid
}

// ResolveClash applies a caller's policy for the clashes of an item about
// to be added under name: none, fine; an account with the same secret, or
// clashes without replace, or several, a *ClashError; with replace and one
// clash, that one, which the caller removes (Remove: to the recycle bin)
// once the new item is added, so a failed addition leaves it in place.
func ResolveClash(kind Kind, name string, clashes []Clash, replace bool) (*Clash, error) {
	for _, c := range clashes {
		if c.SameSecret {
			return nil, &ClashError{Kind: kind, Name: name, Clash: []Clash{c}}
		}
	}
	switch {
	case len(clashes) == 0:
		return nil, nil
	case !replace || len(clashes) > 1:
		return nil, &ClashError{Kind: kind, Name: name, Clash: clashes}
	}
	return &clashes[0], nil
}

// sameText compares names as people type them: case and surrounding
// space do not count.
func sameText(a, b string) bool { return strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b)) }

// ErrNoName: an account with neither issuer nor account name, which no
// name would find and lists would show as a blank line.
var ErrNoName = fmt.Errorf("%w: the account has no name (neither issuer nor account)", ErrInvalid)

// CheckNamed refuses a new account without a name (ErrNoName).
func CheckNamed(p otp.Params) error {
	if strings.TrimSpace(p.Issuer) == "" && strings.TrimSpace(p.Account) == "" {
		return ErrNoName
	}
	return nil
}

// AccountClashes lists the live accounts with k's issuer and account (in
// any group), marking those that hold k's very secret.
func (s *Store) AccountClashes(k *otp.Key) ([]Clash, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cache, err := s.accountsLocked()
	if err != nil {
		return nil, err
	}
	var out []Clash
	for _, a := range cache {
		if !sameText(a.Issuer, k.Issuer) || !sameText(a.Account.Account, k.Account) {
			continue
		}
		c := Clash{ID: a.ID, Group: a.Group, Name: a.Name()}
		if a.Err == nil {
			err := s.db.Secrets.With(a.raw, func(raw []byte) error {
				c.SameSecret = subtle.ConstantTimeCompare(raw, k.Secret.Bytes()) == 1
				return nil
			})
			if err != nil {
				return nil, lockedOr(err)
			}
		}
		out = append(out, c)
	}
	return out, nil
}

// RecoveryClashes lists the live recovery-code sets for service and
// account (in any group).
func (s *Store) RecoveryClashes(service, account string) ([]Clash, error) {
	sets, err := s.RecoverySets()
	if err != nil {
		return nil, err
	}
	var out []Clash
	for _, r := range sets {
		if !sameText(r.Service, service) || !sameText(r.Account, account) {
			continue
		}
		detail := fmt.Sprintf("%d of %d unused", r.Unused, r.Total)
		if r.Err != nil {
			detail = "no codes stored"
		}
		out = append(out, Clash{ID: r.ID, Group: r.Group, Name: r.Name(), Detail: detail})
	}
	return out, nil
}

// TokenClashes lists the live tokens named name (in any group), marking
// one that holds the very token (surrounding space aside).
func (s *Store) TokenClashes(name string, token []byte) ([]Clash, error) {
	tokens, err := s.Tokens()
	if err != nil {
		return nil, err
	}
	var out []Clash
	for _, t := range tokens {
		if !sameText(t.Name, name) {
			continue
		}
		c := Clash{ID: t.ID, Group: t.Group, Name: t.Name, Detail: t.Service}
		stored, err := s.TokenSecret(t.ID)
		if err != nil {
			return nil, err
		}
		c.SameSecret = subtle.ConstantTimeCompare(stored.Bytes(), bytes.TrimSpace(token)) == 1
		stored.Destroy()
		out = append(out, c)
	}
	return out, nil
}
