package vault_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/twofold-app/twofold/internal/peers"
	"github.com/twofold-app/twofold/vault"
)

// clearedSetsXML is a KeePass XML file with a good recovery-code set and
// four whose codes were cleared in KeePassXC: the field removed, left
// empty (unprotected, or protected as Twofold writes it), or blank lines.
const clearedSetsXML = `<?xml version="1.0" encoding="UTF-8"?>
<KeePassFile><Meta><Generator>Twofold test</Generator></Meta><Root><Group>
<UUID>x8fHx8fHx8fHx8fHx8fHxw==</UUID><Name>Root</Name>
<Entry><UUID>MDAwMDAwMDAwMDAwMDAwMQ==</UUID>
 <String><Key>Title</Key><Value>GitHub</Value></String>
 <String><Key>UserName</Key><Value>alice</Value></String>
 <String><Key>Twofold-Kind</Key><Value>recovery-codes</Value></String>
 <String><Key>Recovery Codes</Key><Value ProtectInMemory="True">aaaa-1111 (used 2026-01-02)
bbbb-2222
cccc-3333
</Value></String></Entry>
<Entry><UUID>MDAwMDAwMDAwMDAwMDAwMg==</UUID>
 <String><Key>Title</Key><Value>NoField</Value></String>
 <String><Key>Twofold-Kind</Key><Value>recovery-codes</Value></String></Entry>
<Entry><UUID>MDAwMDAwMDAwMDAwMDAwMw==</UUID>
 <String><Key>Title</Key><Value>Emptied</Value></String>
 <String><Key>Twofold-Kind</Key><Value>recovery-codes</Value></String>
 <String><Key>Recovery Codes</Key><Value></Value></String></Entry>
<Entry><UUID>MDAwMDAwMDAwMDAwMDAwNA==</UUID>
 <String><Key>Title</Key><Value>EmptiedProtected</Value></String>
 <String><Key>Twofold-Kind</Key><Value>recovery-codes</Value></String>
 <String><Key>Recovery Codes</Key><Value ProtectInMemory="True"></Value></String></Entry>
<Entry><UUID>MDAwMDAwMDAwMDAwMDAwNQ==</UUID>
 <String><Key>Title</Key><Value>Blank</Value></String>
 <String><Key>Twofold-Kind</Key><Value>recovery-codes</Value></String>
 <String><Key>Recovery Codes</Key><Value ProtectInMemory="True">  
  
</Value></String></Entry>
</Group></Root></KeePassFile>
`

// openClearedSets is clearedSetsXML as KeePassXC writes it, opened.
func openClearedSets(t *testing.T) *vault.Store {
	t.Helper()
	peers.Require(t, "keepassxc-cli")
	xml := filepath.Join(t.TempDir(), "cleared.xml")
	if err := os.WriteFile(xml, []byte(clearedSetsXML), 0o600); err != nil {
		t.Fatal(err)
	}
	kx := peers.KeePassXC{Path: filepath.Join(t.TempDir(), "cleared.kdbx"), Password: "pw"}
	kx.Import(t, xml)
	return openPeer(t, kx)
}

// TestSetsWithoutCodesAreListedWithTheirProblem: a recovery-code entry
// whose codes were cleared in KeePassXC is listed with what is wrong
// (ErrNoRecoveryCodes), and the other sets are listed and usable; one
// such entry made RecoverySets fail, and with it every list.
func TestSetsWithoutCodesAreListedWithTheirProblem(t *testing.T) {
	s := openClearedSets(t)
	sets, err := s.RecoverySets()
	if err != nil {
		t.Fatalf("RecoverySets: %v", err)
	}
	want := map[string]string{
		"GitHub (alice)":   "",
		"NoField":          `no recovery codes stored: the entry has no "Recovery Codes" field`,
		"Emptied":          `no recovery codes stored: its "Recovery Codes" field is empty`,
		"EmptiedProtected": `no recovery codes stored: its "Recovery Codes" field is empty`,
		"Blank":            `no recovery codes stored: its "Recovery Codes" field is empty`,
	}
	byName := map[string]vault.RecoverySet{}
	for _, r := range sets {
		byName[r.Name()] = r
		msg := ""
		if r.Err != nil {
			msg = r.Err.Error()
			if !errors.Is(r.Err, vault.ErrNoRecoveryCodes) {
				t.Errorf("%s: %v is not ErrNoRecoveryCodes", r.Name(), r.Err)
			}
			if r.Total != 0 || r.Unused != 0 || r.Low() {
				t.Errorf("%s counts %d of %d (low %v)", r.Name(), r.Unused, r.Total, r.Low())
			}
		}
		if w, ok := want[r.Name()]; !ok || msg != w {
			t.Errorf("%s: error %q, want %q", r.Name(), msg, w)
		}
	}
	if len(sets) != len(want) {
		t.Errorf("%d sets listed, want %d: %+v", len(sets), len(want), sets)
	}
	good := byName["GitHub (alice)"]
	if good.Total != 3 || good.Unused != 2 {
		t.Errorf("GitHub: %d of %d unused, want 2 of 3", good.Unused, good.Total)
	}
	if code, left, err := s.UseRecoveryCode(good.ID); code != "bbbb-2222" || left != 1 || err != nil {
		t.Errorf("GitHub's next code: %q, %d left, %v", code, left, err)
	}

	// Asking a broken set for its codes says which set and why; using
	// one changes nothing.
	for _, name := range []string{"NoField", "Emptied", "EmptiedProtected", "Blank"} {
		it, err := s.Find(name, vault.KindRecovery)
		if err != nil {
			t.Fatalf("Find(%s): %v", name, err)
		}
		if _, err := s.RecoveryCodes(it.ID); !errors.Is(err, vault.ErrNoRecoveryCodes) || !strings.HasPrefix(err.Error(), name+": no recovery codes stored: ") {
			t.Errorf("RecoveryCodes(%s): %v", name, err)
		}
		if _, _, err := s.UseRecoveryCode(it.ID); !errors.Is(err, vault.ErrNoRecoveryCodes) || !strings.HasPrefix(err.Error(), name+": ") {
			t.Errorf("UseRecoveryCode(%s): %v", name, err)
		}
	}

	// A new set for the service replaces the broken one, as any old set.
	clashes, err := s.RecoveryClashes("Emptied", "")
	if err != nil || len(clashes) != 1 || clashes[0].Detail != "no codes stored" {
		t.Fatalf("clashes with Emptied: %+v, %v", clashes, err)
	}
}
