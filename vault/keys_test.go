package vault_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/twofold-app/twofold/vault"
)

func TestSecurityKeyInventory(t *testing.T) {
	path, s := newVault(t, vault.CreateOptions{})
	if _, err := s.RecordSecurityKey("Blue YubiKey", "CB69481E8FF7403993EC0A2729A154A8", "YubiKey 5 NFC"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RecordSecurityKey("spare", "cb69481e8ff7403993ec0a2729a154a8", "YubiKey 5 NFC"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateSecurityKey("blue yubikey", func(k *vault.SecurityKey) {
		k.Services = append(k.Services, "GitHub", "pypi.org", " GitHub ", "Google")
		k.TestCredential = "AAEC"
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateSecurityKey("spare", func(k *vault.SecurityKey) { k.Services = []string{"github"} }); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateSecurityKey("lost one", func(*vault.SecurityKey) {}); !errors.Is(err, vault.ErrNotFound) {
		t.Errorf("unknown label: %v", err)
	}
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	s2, err := vault.Open(path, pw, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Lock()
	keys, err := s2.SecurityKeys()
	if err != nil || len(keys) != 2 {
		t.Fatalf("keys %+v %v", keys, err)
	}
	blue := keys[0]
	if blue.Label != "Blue YubiKey" || blue.AAGUID != "cb69481e8ff7403993ec0a2729a154a8" || blue.TestCredential != "AAEC" ||
		!reflect.DeepEqual(blue.Services, []string{"GitHub", "Google", "pypi.org"}) {
		t.Errorf("reopened %+v", blue)
	}
	single := vault.SingleKeyServices(keys)
	if !reflect.DeepEqual(single, map[string]string{"Google": "Blue YubiKey", "pypi.org": "Blue YubiKey"}) {
		t.Errorf("single-key services %v (GitHub is on both keys)", single)
	}
	if accounts, _ := s2.Accounts(); len(accounts) != 1 {
		t.Errorf("inventory entries must not be OTP accounts: %d accounts", len(accounts))
	}
}
