// Package vaultgen makes large vaults for benchmarks and load tests.
// Test-only.
package vaultgen

import (
	"encoding/base32"
	"encoding/binary"
	"fmt"

	"github.com/twofold-app/twofold/vault"
	"github.com/twofold-app/twofold/vault/otp"
)

// Secret returns account i's deterministic base32 secret.
func Secret(i int) string {
	var raw [20]byte
	binary.BigEndian.PutUint64(raw[:], uint64(i)*0x9E3779B97F4A7C15)
	binary.BigEndian.PutUint64(raw[8:], uint64(i)+0xD1B54A32D192ED03)
	return base32.StdEncoding.EncodeToString(raw[:])
}

// Generate creates a vault at path with n TOTP accounts spread over ten
// groups, keyed by password.
func Generate(path string, password []byte, n int, opts vault.CreateOptions) error {
	s, err := vault.Create(path, vault.Credentials{Password: password}, opts)
	if err != nil {
		return err
	}
	defer s.Lock()
	for i := range n {
		uri := fmt.Sprintf("otpauth://totp/Service%d:user%d@example.com?secret=%s&issuer=Service%d", i, i, Secret(i), i)
		key, err := otp.ParseURI([]byte(uri))
		if err != nil {
			return err
		}
		_, err = s.AddAccount(vault.NewAccount{Key: key, Group: []string{fmt.Sprintf("Group %d", i%10)}})
		key.Destroy()
		if err != nil {
			return err
		}
	}
	return s.Save()
}
