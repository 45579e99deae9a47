package vault

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/tobischo/gokeepasslib/v3"

	"github.com/twofold-app/twofold/vault/internal/secret"
	"github.com/twofold-app/twofold/vault/otp"
)

// FavouriteTag is the KeePass tag that pins an account on top.
const FavouriteTag = "favourite"

// Account is one live OTP account (an entry outside the recycle bin with
// OTP fields in any convention Twofold reads). It holds no secret.
type Account struct {
	ID         UUID
	Group      []string // group names below the root
	Title      string
	otp.Params // issuer, account, algorithm, digits, period, counter
	Convention otp.Convention
	Favourite  bool
	// Added is when the entry was made (KeePass's creation time; zero if
	// the file does not say): it tells two accounts of one name apart.
	Added time.Time
	// Err is set when the entry has OTP fields that cannot be used (the
	// message says why); such an account has no codes.
	Err error
}

// Name is how the account is shown: "Issuer (account)" or the title.
func (a Account) Name() string {
	issuer := a.Issuer
	if issuer == "" {
		issuer = a.Title
	}
	if a.Account == "" {
		return issuer
	}
	return issuer + " (" + a.Account + ")"
}

// accountCache remembers an account and its raw secret, sealed, so codes
// need no parsing.
type accountCache struct {
	Account
	raw secret.Handle
}

// Accounts lists the live OTP accounts in document order, favourites
// first.
func (s *Store) Accounts() ([]Account, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cache, err := s.accountsLocked()
	if err != nil {
		return nil, err
	}
	out := make([]Account, len(cache))
	for i := range cache {
		out[i] = cache[i].Account
	}
	slices.SortStableFunc(out, func(a, b Account) int {
		switch {
		case a.Favourite == b.Favourite:
			return 0
		case a.Favourite:
			return -1
		}
		return 1
	})
	return out, nil
}

func (s *Store) accountsLocked() ([]accountCache, error) {
	if s.db == nil {
		return nil, ErrLocked
	}
	if s.accounts != nil {
		return s.accounts, nil
	}
	var list []accountCache
	var failure error
	s.walk(func(groups []string, e *gokeepasslib.Entry, recycled bool) bool {
		if recycled || e.GetContent(fKind) != "" {
			return true
		}
		a, err := s.readAccount(groups, e)
		if errors.Is(err, otp.ErrNoOTP) {
			return true
		}
		if errors.Is(err, secret.ErrWiped) {
			failure = ErrLocked
			return false
		}
		list = append(list, a)
		return true
	})
	if failure != nil {
		return nil, failure
	}
	s.accounts = list
	return list, nil
}

// readAccount reads an entry's account. Its OTP fields are parsed in the
// Box's locked scratch memory and the raw secret sealed from there, so an
// account costs no locked buffer of its own (each is several system calls;
// they dominated unlocking large vaults).
func (s *Store) readAccount(groups []string, e *gokeepasslib.Entry) (accountCache, error) {
	a := accountCache{Account: Account{ID: e.UUID, Group: groups, Title: e.GetTitle(), Favourite: hasTag(e.Tags, FavouriteTag)}}
	if c := e.Times.CreationTime; c != nil {
		a.Added = c.Time
	}
	l := &lender{fields: fields{e, s.db.Secrets}}
	p, conv, err := otp.ReadFields(l)
	if err == nil && !l.kept {
		err = fmt.Errorf("read otp: %w", otp.ErrNoSecret) // ReadFields promises a kept secret
	}
	if err != nil {
		l.drop()
	}
	if errors.Is(err, otp.ErrNoOTP) || errors.Is(err, secret.ErrWiped) {
		return a, err
	}
	if err != nil {
		a.Err = err
		a.Issuer = a.Title
		return a, nil
	}
	a.Params, a.Convention, a.raw = p, conv, l.raw
	if a.Issuer == "" {
		a.Issuer = a.Title
	}
	if a.Params.Account == "" {
		a.Params.Account = e.GetContent(fUserName)
	}
	return a, nil
}

