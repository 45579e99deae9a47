//go:build cgo && linux

package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/twofold-app/twofold/internal/fidotest"
	"github.com/twofold-app/twofold/internal/fidotest/softkey"
	"github.com/twofold-app/twofold/vault"
)

// TestKeyInventory names a (software) key from its AAGUID, records where
// it is registered, stores its test credential, and warns about services
// that depend on that one key.
func TestKeyInventory(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "v.kdbx")
	s, err := vault.Create(path, vault.Credentials{Password: []byte("pw")}, vault.CreateOptions{
		KDF: cheapKDF})
	if err != nil {
		t.Fatal(err)
	}
	s.Lock()
	r := fidotest.New(t, softkey.Config{})
	keys := []*fidotest.Rig{r}
	res := keyRun(t, keys, "pw\n", "key", "name", "blue key", "--vault", path).ok(t)
	contains(t, "key name", res.stdout, "recorded blue key (")
	keyRun(t, nil, "pw\n", "key", "register", "blue key", "GitHub", "--vault", path).ok(t)
	keyRun(t, nil, "pw\n", "key", "register", "blue key", "pypi.org", "--vault", path).ok(t)
	keyRun(t, keys, "pw\n", "key", "test", "--record", "blue key", "--vault", path).ok(t)
	res = keyRun(t, nil, "pw\n", "key", "inventory", "--vault", path).ok(t)
	contains(t, "inventory", res.stdout, "blue key", "GitHub, pypi.org")
	contains(t, "inventory", res.stderr, "warning: GitHub is registered on one key only (blue key)", "warning: pypi.org is registered on one key only")
	keyRun(t, nil, "pw\n", "key", "unregister", "blue key", "github", "--vault", path).ok(t)
	res = keyRun(t, nil, "pw\n", "key", "inventory", "--json", "--vault", path).ok(t)
	var inv struct {
		Keys []struct {
			Label, Model, AAGUID, TestCredential string
			Services                             []string
		} `json:"keys"`
		SingleKey map[string]string `json:"single_key_services"`
	}
	if err := json.Unmarshal([]byte(res.stdout), &inv); err != nil {
		t.Fatalf("%v\n%s", err, res.stdout)
	}
	if len(inv.Keys) != 1 || inv.Keys[0].AAGUID == "" || strings.Join(inv.Keys[0].Services, ",") != "pypi.org" || inv.SingleKey["pypi.org"] != "blue key" {
		t.Errorf("inventory %+v", inv)
	}
	if !strings.Contains(res.stdout, `"test_credential"`) {
		t.Errorf("the passed test's credential was not recorded:\n%s", res.stdout)
	}
	keyRun(t, nil, "pw\n", "key", "register", "lost key", "GitHub", "--vault", path).fails(t, `no such security key in the inventory: "lost key"`, "'twofold key inventory' lists the recorded keys")

	// QA: "google" after "Google" was listed as a second service, an
	// empty service name was "recorded", and unregistering a service the
	// key never had said it was done.
	res = keyRun(t, nil, "pw\n", "key", "register", "blue key", "PYPI.ORG", "--vault", path).ok(t)
	contains(t, "register again", res.stdout, "blue key was already recorded as registered with pypi.org")
	if r := keyRun(t, nil, "pw\n", "key", "register", "blue key", " ", "--vault", path); r.code != 1 || !strings.Contains(r.stderr, "error: invalid input: the service needs a name") {
		t.Errorf("an empty service: exit %d, %s", r.code, r.stderr)
	}
	keyRun(t, nil, "pw\n", "key", "unregister", "blue key", "Nothing", "--vault", path).fails(t,
		`blue key is not recorded as registered with "Nothing" (it has pypi.org)`, "'twofold key inventory' lists where")
	res = keyRun(t, nil, "pw\n", "key", "inventory", "--vault", path).ok(t)
	contains(t, "inventory", res.stdout, "blue key")
	if strings.Count(strings.ToLower(res.stdout), "pypi.org") != 1 {
		t.Errorf("pypi.org listed more than once:\n%s", res.stdout)
	}

	// A lost key can be taken out of the inventory.
	res = keyRun(t, nil, "pw\n", "key", "forget", "BLUE KEY", "--vault", path).ok(t)
	contains(t, "forget", res.stdout, "removed blue key from the inventory (moved to the recycle bin)")
	res = keyRun(t, nil, "pw\n", "key", "inventory", "--vault", path).ok(t)
	if strings.Contains(res.stdout, "blue key") {
		t.Errorf("the forgotten key is still in the inventory:\n%s", res.stdout)
	}
	keyRun(t, nil, "pw\n", "key", "forget", "blue key", "--vault", path).fails(t, `no such security key in the inventory: "blue key"`, "")
}
