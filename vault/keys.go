package vault

import (
	"fmt"
	"slices"
	"strings"

	"github.com/tobischo/gokeepasslib/v3"
)

// Security-key inventory fields (docs/vault-format.md). Nothing here is
// secret: a key's identity and where it is registered.
const (
	kindSecurityKey    = "security-key"
	fKeyAAGUID         = "Twofold-Key-AAGUID"
	fKeyModel          = "Twofold-Key-Model"
	fKeyServices       = "Twofold-Key-Services"
	fKeyTestCredential = "Twofold-Key-Test-Credential"
)

// SecurityKey is one FIDO2 key the user owns, as recorded in the vault.
type SecurityKey struct {
	ID     UUID
	Group  []string
	Label  string // the user's name for it, e.g. "blue YubiKey"
	AAGUID string // the model's AAGUID, lower-case hex (not unique per key)
	Model  string
	// Services are where the user registered this key (as they typed
	// them), sorted.
	Services []string
	// TestCredential is the base64url ID of the credential `key test`
	// registered for twofold.local, if any.
	TestCredential string
}

// SecurityKeys lists the inventory.
func (s *Store) SecurityKeys() ([]SecurityKey, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.db == nil {
		return nil, ErrLocked
	}
	var out []SecurityKey
	s.walk(func(groups []string, e *gokeepasslib.Entry, recycled bool) bool {
		if !recycled && e.GetContent(fKind) == kindSecurityKey {
			out = append(out, readSecurityKey(groups, e))
		}
		return true
	})
	return out, nil
}

func readSecurityKey(groups []string, e *gokeepasslib.Entry) SecurityKey {
	k := SecurityKey{ID: e.UUID, Group: groups, Label: e.GetTitle(), AAGUID: e.GetContent(fKeyAAGUID),
		Model: e.GetContent(fKeyModel), TestCredential: e.GetContent(fKeyTestCredential)}
	for _, line := range strings.Split(e.GetContent(fKeyServices), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			k.Services = append(k.Services, line)
		}
	}
	return k
}

// RecordSecurityKey adds a key to the inventory, or updates the model of
// the key already recorded under that label (labels are unique, ignoring
// case).
func (s *Store) RecordSecurityKey(label, aaguid, model string) (SecurityKey, error) {
	label = strings.TrimSpace(label)
	if label == "" {
		return SecurityKey{}, fmt.Errorf("%w: a security key needs a name", ErrInvalid)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.db == nil {
		return SecurityKey{}, ErrLocked
	}
	e, groups := s.securityKeyEntry(label)
	if e == nil {
		ne := s.newEntry()
		setPlain(&ne, fTitle, label)
		setPlain(&ne, fKind, kindSecurityKey)
		groups = []string{"Security keys"}
		e = s.addEntry(groups, ne)
	}
	setPlain(e, fKeyAAGUID, strings.ToLower(aaguid))
	setPlain(e, fKeyModel, model)
	s.touch(e)
	return readSecurityKey(groups, e), nil
}

func (s *Store) securityKeyEntry(label string) (*gokeepasslib.Entry, []string) {
	var found *gokeepasslib.Entry
	var groups []string
	s.walk(func(g []string, e *gokeepasslib.Entry, recycled bool) bool {
		if !recycled && e.GetContent(fKind) == kindSecurityKey && strings.EqualFold(e.GetTitle(), strings.TrimSpace(label)) {
			found, groups = e, g
			return false
		}
		return true
	})
	return found, groups
}

// UpdateSecurityKey changes a recorded key through fn (services, test
// credential); the label names it.
func (s *Store) UpdateSecurityKey(label string, fn func(*SecurityKey)) (SecurityKey, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.db == nil {
		return SecurityKey{}, ErrLocked
	}
	e, groups := s.securityKeyEntry(label)
	if e == nil {
		return SecurityKey{}, fmt.Errorf("%w: no security key named %q in the inventory", ErrNotFound, label)
	}
	k := readSecurityKey(groups, e)
	fn(&k)
	services := uniqueFold(trimAll(k.Services))
	slices.Sort(services)
	setPlain(e, fKeyServices, strings.Join(services, "\n"))
	setPlain(e, fKeyTestCredential, k.TestCredential)
	s.touch(e)
	return readSecurityKey(groups, e), nil
}

// uniqueFold drops the services that repeat an earlier one, ignoring
// case: "google" after "Google" was listed as a second service, and the
// warning about services on one key counted them as one (QA).
func uniqueFold(in []string) []string {
	var out []string
	for _, v := range in {
		if !slices.ContainsFunc(out, func(o string) bool { return strings.EqualFold(o, v) }) {
			out = append(out, v)
		}
	}
	return out
}

// ForgetSecurityKey moves the inventory's key of that label to the
// recycle bin (a key lost, or given away): nothing else could take it
// out of the inventory.
func (s *Store) ForgetSecurityKey(label string) (SecurityKey, error) {
	s.mu.Lock()
	e, groups := s.securityKeyEntry(label)
	s.mu.Unlock()
	if e == nil {
		return SecurityKey{}, fmt.Errorf("%w: no security key named %q in the inventory", ErrNotFound, label)
	}
	k := readSecurityKey(groups, e)
	return k, s.Remove(k.ID)
}

func trimAll(in []string) []string {
	var out []string
	for _, v := range in {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// SingleKeyServices returns the services registered on exactly one of the
// keys (compared ignoring case), each with that key's label: losing that
// key locks the user out of them unless the service has another way in
// (recovery codes, an OTP account).
func SingleKeyServices(keys []SecurityKey) map[string]string {
	seen := map[string][]string{}
	names := map[string]string{}
	for _, k := range keys {
		for _, svc := range k.Services {
			low := strings.ToLower(svc)
			if !slices.Contains(seen[low], k.Label) {
				seen[low] = append(seen[low], k.Label)
			}
			names[low] = svc
		}
	}
	out := map[string]string{}
	for low, labels := range seen {
		if len(labels) == 1 {
			out[names[low]] = labels[0]
		}
	}
	return out
}
