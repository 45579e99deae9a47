package transfer

import (
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"

	"github.com/awnumar/memguard"

	"github.com/twofold-app/twofold/vault"
	"github.com/twofold-app/twofold/vault/internal/secret"
	"github.com/twofold-app/twofold/vault/otp"
)

// Status is what importing one entry would do.
type Status int

// Statuses of a preview item.
const (
	// New: the account will be added.
	New Status = iota
	// Duplicate: the vault (or an earlier entry of the same file) already
	// holds an account with the same secret, which makes the same codes;
	// it is not added again.
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
	// OtherName: the Duplicate has another issuer or account name than
	// the item it repeats (Existing, or the entry DuplicateOf).
	OtherName bool
	// Namesake is the vault account with this New entry's name and
	// another secret (the service was set up again, or two accounts share
	// a name), or nil. Both are kept: only the person can tell which
	// secret is current.
	Namesake *vault.Account
	// Err is why an Invalid entry cannot be imported.
	Err error
}

// Preview lists what importing a Result into a vault would do: Items[i]
// is Result.Accounts[i] (so Items[it.DuplicateOf] is the entry an item
// repeats), followed by the entries that cannot be imported.
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
// duplicate when the vault, or an earlier entry of the file, holds its
// very secret: the same secret makes the same codes, whatever the name,
// so a second line would add nothing but doubt (with another name the
// item says so: OtherName). An account with a vault account's issuer
// and account name (ignoring case and surrounding space) but another
// secret is new (a re-enrolled account), with the vault's account as its
// Namesake. It changes nothing.
func PreviewImport(s *vault.Store, r *Result) (*Preview, error) {
	existing, err := s.Accounts()
	if err != nil {
		return nil, err
	}
	ix, err := newSecretIndex(s)
	if err != nil {
		return nil, err
	}
	defer ix.destroy()
	inFile := map[fingerprint]int{} // first entry of the file with a secret
	p := &Preview{Format: r.Format}
	for i, a := range r.Accounts {
		it := Item{Status: New, Index: i, Name: a.Name(), Params: a.Params, Group: a.Group, DuplicateOf: -1}
		var fp fingerprint
		err := r.withSecret(i, func(raw []byte) (err error) {
			fp, err = ix.of(raw)
			return err
		})
		if err != nil {
			return nil, err
		}
		j, seen := inFile[fp]
		if !seen {
			inFile[fp], j = i, -1
		}
		markDuplicate(&it, r, existing, ix.vault[fp], j)
		p.Items = append(p.Items, it)
	}
	for _, sk := range r.Skipped {
		p.Items = append(p.Items, Item{Status: Invalid, Index: -1, Name: sk.Name, DuplicateOf: -1, Err: sk.Err})
	}
	return p, nil
}

// markDuplicate sets it to Duplicate when the vault holds its secret
// (twins: the accounts holding it; one of its name is preferred) or else
// an earlier entry of the file does (earlier; -1: none); a new account gets the
// first vault account of its name as its Namesake.
func markDuplicate(it *Item, r *Result, existing, twins []vault.Account, earlier int) {
	for _, t := range twins {
		other := !sameName(it.Params, t.Params)
		if it.Status != Duplicate || it.OtherName && !other {
			it.Status, it.Existing, it.OtherName = Duplicate, t, other
		}
	}
	if it.Status == Duplicate {
		return
	}
	if earlier >= 0 {
		it.Status, it.DuplicateOf, it.OtherName = Duplicate, earlier, !sameName(it.Params, r.Accounts[earlier].Params)
		return
	}
	for i := range existing {
		if existing[i].Err == nil && sameName(it.Params, existing[i].Params) {
			v := existing[i]
			it.Namesake = &v
			return
		}
	}
}

// fingerprint is a keyed hash of a secret, to find equal secrets among
// many without opening every pair of them (each opening costs a locked
// page): SHA-256 of a random key followed by the secret, computed in
// locked memory (secret.Sum; crypto/hmac would copy the secret to the
// heap). The key is wiped with the index, so the fingerprints left on the
// heap tell nothing of any secret.
type fingerprint [sha256.Size]byte

// secretIndex maps the fingerprints of the vault's accounts' secrets to
// the accounts.
type secretIndex struct {
	work  *memguard.LockedBuffer // the key, then SumWork's scratch
	vault map[fingerprint][]vault.Account
}

const fingerprintKeySize = 32

func newSecretIndex(s *vault.Store) (*secretIndex, error) {
	ix := &secretIndex{work: secret.NewBuffer(fingerprintKeySize + 512), vault: map[fingerprint][]vault.Account{}}
	rand.Read(ix.work.Bytes()[:fingerprintKeySize]) // never fails (crypto/rand panics instead)
	err := s.WithSecrets(func(a vault.Account, raw []byte) error {
		fp, err := ix.of(raw)
		ix.vault[fp] = append(ix.vault[fp], a)
		return err
	})
	if err != nil {
		ix.destroy()
		return nil, err
	}
	return ix, nil
}

func (ix *secretIndex) of(raw []byte) (fingerprint, error) {
	h := sha256.New()
	if n := fingerprintKeySize + secret.SumWorkSize(h, fingerprintKeySize+len(raw)); n > ix.work.Size() {
		grown := secret.NewBuffer(n)
		secret.Copy(grown.Bytes(), ix.work.Bytes()[:fingerprintKeySize])
		ix.work.Destroy()
		ix.work = grown
	}
	key, work := ix.work.Bytes()[:fingerprintKeySize], ix.work.Bytes()[fingerprintKeySize:]
	var fp fingerprint
	err := secret.SumWork(h, fp[:], work, key, raw)
	return fp, err
}

func (ix *secretIndex) destroy() { ix.work.Destroy() }

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
