package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// importFixtures is ../shared/fixtures/importers beside the repository
// root, or "" when it is missing (then tests skip, unless CI is set).
func importFixtures(t testing.TB) string {
	abs, err := filepath.Abs(filepath.Join("..", "..", "..", "shared", "fixtures", "importers"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(abs); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("import fixtures missing at %s but CI is set", abs)
		}
		return ""
	}
	return abs
}

// TestTransferScripts runs the import/export/qr scripts in
// testdata/transfer. $FIXTURES is the fixtures folder; the condition
// [fixtures] is false when it is missing.
func TestTransferScripts(t *testing.T) {
	fx := importFixtures(t)
	testscript.Run(t, testscript.Params{
		Dir: "testdata/transfer",
		Setup: func(e *testscript.Env) error {
			e.Setenv("FIXTURES", fx)
			return setupScript(e)
		},
		RequireExplicitExec: true,
		Condition: func(cond string) (bool, error) {
			if cond == "fixtures" {
				return fx != "", nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
		Cmds: map[string]func(*testscript.TestScript, bool, []string){
			"json":      cmdJSON,
			"snapshot":  cmdSnapshot,
			"unchanged": cmdUnchanged,
		},
	})
}

// cli runs twofold in-process with stdin and returns its exit status,
// stdout and stderr.
func cli(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	e := env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errOut, getenv: func(string) string { return "" },
		now: time.Now, signals: make(chan os.Signal), ticker: realTicker}
	return run(args, e), out.String(), errOut.String()
}

// TestImportEveryFixture: each fixture imports through the CLI into an
// empty vault with exactly its accounts (the counts of the library's
// table test), and a second import finds them all duplicates.
func TestImportEveryFixture(t *testing.T) {
	fx := importFixtures(t)
	if fx == "" {
		t.Skip("import fixtures not found")
	}
	counts := map[string]int{
		"plain.txt": 7, "ente_auth.txt": 7, "aegis_plain.json": 7, "aegis_encrypted.json": 7,
		"andotp_plain.json": 7, "andotp_encrypted.bin": 7, "2fas_authenticator.json": 6,
		"2fas_authenticator_plain.2fas": 4, "2fas_authenticator_encrypted.2fas": 4,
		"2fas_authenticator_plain_v3.2fas": 6, "2fas_authenticator_encrypted_v3.2fas": 6,
		"bitwarden.json": 4, "freeotp_plus.json": 6, "steam.json": 1,
	}
	for file, want := range counts {
		t.Run(file, func(t *testing.T) {
			t.Parallel()
			v := filepath.Join(t.TempDir(), "v.kdbx")
			if rc, _, stderr := cli(t, "pw\n", "init", "--vault", v, "--kdf-ms", "1", "--kdf-memory-mib", "1"); rc != 0 {
				t.Fatalf("init: %s", stderr)
			}
			for round, status := range []string{"new", "duplicate"} {
				rc, stdout, stderr := cli(t, "pw\ntest\n", "import", "--vault", v, "--json", filepath.Join(fx, file))
				if rc != 0 {
					t.Fatalf("import round %d: %d %s", round, rc, stderr)
				}
				var res struct {
					Imported int            `json:"imported"`
					Counts   map[string]int `json:"counts"`
				}
				if err := json.Unmarshal([]byte(stdout), &res); err != nil {
					t.Fatal(err)
				}
				if res.Counts[status] != want || len(res.Counts) != 1 {
					t.Errorf("round %d: counts %v, want %d %s", round, res.Counts, want, status)
				}
				if wantImported := map[string]int{"new": want}[status]; res.Imported != wantImported {
					t.Errorf("round %d: imported %d, want %d", round, res.Imported, wantImported)
				}
			}
		})
	}
}
