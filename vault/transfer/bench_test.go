package transfer

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/twofold-app/twofold/internal/vaultgen"
	"github.com/twofold-app/twofold/vault"
)

// BenchmarkPreviewImport: the preview of a 200-entry list (100 of them
// already in the vault under other names) against a 1,000-account vault.
// Finding an equal secret opens each secret once, not once per pair.
func BenchmarkPreviewImport(b *testing.B) {
	path := filepath.Join(b.TempDir(), "1k.kdbx")
	if err := vaultgen.Generate(path, []byte(vaultPassword), 1000, vault.CreateOptions{KDF: cheapKDF}); err != nil {
		b.Fatal(err)
	}
	s, err := vault.Open(path, vault.Credentials{Password: []byte(vaultPassword)}, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Lock()
	var list strings.Builder
	for i := range 200 {
		fmt.Fprintf(&list, "otpauth://totp/Other%d:me?secret=%s&issuer=Other%d\n", i, vaultgen.Secret(i*10), i)
	}
	r, err := Import([]byte(list.String()), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer r.Destroy()
	b.ReportAllocs()
	for b.Loop() {
		p, err := PreviewImport(s, r)
		if err != nil {
			b.Fatal(err)
		}
		if n := p.Count(Duplicate); n != 100 {
			b.Fatalf("%d duplicates, want 100", n)
		}
	}
}