// refresh brings the cached account for entry id up to date after a
// change (re-read, added, or dropped when it is gone or no longer an
// account). Without a cache there is nothing to do: it is built on use.
func (s *Store) refresh(id UUID) error {
	if s.accounts == nil {
		return nil
	}
	idx := slices.IndexFunc(s.accounts, func(a accountCache) bool { return a.ID == id })
	if idx >= 0 {
		if s.accounts[idx].Err == nil {
			s.db.Secrets.Drop(s.accounts[idx].raw)
		}
		s.accounts = slices.Delete(s.accounts, idx, idx+1)
	}
	e, groups, err := s.find(id)
	if errors.Is(err, ErrNotFound) || e.GetContent(fKind) != "" {
		return nil
	}
	a, err := s.readAccount(groups, e)
	if errors.Is(err, otp.ErrNoOTP) {
		return nil
	}
	if err != nil {
		return lockedOr(err)
	}
	if idx < 0 {
		idx = len(s.accounts) // new entries are appended in document order
	}
	s.accounts = slices.Insert(s.accounts, idx, a)
	return nil
}

func hasTag(tags, tag string) bool {
	for _, t := range strings.FieldsFunc(tags, func(r rune) bool { return r == ',' || r == ';' }) {
		if strings.EqualFold(strings.TrimSpace(t), tag) {
			return true
		}
	}
	return false
}

// Code is an account's code at an instant.
type Code struct {
	Code string
	// Next is the code of the following period (TOTP only).
	Next string
	// Remaining is how long Code stays valid (TOTP only).
	Remaining time.Duration
}

// Code computes the account's code at t (HOTP: at its stored counter,
// without advancing it; see NextHOTP).
func (s *Store) Code(id UUID, t time.Time) (Code, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := s.cached(id)
	if err != nil {
		return Code{}, err
	}
	var c Code
	err = s.db.Secrets.WithWork(a.raw, otp.WorkSize, func(raw, work []byte) error {
		var err error
		if c.Code, err = otp.GenerateWith(a.Params, raw, t, work); err != nil || a.Type != otp.TOTP {
			return err
		}
		c.Remaining = a.Params.Remaining(t)
		c.Next, err = otp.GenerateWith(a.Params, raw, t.Add(time.Duration(a.Period)*time.Second), work)
		return err
	})
	return c, lockedOr(err)
}

func (s *Store) cached(id UUID) (accountCache, error) {
	list, err := s.accountsLocked()
	if err != nil {
		return accountCache{}, err
	}
	for _, a := range list {
		if a.ID == id {
			if a.Err != nil {
				return a, fmt.Errorf("account %s: %w", a.Name(), a.Err)
			}
			return a, nil
		}
	}
	return accountCache{}, fmt.Errorf("%w: account %s", ErrNotFound, FormatUUID(id))
}

func lockedOr(err error) error {
	if errors.Is(err, secret.ErrWiped) {
		return ErrLocked
	}
	return err
}

// NextHOTP returns the code at an HOTP account's counter and advances the
// counter (in memory: Save to keep it). At the counter's maximum it returns
// ErrCounterExhausted and changes nothing: advancing would wrap to 0 and
// hand out old codes again.
func (s *Store) NextHOTP(id UUID) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := s.cached(id)
	if err != nil {
		return "", err
	}
	if a.Type != otp.HOTP {
		return "", fmt.Errorf("%w: %s is a time-based (TOTP) account", ErrInvalid, a.Name())
	}
	e, _, err := s.find(id)
	if err != nil {
		return "", err
	}
	key, conv, err := otp.FromFields(fields{e, s.db.Secrets})
	if err != nil {
		return "", lockedOr(err)
	}
	defer key.Destroy()
	if key.Counter == math.MaxUint64 {
		return "", fmt.Errorf("%w: %s is at counter %d, the last there is; the account must be re-enrolled (set up a new secret with the service and add it again)",
			ErrCounterExhausted, a.Name(), key.Counter)
	}
	code, err := otp.Generate(key.Params, key.Secret.Bytes(), s.opts.now())
	if err != nil {
		return "", err
	}
	key.Counter++
	if err := s.writeOTP(e, conv, key); err != nil {
		return "", err
	}
	return code, nil
}

