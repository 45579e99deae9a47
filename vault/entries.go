package vault

import (
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/awnumar/memguard"
	"github.com/tobischo/gokeepasslib/v3"
	w "github.com/tobischo/gokeepasslib/v3/wrappers"

	"github.com/twofold-app/twofold/vault/internal/kdbx"
	"github.com/twofold-app/twofold/vault/internal/secret"
	"github.com/twofold-app/twofold/vault/otp"
)

// UUID is a KeePass entry's identity.
type UUID = gokeepasslib.UUID

// FormatUUID writes a UUID lower-case and hyphenated.
func FormatUUID(u UUID) string {
	h := hex.EncodeToString(u[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// ParseUUID reads FormatUUID's form (braces and case are ignored).
func ParseUUID(s string) (UUID, error) {
	var u UUID
	h := strings.NewReplacer("-", "", "{", "", "}", "").Replace(strings.TrimSpace(s))
	b, err := hex.DecodeString(h)
	if err != nil || len(b) != 16 {
		return u, fmt.Errorf("%w: %q is not a UUID", ErrInvalid, s)
	}
	copy(u[:], b)
	return u, nil
}

// Standard KeePass fields.
const (
	fTitle    = "Title"
	fUserName = "UserName"
	fPassword = "Password"
	fURL      = "URL"
	fNotes    = "Notes"
)

// visit is called for every entry with the names of its groups below the
// root; returning false stops the walk.
type visit func(groups []string, e *gokeepasslib.Entry, recycled bool) bool

// walk visits the entries of the vault in document order. Entries inside
// the recycle bin are passed with recycled set.
func (s *Store) walk(fn visit) {
	c := s.db.Content
	var bin UUID
	if c.Meta.RecycleBinEnabled.Bool {
		bin = c.Meta.RecycleBinUUID
	}
	for i := range c.Root.Groups {
		// The top group is the root: its name is not part of paths.
		if !walkGroup(&c.Root.Groups[i], nil, bin, false, fn) {
			return
		}
	}
}

func walkGroup(g *gokeepasslib.Group, path []string, bin UUID, recycled bool, fn visit) bool {
	recycled = recycled || (!bin.IsZero() && g.UUID == bin)
	for i := range g.Entries {
		if !fn(path, &g.Entries[i], recycled) {
			return false
		}
	}
	for i := range g.Groups {
		sub := &g.Groups[i]
		if !walkGroup(sub, append(path[:len(path):len(path)], sub.Name), bin, recycled, fn) {
			return false
		}
	}
	return true
}

// find returns the live entry with the given UUID.
func (s *Store) find(id UUID) (*gokeepasslib.Entry, []string, error) {
	var found *gokeepasslib.Entry
	var groups []string
	s.walk(func(g []string, e *gokeepasslib.Entry, recycled bool) bool {
		if e.UUID == id && !recycled {
			found, groups = e, g
			return false
		}
		return true
	})
	if found == nil {
		return nil, nil, fmt.Errorf("%w: %s", ErrNotFound, FormatUUID(id))
	}
	return found, groups, nil
}

// fields gives the otp package an entry's values: plain ones as they are,
// protected ones opened from the Box.
type fields struct {
	e   *gokeepasslib.Entry
	box *secret.Box
}

func (f fields) Plain(key string) (string, bool) {
	v := f.e.Get(key)
	if v == nil {
		return "", false
	}
	if _, ok := kdbx.ParsePlaceholder(v.Value.Content); ok {
		return "", false
	}
	return v.Value.Content, true
}

func (f fields) Secret(key string) (*memguard.LockedBuffer, bool) {
	v := f.e.Get(key)
	if v == nil {
		return nil, false
	}
	h, ok := kdbx.ParsePlaceholder(v.Value.Content)
	if !ok {
		return secret.FromBytes([]byte(v.Value.Content)), true
	}
	buf, err := f.box.Open(h)
	if err != nil {
		return nil, false
	}
	return buf, true
}

// setPlain sets an unprotected field.
func setPlain(e *gokeepasslib.Entry, key, value string) {
	if v := e.Get(key); v != nil {
		v.Value.Content = value
		v.Value.Protected = w.NewBoolWrapper(false)
		return
	}
	e.Values = append(e.Values, gokeepasslib.ValueData{Key: key, Value: gokeepasslib.V{Content: value}})
}

// removeField deletes a field (and its sealed value) if present.
func (s *Store) removeField(e *gokeepasslib.Entry, key string) {
	for i := range e.Values {
		if e.Values[i].Key != key {
			continue
		}
		if h, ok := kdbx.ParsePlaceholder(e.Values[i].Value.Content); ok {
			s.db.Secrets.Drop(h)
		}
		e.Values = append(e.Values[:i], e.Values[i+1:]...)
		return
	}
}

// setSecret seals value and stores it as a protected field.
func (s *Store) setSecret(e *gokeepasslib.Entry, key string, value []byte) error {
	if v := e.Get(key); v != nil {
		if h, ok := kdbx.ParsePlaceholder(v.Value.Content); ok {
			return s.db.Secrets.Replace(h, value)
		}
	}
	h, err := s.db.Secrets.Seal(value)
	if err != nil {
		return err
	}
	if v := e.Get(key); v != nil {
		v.Value.Content = kdbx.Placeholder(h)
		v.Value.Protected = w.NewBoolWrapper(true)
		return nil
	}
	e.Values = append(e.Values, gokeepasslib.ValueData{Key: key, Value: gokeepasslib.V{Content: kdbx.Placeholder(h), Protected: w.NewBoolWrapper(true)}})
	return nil
}

// lender lends an entry's secret fields out of the Box to otp.ReadFields
// without a locked buffer of their own, and keeps the raw secret it
// decodes, sealed, as raw (when kept).
type lender struct {
	fields
	raw  secret.Handle
	kept bool
}

// Lend implements otp.Lender. Like fields.Secret, a field that cannot be
// opened counts as absent.
func (l *lender) Lend(key string, fn func(plain, work []byte) (int, error)) (bool, error) {
	v := l.e.Get(key)
	if v == nil {
		return false, nil
	}
	h, ok := kdbx.ParsePlaceholder(v.Value.Content)
	if !ok {
		return l.lendUnsealed(v.Value.Content, fn)
	}
	opened := false
	raw, kept, err := l.box.Derive(h, func(plain, work []byte) (int, error) {
		opened = true
		return fn(plain, work)
	})
	if !opened {
		return false, nil
	}
	if kept {
		l.keep(raw)
	}
	return true, err
}

// lendUnsealed lends a secret field stored in the clear (only an empty
// one once the vault is open: sealUnprotectedSecrets seals the others).
func (l *lender) lendUnsealed(content string, fn func(plain, work []byte) (int, error)) (bool, error) {
	plain := secret.FromBytes([]byte(content))
	defer plain.Destroy()
	work := secret.NewBuffer(2 * plain.Size())
	defer work.Destroy()
	n, err := fn(plain.Bytes(), work.Bytes())
	if err != nil || n == 0 {
		return true, err
	}
	raw, err := l.box.Seal(work.Bytes()[:n])
	if err == nil {
		l.keep(raw)
	}
	return true, err
}

func (l *lender) keep(raw secret.Handle) {
	l.drop()
	l.raw, l.kept = raw, true
}

// drop forgets the kept secret, if any.
func (l *lender) drop() {
	if l.kept {
		l.box.Drop(l.raw)
		l.kept = false
	}
}

// openSecret opens a protected field; the caller destroys the buffer.
func (s *Store) openSecret(e *gokeepasslib.Entry, key string) (*memguard.LockedBuffer, error) {
	buf, ok := fields{e, s.db.Secrets}.Secret(key)
	if !ok {
		if s.db.Secrets.Wiped() {
			return nil, ErrLocked
		}
		return nil, fmt.Errorf("%w: entry %s has no %s", ErrNotFound, FormatUUID(e.UUID), key)
	}
	return buf, nil
}

// isSecretField lists the fields Twofold treats as secrets even where the
// file left them unprotected.
func isSecretField(key string) bool {
	return key == fPassword || key == fRecoveryCodes || otp.IsSecretField(key)
}

// sealUnprotectedSecrets moves secret fields that another app stored
// unprotected into the Box; saving writes them protected. (Their plain
// text passed through ordinary memory once, while the file was parsed.)
func (s *Store) sealUnprotectedSecrets() {
	s.walk(func(_ []string, e *gokeepasslib.Entry, _ bool) bool {
		s.sealEntry(e)
		for i := range e.Histories {
			for j := range e.Histories[i].Entries {
				s.sealEntry(&e.Histories[i].Entries[j])
			}
		}
		return true
	})
}

func (s *Store) sealEntry(e *gokeepasslib.Entry) {
	for i := range e.Values {
		v := &e.Values[i]
		if v.Value.Protected.Bool || !isSecretField(v.Key) || v.Value.Content == "" {
			continue
		}
		plain := []byte(v.Value.Content)
		h, err := s.db.Secrets.Seal(plain)
		secret.Wipe(plain)
		if err != nil {
			return
		}
		v.Value.Content = kdbx.Placeholder(h)
		v.Value.Protected = w.NewBoolWrapper(true)
	}
}

// newEntry makes an entry with the vault's time format.
func (s *Store) newEntry() gokeepasslib.Entry {
	e := gokeepasslib.NewEntry(gokeepasslib.WithEntryFormattedTime(!s.db.Version.IsV4()))
	now := w.TimeWrapper{Formatted: !s.db.Version.IsV4(), Time: s.opts.now().UTC()}
	e.Times.CreationTime, e.Times.LastModificationTime, e.Times.LastAccessTime = &now, &now, &now
	return e
}

// group returns the group at path below the root, creating missing ones.
func (s *Store) group(path []string) *gokeepasslib.Group {
	g := &s.db.Content.Root.Groups[0]
	for _, name := range path {
		idx := -1
		for i := range g.Groups {
			if g.Groups[i].Name == name {
				idx = i
				break
			}
		}
		if idx < 0 {
			ng := gokeepasslib.NewGroup(gokeepasslib.WithGroupFormattedTime(!s.db.Version.IsV4()))
			ng.Name = name
			g.Groups = append(g.Groups, ng)
			idx = len(g.Groups) - 1
		}
		g = &g.Groups[idx]
	}
	return g
}

// addEntry appends e to the group at path and returns the stored entry.
func (s *Store) addEntry(path []string, e gokeepasslib.Entry) *gokeepasslib.Entry {
	g := s.group(path)
	g.Entries = append(g.Entries, e)
	s.dirty = true
	return &g.Entries[len(g.Entries)-1]
}

// touch records a modification of e.
func (s *Store) touch(e *gokeepasslib.Entry) {
	now := w.TimeWrapper{Formatted: !s.db.Version.IsV4(), Time: s.opts.now().UTC()}
	e.Times.LastModificationTime = &now
	s.dirty = true
}
