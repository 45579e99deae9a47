package vault

import (
	"fmt"
	"slices"
	"strings"

	"github.com/tobischo/gokeepasslib/v3"
	w "github.com/tobischo/gokeepasslib/v3/wrappers"
)

// Kind tells what an item is.
type Kind string

// Item kinds.
const (
	KindAccount  Kind = "account"
	KindRecovery Kind = "recovery"
	KindToken    Kind = "token"
)

// Item is any Twofold item, for lookups by name.
type Item struct {
	ID    UUID
	Kind  Kind
	Group []string
	Title string
	// Name is how lists show the item: "Issuer (account)" for an account,
	// else its title.
	Name string
	// Names are the strings the item answers to: its title, "issuer",
	// "issuer:account", "issuer (account)", "group/title" and
	// "group/issuer (account)" (recovery sets name the service as
	// accounts name the issuer).
	Names []string
}

// Search returns the items of the given kind ("" = any) a filter keeps:
// the item with that UUID, else every item with a name containing the
// query (ignoring case), exact names included. Commands that show or
// export what a QUERY matches (codes, export) use it.
func (s *Store) Search(query string, kind Kind) ([]Item, error) {
	items, err := s.items(kind)
	if err != nil {
		return nil, err
	}
	if id, err := ParseUUID(query); err == nil {
		for _, it := range items {
			if it.ID == id {
				return []Item{it}, nil
			}
		}
	}
	q := strings.ToLower(strings.TrimSpace(query))
	return filterItems(items, func(n string) bool { return strings.Contains(n, q) }), nil
}

// Match returns the items of the given kind ("" = any) a NAME names:
// the item with that UUID; else those with a name equal to it (ignoring
// case); else those with a name containing it. Find wants exactly one.
func (s *Store) Match(query string, kind Kind) ([]Item, error) {
	found, err := s.Search(query, kind)
	if err != nil || len(found) < 2 {
		return found, err
	}
	q := strings.ToLower(strings.TrimSpace(query))
	if exact := filterItems(found, func(n string) bool { return n == q }); len(exact) > 0 {
		return exact, nil
	}
	return found, nil
}

// Find resolves a query to one item of the given kind ("" = any), as
// Match does: several matches give ErrAmbiguous listing them, with their
// UUIDs.
func (s *Store) Find(query string, kind Kind) (Item, error) {
	found, err := s.Match(query, kind)
	if err != nil {
		return Item{}, err
	}
	switch len(found) {
	case 0:
		return Item{}, fmt.Errorf("%w: nothing named %q", ErrNotFound, query)
	case 1:
		return found[0], nil
	}
	var names []string
	for _, it := range found {
		names = append(names, fmt.Sprintf("%s [%s]", groupPath(it.Group, it.Name), FormatUUID(it.ID)))
	}
	return Item{}, fmt.Errorf("%w: %q matches %s", ErrAmbiguous, query, strings.Join(names, ", "))
}

func filterItems(items []Item, match func(string) bool) []Item {
	var out []Item
	for _, it := range items {
		for _, n := range it.Names {
			if match(strings.ToLower(n)) {
				out = append(out, it)
				break
			}
		}
	}
	return out
}

func (s *Store) items(kind Kind) ([]Item, error) {
	var out []Item
	if kind == "" || kind == KindAccount {
		accounts, err := s.Accounts()
		if err != nil {
			return nil, err
		}
		for _, a := range accounts {
			names := []string{a.Title, a.Issuer, a.Name()}
			if a.Account != "" {
				names = append(names, a.Issuer+":"+a.Account)
			}
			if len(a.Group) > 0 {
				names = append(names, groupPath(a.Group, a.Name()))
			}
			out = append(out, item(a.ID, KindAccount, a.Group, a.Title, a.Name(), names))
		}
	}
	if kind == "" || kind == KindRecovery {
		sets, err := s.RecoverySets()
		if err != nil {
			return nil, err
		}
		for _, r := range sets {
			name, names := r.Name(), []string{r.Service}
			if r.Account != "" { // two accounts' sets are told apart as accounts are
				// The bare service is the set without an account's exact
				// name; it still finds this one as part of its names.
				names = []string{name, r.Service + ":" + r.Account}
			}
			out = append(out, item(r.ID, KindRecovery, r.Group, name, name, names)) // its path too: group/Service (account)
		}
	}
	if kind == "" || kind == KindToken {
		tokens, err := s.Tokens()
		if err != nil {
			return nil, err
		}
		for _, t := range tokens {
			out = append(out, item(t.ID, KindToken, t.Group, t.Name, t.Name, []string{t.Name}))
		}
	}
	return out, nil
}

