package main

import (
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/twofold-app/twofold/fido"
	"github.com/twofold-app/twofold/vault"
)

// keyInventoryUsage is appended to keyUsage.
const keyInventoryUsage = " | key inventory | key name LABEL [PATH] | key register LABEL SERVICE | key unregister LABEL SERVICE | key forget LABEL | key test --record LABEL [PATH]"

// keyInventorySubs work on the inventory in the vault; only "name" needs
// the key itself (for its model).
var keyInventorySubs = map[string]struct {
	args int
	run  func(k *keyCLI, args []string) error
}{
	"inventory":  {0, keyInventory},
	"name":       {1, keyName},
	"register":   {2, keyRegister},
	"unregister": {2, keyUnregister},
	"forget":     {1, keyForget},
}

type inventoryJSON struct {
	Keys      []securityKeyJSON `json:"keys"`
	SingleKey map[string]string `json:"single_key_services"`
}

type securityKeyJSON struct {
	Label          string   `json:"label"`
	Model          string   `json:"model"`
	AAGUID         string   `json:"aaguid"`
	Services       []string `json:"services"`
	TestCredential string   `json:"test_credential,omitempty"`
}

func keyInventory(k *keyCLI, _ []string) error {
	s, err := k.c.open()
	if err != nil {
		return err
	}
	defer s.Lock()
	keys, err := s.SecurityKeys()
	if err != nil {
		return err
	}
	single := vault.SingleKeyServices(keys)
	if k.c.jsonOut {
		out := inventoryJSON{Keys: []securityKeyJSON{}, SingleKey: single}
		for _, key := range keys {
			out.Keys = append(out.Keys, securityKeyJSON{key.Label, key.Model, key.AAGUID, nonNil(key.Services), key.TestCredential})
		}
		return writeJSON(k.c, out)
	}
	for _, key := range keys {
		printf(k.c.stdout, "%-24s %-28s %s\n", key.Label, key.Model, strings.Join(key.Services, ", "))
	}
	services := make([]string, 0, len(single))
	for svc := range single {
		services = append(services, svc)
	}
	sort.Strings(services)
	for _, svc := range services {
		printf(k.c.stderr, "warning: %s is registered on one key only (%s): if it is lost, only the service's recovery codes get you back in; register a backup key\n", svc, single[svc])
	}
	return nil
}

// keyName records the connected key (its model, from its AAGUID) under
// a label.
func keyName(k *keyCLI, args []string) error {
	path := ""
	if len(args) > 1 {
		path = args[1]
	}
	d, err := k.open(path)
	if err != nil {
		return err
	}
	info, err := d.Info(k.cx)
	if err != nil {
		return err
	}
	s, err := k.c.open()
	if err != nil {
		return err
	}
	defer s.Lock()
	key, err := s.RecordSecurityKey(args[0], info.AAGUID.String(), info.Model)
	if err != nil {
		return err
	}
	if err := s.Save(); err != nil {
		return err
	}
	printf(k.c.stdout, "recorded %s (%s)\n", key.Label, key.Model)
	return nil
}

func keyRegister(k *keyCLI, args []string) error {
	label, service := args[0], strings.TrimSpace(args[1])
	if service == "" {
		return fmt.Errorf("%w: the service needs a name, as in: twofold key register %q GitHub", vault.ErrInvalid, label)
	}
	msg := "recorded that %s is registered with %s\n"
	return updateKey(k, label, func(key *vault.SecurityKey) error {
		if i := slices.IndexFunc(key.Services, func(s string) bool { return strings.EqualFold(s, service) }); i >= 0 {
			service, msg = key.Services[i], "%s was already recorded as registered with %s\n"
		}
		key.Services = append(key.Services, service)
		return nil
	}, &msg, &service)
}

func keyUnregister(k *keyCLI, args []string) error {
	label, service := args[0], strings.TrimSpace(args[1])
	msg := "recorded that %s is no longer registered with %s\n"
	return updateKey(k, label, func(key *vault.SecurityKey) error {
		i := slices.IndexFunc(key.Services, func(s string) bool { return strings.EqualFold(s, service) })
		if i < 0 {
			return fmt.Errorf("%s is not recorded as registered with %q (%s): %w", key.Label, service, servicesText(key.Services), errNotRegistered)
		}
		service = key.Services[i]
		key.Services = slices.Delete(key.Services, i, i+1)
		return nil
	}, &msg, &service)
}

// servicesText lists a key's services in an error.
func servicesText(services []string) string {
	if len(services) == 0 {
		return "it has none recorded"
	}
	return "it has " + strings.Join(services, ", ")
}

func keyForget(k *keyCLI, args []string) error {
	s, err := k.c.open()
	if err != nil {
		return err
	}
	defer s.Lock()
	key, err := s.ForgetSecurityKey(args[0])
	if err != nil {
		return notRecorded(err, args[0])
	}
	if err := s.Save(); err != nil {
		return err
	}
	printf(k.c.stdout, "removed %s from the inventory (moved to the recycle bin)\n", key.Label)
	return nil
}

// updateKey changes the key labelled label through fn, saves, and prints
// *msg with the key's label and *service (fn may change both); an error
// from fn changes nothing.
func updateKey(k *keyCLI, label string, fn func(*vault.SecurityKey) error, msg, service *string) error {
	s, err := k.c.open()
	if err != nil {
		return err
	}
	defer s.Lock()
	var fnErr error
	key, err := s.UpdateSecurityKey(label, func(key *vault.SecurityKey) {
		before := *key
		if fnErr = fn(key); fnErr != nil {
			*key = before
		}
	})
	if err != nil {
		return notRecorded(err, label)
	}
	if fnErr != nil {
		return fnErr
	}
	if err := s.Save(); err != nil {
		return err
	}
	printf(k.c.stdout, *msg, key.Label, *service)
	return nil
}

// notRecorded says that no key has the label in the inventory (the vault's
// ErrNotFound would send the person to 'twofold list', which does not
// show keys).
func notRecorded(err error, label string) error {
	if errors.Is(err, vault.ErrNotFound) {
		return fmt.Errorf("%w: %q", errKeyNotRecorded, label)
	}
	return err
}

// recordTest stores the test credential of a passed `key test` under the
// key's label (the vault was opened before the test, password first).
func recordTest(k *keyCLI, s *vault.Store, rep *fido.TestReport) error {
	_, err := s.UpdateSecurityKey(k.record, func(key *vault.SecurityKey) {
		key.TestCredential = base64.RawURLEncoding.EncodeToString(rep.CredentialID)
	})
	if err != nil {
		return notRecorded(err, k.record)
	}
	return s.Save()
}