// writeOTP stores key in e in the given convention, first removing every
// field of that convention (Encode may re-spell a secret into another
// field, or fall back to another convention; a stale field left behind
// would be read first next time).
func (s *Store) writeOTP(e *gokeepasslib.Entry, conv otp.Convention, key *otp.Key) error {
	for _, f := range conv.Fields() {
		s.removeField(e, f)
	}
	for _, fw := range otp.Encode(conv, key) {
		if fw.Secret != nil {
			err := s.setSecret(e, fw.Key, fw.Secret.Bytes())
			fw.Secret.Destroy()
			if err != nil {
				return lockedOr(err)
			}
			continue
		}
		setPlain(e, fw.Key, fw.Plain)
	}
	s.touch(e)
	return s.refresh(e.UUID)
}

// NewAccount describes an account to add.
type NewAccount struct {
	Key   *otp.Key // params and secret; AddAccount does not destroy it
	Group []string // groups below the root ("" = root)
	Title string   // defaults to the issuer
}

// AddAccount stores a new OTP account the way KeePassXC does (a protected
// "otp" field holding an otpauth URI; title = issuer, user name =
// account), so KeePassXC shows the same code. HOTP accounts use KeePass 2's
// HmacOtp fields instead: KeePassXC ignores an otpauth URI's type and would
// show time-based codes for it.
func (s *Store) AddAccount(n NewAccount) (Account, error) {
	if err := n.Key.Params.Validate(); err != nil {
		return Account{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.db == nil {
		return Account{}, ErrLocked
	}
	if err := s.checkNewItemGroup(n.Group); err != nil {
		return Account{}, err
	}
	e := s.newEntry()
	title := n.Title
	if title == "" {
		title = n.Key.Issuer
	}
	if title == "" {
		title = n.Key.Account
	}
	setPlain(&e, fTitle, title)
	setPlain(&e, fUserName, n.Key.Account)
	if err := s.setSecret(&e, fPassword, nil); err != nil {
		return Account{}, lockedOr(err)
	}
	stored := s.addEntry(n.Group, e)
	if err := s.writeOTP(stored, otp.DefaultConvention(n.Key.Params), n.Key); err != nil {
		return Account{}, err
	}
	a, err := s.cached(stored.UUID)
	return a.Account, err
}

// SetFavourite pins or unpins an account.
func (s *Store) SetFavourite(id UUID, fav bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.db == nil {
		return ErrLocked
	}
	e, _, err := s.find(id)
	if err != nil {
		return err
	}
	var tags []string
	for _, t := range strings.FieldsFunc(e.Tags, func(r rune) bool { return r == ',' || r == ';' }) {
		if t = strings.TrimSpace(t); t != "" && !strings.EqualFold(t, FavouriteTag) {
			tags = append(tags, t)
		}
	}
	if fav {
		tags = append(tags, FavouriteTag)
	}
	e.Tags = strings.Join(tags, ";")
	s.touch(e)
	return s.refresh(id)
}

// WithSecrets calls fn with every live account whose secret can be read,
// in document order, and that secret in locked scratch memory, which fn
// must not keep. It is for work over many secrets at once (which accounts
// an import repeats) without a locked buffer for each, as Key would take.
// fn must not call the Store; its error stops the walk and is returned.
func (s *Store) WithSecrets(fn func(a Account, raw []byte) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	cache, err := s.accountsLocked()
	if err != nil {
		return err
	}
	for _, a := range cache {
		if a.Err != nil {
			continue
		}
		if err := s.db.Secrets.With(a.raw, func(raw []byte) error { return fn(a.Account, raw) }); err != nil {
			return lockedOr(err)
		}
	}
	return nil
}

// Key returns an account's parameters and secret (in locked memory), for
// exports and QR codes the user asked for. The caller destroys it.
func (s *Store) Key(id UUID) (*otp.Key, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := s.cached(id)
	if err != nil {
		return nil, err
	}
	var key *otp.Key
	err = s.db.Secrets.With(a.raw, func(raw []byte) error {
		buf := secret.NewBuffer(len(raw))
		copy(buf.Bytes(), raw)
		key = &otp.Key{Params: a.Params, Secret: buf}
		return nil
	})
	return key, lockedOr(err)
}
