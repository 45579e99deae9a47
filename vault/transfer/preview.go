package transfer

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"strings"

	"github.com/twofold-app/twofold/vault"
	"github.com/twofold-app/twofold/vault/otp"
)

// Status is what importing one entry would do.
type Status int

// Statuses of a preview item.
const (
	// New: the account will be added.
	New Status = iota
	// Duplicate: the vault (or an earlier entry of the same file) already
	// holds an account with the same issuer, account name and secret; it
	// is not added again.
	Duplicate
	// Invalid: the entry cannot be imported (Item.Err says why).
	Invalid
)

// String names the status for listings.
func (s Status) String() string {
	switch s {
	case New:
		return "new"
	case Duplicate:
		return "duplicate"
	case Invalid:
		return "cannot import"
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// Item is one line of a preview.
type Item struct {
	Status Status
	// Index is the account's position in Result.Accounts (New and
	// Duplicate), or -1.
	Index int
	// Name is how the entry is shown; Params its parameters (for New and
	// Duplicate); Group where it will go.
	Name   string
	Params otp.Params
	Group  []string
	// Existing is the vault account it duplicates (zero when it
	// duplicates an earlier entry of the file: see DuplicateOf).
	Existing vault.Account
	// DuplicateOf is the index of the earlier entry of the file it
	// repeats, or -1.
	DuplicateOf int
	// Namesake is the vault account with this New entry's name and
	// another secret (the service was set up again, or two accounts share
	// a name), or nil. Both are kept: only the person can tell which
	// secret is current.
	Namesake *vault.Account
	// Err is why an Invalid entry cannot be imported.
	Err error
}

// Preview lists what importing a Result into a vault would do, in file
// order, followed by the entries that cannot be imported.
type Preview struct {
	Format Format
	Items  []Item
}

// Count returns how many items have status s.
func (p *Preview) Count(s Status) int {
	n := 0
	for _, it := range p.Items {
		if it.Status == s {
			n++
		}
	}
	return n
}

// PreviewImport compares r with the vault's accounts. An account is a
// duplicate when the vault has one with the same issuer and account name
// (ignoring case and surrounding space) and the same secret (compared in
// locked memory, in constant time, through Store.Key); a same-named
// account with another secret is new (a re-enrolled account), with the
// vault's account as its Namesake. It changes nothing.
func PreviewImport(s *vault.Store, r *Result) (*Preview, error) {
	existing, err := s.Accounts()
	if err != nil {
		return nil, err
	}
	p := &Preview{Format: r.Format}
	for i, a := range r.Accounts {
		it := Item{Status: New, Index: i, Name: a.Name(), Params: a.Params, Group: a.Group, DuplicateOf: -1}
		if err := markDuplicate(s, r, i, existing, &it); err != nil {
			return nil, err
		}
		p.Items = append(p.Items, it)
	}
	for _, sk := range r.Skipped {
		p.Items = append(p.Items, Item{Status: Invalid, Index: -1, Name: sk.Name, DuplicateOf: -1, Err: sk.Err})
	}
	return p, nil
}

// markDuplicate sets it to Duplicate when account i of r repeats an
// account of the vault (checked first) or an earlier account of r.
func markDuplicate(s *vault.Store, r *Result, i int, existing []vault.Account, it *Item) error {
	a := r.Accounts[i]
	k, err := r.Key(i)
	if err != nil {
		return err
	}
	defer k.Destroy()
	mine := k.Secret.Bytes()
	for _, v := range existing {
		if v.Err != nil || !sameName(a.Params, v.Params) {
			continue
		}
		theirs, err := s.Key(v.ID)
		if err != nil {
			return err
		}
		same := equalSecret(mine, theirs.Secret.Bytes())
		theirs.Destroy()
		if same {
			it.Status, it.Existing, it.Namesake = Duplicate, v, nil
			return nil
		}
		if it.Namesake == nil {
			it.Namesake = &v
		}
	}
	for j := range i {
		if !sameName(a.Params, r.Accounts[j].Params) {
			continue
		}
		same := false
		if err := r.withSecret(j, func(raw []byte) error { same = equalSecret(mine, raw); return nil }); err != nil {
			return err
		}
		if same {
			it.Status, it.DuplicateOf, it.Namesake = Duplicate, j, nil
			return nil
		}
	}
	return nil
}

func equalSecret(a, b []byte) bool { return subtle.ConstantTimeCompare(a, b) == 1 }

func sameName(a, b otp.Params) bool {
	return strings.EqualFold(strings.TrimSpace(a.Issuer), strings.TrimSpace(b.Issuer)) &&
		strings.EqualFold(strings.TrimSpace(a.Account), strings.TrimSpace(b.Account))
}

// ApplyOptions tune Apply.
type ApplyOptions struct {
	// Group, when set, puts every imported account in this group (below
	// the vault's root) instead of the group the file gave it.
	Group []string
}

// Apply adds the New items of p (made by PreviewImport for r and s) to
// the vault and saves it once, all or nothing. It first checks every
// account can be stored: the vault refuses no account that passes
// Validate, so adding fails half-way only when the vault is locked or a
// secret of r cannot be read meanwhile; the save can fail too (the file
// changed on disk, the disk full).
//
// If any step fails nothing is saved (a failed Save leaves the file as it
// was) and the error is returned. A Store that had no unsaved changes
// when Apply began is reverted (Store.Revert) to exactly that state. One
// that had unsaved changes keeps them, and the accounts added before the
// failure with them: Apply cannot tell them apart, and the caller
// reverts or locks it.
func Apply(s *vault.Store, r *Result, p *Preview, o ApplyOptions) ([]vault.Account, error) {
	var todo []int
	for _, it := range p.Items {
		if it.Status != New {
			continue
		}
		if it.Index < 0 || it.Index >= len(r.Accounts) {
			return nil, fmt.Errorf("apply import: preview does not match the import result")
		}
		if err := r.Accounts[it.Index].Validate(); err != nil {
			return nil, fmt.Errorf("apply import: %s: %w", it.Name, err)
		}
		todo = append(todo, it.Index)
	}
	clean := !s.Dirty()
	added := make([]vault.Account, 0, len(todo))
	for _, i := range todo {
		va, err := addOne(s, r, i, o)
		if err != nil {
			return nil, undo(s, clean, fmt.Errorf("apply import: %s: %w", r.Accounts[i].Name(), err))
		}
		added = append(added, va)
	}
	if len(added) == 0 {
		return nil, nil
	}
	if err := s.Save(); err != nil {
		return nil, undo(s, clean, err)
	}
	return added, nil
}

// undo drops what a failed Apply added, when the Store had no unsaved
// changes before it (clean): its last save was then its whole state. A
// locked Store has nothing left to drop. The error says which it was.
func undo(s *vault.Store, clean bool, err error) error {
	if !clean {
		return fmt.Errorf("%w (nothing was saved)", err)
	}
	if rerr := s.Revert(); rerr != nil && !errors.Is(rerr, vault.ErrLocked) {
		return fmt.Errorf("%w; nothing was saved, but the accounts added before the failure are still in memory: lock the vault (%v)", err, rerr)
	}
	return fmt.Errorf("%w; nothing was imported", err)
}

func addOne(s *vault.Store, r *Result, i int, o ApplyOptions) (vault.Account, error) {
	k, err := r.Key(i)
	if err != nil {
		return vault.Account{}, err
	}
	defer k.Destroy()
	a := r.Accounts[i]
	group := a.Group
	if len(o.Group) > 0 {
		group = o.Group
	}
	return s.AddAccount(vault.NewAccount{Key: k, Group: group, Title: a.Title})
}