func item(id UUID, k Kind, group []string, title, name string, names []string) Item {
	return Item{ID: id, Kind: k, Group: group, Title: title, Name: name, Names: append(names, groupPath(group, title))}
}

// groupPath is "group/sub/name".
func groupPath(group []string, name string) string {
	return strings.Join(append(append([]string{}, group...), name), "/")
}

// Remove moves an item to the recycle bin, as KeePassXC does (creating
// the bin if the vault has none); with the recycle bin disabled, or for
// an item already in it, it deletes the entry for good.
func (s *Store) Remove(id UUID) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.db == nil {
		return ErrLocked
	}
	parent, idx := s.parentOf(&s.db.Content.Root.Groups[0], id)
	if parent == nil {
		return fmt.Errorf("%w: %s", ErrNotFound, FormatUUID(id))
	}
	e := parent.Entries[idx]
	parent.Entries = append(parent.Entries[:idx], parent.Entries[idx+1:]...)
	meta := s.db.Content.Meta
	if meta.RecycleBinEnabled.Bool && parent.UUID != meta.RecycleBinUUID {
		bin := s.recycleBin()
		s.touch(&e)
		bin.Entries = append(bin.Entries, e)
	} else {
		now := w.TimeWrapper{Formatted: !s.db.Version.IsV4(), Time: s.opts.now().UTC()}
		s.db.Content.Root.DeletedObjects = append(s.db.Content.Root.DeletedObjects, gokeepasslib.DeletedObjectData{UUID: id, DeletionTime: &now})
	}
	s.dirty = true
	return s.refresh(id)
}

// RecycleBinEnabled reports whether Remove moves entries to the recycle
// bin (KeePass's default) rather than deleting them for good, as a vault
// whose recycle bin was turned off in KeePass or KeePassXC does. A locked
// Store reports false.
func (s *Store) RecycleBinEnabled() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.db != nil && s.db.Content.Meta.RecycleBinEnabled.Bool
}

func (s *Store) parentOf(g *gokeepasslib.Group, id UUID) (*gokeepasslib.Group, int) {
	for i := range g.Entries {
		if g.Entries[i].UUID == id {
			return g, i
		}
	}
	for i := range g.Groups {
		if p, idx := s.parentOf(&g.Groups[i], id); p != nil {
			return p, idx
		}
	}
	return nil, -1
}

// checkNewItemGroup refuses a group path that leads into the recycle
// bin: an item added there would be removed from the start (and vanish
// from every list). Called with s.mu held.
func (s *Store) checkNewItemGroup(path []string) error {
	meta := s.db.Content.Meta
	if !meta.RecycleBinEnabled.Bool || meta.RecycleBinUUID.IsZero() {
		return nil
	}
	g := &s.db.Content.Root.Groups[0]
	for _, name := range path {
		i := slices.IndexFunc(g.Groups, func(sub gokeepasslib.Group) bool { return sub.Name == name })
		if i < 0 {
			return nil // a new group, not the bin
		}
		if g = &g.Groups[i]; g.UUID == meta.RecycleBinUUID {
			return fmt.Errorf("%w: group %q is the recycle bin, which holds removed items; new ones cannot go there", ErrInvalid, strings.Join(path, "/"))
		}
	}
	return nil
}

// recycleBin returns the recycle bin group, creating it like KeePassXC.
func (s *Store) recycleBin() *gokeepasslib.Group {
	meta := s.db.Content.Meta
	root := &s.db.Content.Root.Groups[0]
	if !meta.RecycleBinUUID.IsZero() {
		if g := findGroup(root, meta.RecycleBinUUID); g != nil {
			return g
		}
	}
	bin := gokeepasslib.NewGroup(gokeepasslib.WithGroupFormattedTime(!s.db.Version.IsV4()))
	bin.Name = "Recycle Bin"
	bin.IconID = 43
	bin.EnableAutoType = w.NewNullableBoolWrapper(false)
	bin.EnableSearching = w.NewNullableBoolWrapper(false)
	root.Groups = append(root.Groups, bin)
	meta.RecycleBinUUID = bin.UUID
	return &root.Groups[len(root.Groups)-1]
}

func findGroup(g *gokeepasslib.Group, id UUID) *gokeepasslib.Group {
	if g.UUID == id {
		return g
	}
	for i := range g.Groups {
		if f := findGroup(&g.Groups[i], id); f != nil {
			return f
		}
	}
	return nil
}
