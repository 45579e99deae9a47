package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// cleanupM removes the built binaries once every test has run
// (testscript.Main exits the process itself).
type cleanupM struct{ m *testing.M }

func (c cleanupM) Run() int {
	defer removeBuilds()
	return c.m.Run()
}

// TestMain lets scripts run "twofold": testscript re-executes this test
// binary under that name, and main wires the real os streams into run.
// "sigwait" is the command the signal tests have 'token exec' run
// (exec_signal_test.go).
func TestMain(m *testing.M) {
	testscript.Main(cleanupM{m}, map[string]func(){"twofold": main, "sigwait": sigwaitMain})
}

// TestScript runs the CLI scripts in testdata/script.
func TestScript(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		Setup:               setupScript,
		RequireExplicitExec: true,
		Cmds: map[string]func(*testscript.TestScript, bool, []string){
			"setenv-stdout": cmdSetenvStdout,
			"json":          cmdJSON,
			"snapshot":      cmdSnapshot,
			"unchanged":     cmdUnchanged,
		},
	})
}

// Dates in the PyPI account-wide token's expiry caveat, and in the
// project token that has expired.
var (
	tokenExpires   = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	tokenNotBefore = tokenExpires.Add(-24 * time.Hour)
	tokenExpired   = time.Date(2021, 2, 3, 4, 5, 6, 0, time.UTC)
)

// setupScript points twofold at $WORK/vault.kdbx and makes PyPI tokens:
// $PYPI_PROJECT_TOKEN (scoped to sampleproject), $PYPI_ACCOUNT_TOKEN
// (account-wide, expiring), $PYPI_EXPIRED_TOKEN (scoped to
// sampleproject, expired in 2021) and $TESTPYPI_TOKEN (TestPyPI's,
// scoped to sampleproject), $PYPI_*_PARTS and $TESTPYPI_PARTS (see
// tokenParts), and the stdin files to add them: pypi-project.in,
// pypi-account.in, pypi-expired.in and testpypi.in hold the script's
// pw.txt line, then the token.
func setupScript(e *testscript.Env) error {
	e.Setenv("TWOFOLD_VAULT", filepath.Join(e.WorkDir, "vault.kdbx"))
	project, err := pypiToken(`[1,["sampleproject"]]`)
	if err != nil {
		return err
	}
	account, err := pypiToken(fmt.Sprintf("[0,%d,%d]", tokenExpires.Unix(), tokenNotBefore.Unix()))
	if err != nil {
		return err
	}
	expired, err := pypiToken(`[1,["sampleproject"]]`, fmt.Sprintf("[0,%d,%d]", tokenExpired.Unix(), tokenExpired.Add(-time.Hour).Unix()))
	if err != nil {
		return err
	}
	test, err := pypiTokenAt("test.pypi.org", `[1,["sampleproject"]]`)
	if err != nil {
		return err
	}
	e.Setenv("TESTPYPI_TOKEN", test)
	e.Setenv("TESTPYPI_PARTS", tokenParts(test))
	e.Setenv("PYPI_PROJECT_TOKEN", project)
	e.Setenv("PYPI_EXPIRED_TOKEN", expired)
	e.Setenv("PYPI_ACCOUNT_TOKEN", account)
	e.Setenv("PYPI_PROJECT_PARTS", tokenParts(project))
	e.Setenv("PYPI_ACCOUNT_PARTS", tokenParts(account))
	pw, err := os.ReadFile(filepath.Join(e.WorkDir, "pw.txt"))
	if err != nil {
		return nil // the script uses no password
	}
	for name, tok := range map[string]string{"pypi-project.in": project, "pypi-account.in": account, "pypi-expired.in": expired, "testpypi.in": test} {
		if err := os.WriteFile(filepath.Join(e.WorkDir, name), append(pw, tok+"\n"...), 0o600); err != nil {
			return err
		}
	}
	return nil
}

// tokenParts is a regular expression matching the first or the last 20
// characters of a token (base64url and "pypi-" need no escaping), to
// catch a token printed in part.
func tokenParts(tok string) string {
	return tok[:20] + "|" + tok[len(tok)-20:]
}

// setenv-stdout VAR sets VAR to the last command's standard output, with
// surrounding space trimmed (to compare twofold with oathtool).
func cmdSetenvStdout(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: setenv-stdout VAR")
	}
	ts.Setenv(args[0], strings.TrimSpace(ts.ReadFile("stdout")))
}

// json PATH [WANT] checks one value of the JSON on the last standard
// output. PATH is dot-separated keys and array indexes ("0.code"); a
// final "#" is the length of the array or object. WANT is compared with a
// string value as is, with other values as their JSON; "~RE" matches a
// regular expression. "! json PATH" asserts PATH is absent.
func cmdJSON(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 && !(neg && len(args) == 1) {
		ts.Fatalf("usage: json PATH WANT | ! json PATH")
	}
	var doc any
	ts.Check(json.Unmarshal([]byte(ts.ReadFile("stdout")), &doc))
	v, ok := jsonPath(doc, strings.Split(args[0], "."))
	if neg {
		if ok {
			ts.Fatalf("json %s: present (%v), want absent", args[0], v)
		}
		return
	}
	if !ok {
		ts.Fatalf("json %s: absent", args[0])
	}
	got := jsonText(v)
	want := args[1]
	if re, isRE := strings.CutPrefix(want, "~"); isRE {
		if !regexp.MustCompile(re).MatchString(got) {
			ts.Fatalf("json %s = %s, want match for %s", args[0], got, re)
		}
		return
	}
	if got != want {
		ts.Fatalf("json %s = %s, want %s", args[0], got, want)
	}
}

func jsonPath(v any, path []string) (any, bool) {
	for _, p := range path {
		switch x := v.(type) {
		case []any:
			if p == "#" {
				return float64(len(x)), true
			}
			i, err := strconv.Atoi(p)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		case map[string]any:
			if p == "#" {
				return float64(len(x)), true
			}
			var ok bool
			if v, ok = x[p]; !ok {
				return nil, false
			}
		default:
			return nil, false
		}
	}
	return v, true
}

func jsonText(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// snapshot records the vault and its backup as they are now.
func cmdSnapshot(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: snapshot")
	}
	dir := ts.MkAbs(".snapshot")
	ts.Check(os.MkdirAll(dir, 0o700))
	vault := ts.Getenv("TWOFOLD_VAULT")
	for _, name := range []string{vault, vault + ".bak"} {
		dst := filepath.Join(dir, filepath.Base(name))
		b, err := os.ReadFile(name)
		if os.IsNotExist(err) {
			os.Remove(dst)
			continue
		}
		ts.Check(err)
		ts.Check(os.WriteFile(dst, b, 0o600))
	}
}

// unchanged asserts the vault and its backup are byte for byte what the
// last snapshot saw, and no temporary file of a save is left beside them.
func cmdUnchanged(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: unchanged")
	}
	vault := ts.Getenv("TWOFOLD_VAULT")
	for _, name := range []string{vault, vault + ".bak"} {
		was, errWas := os.ReadFile(filepath.Join(ts.MkAbs(".snapshot"), filepath.Base(name)))
		now, errNow := os.ReadFile(name)
		if os.IsNotExist(errWas) != os.IsNotExist(errNow) || !bytes.Equal(was, now) {
			ts.Fatalf("%s changed (or appeared or vanished) since the snapshot", filepath.Base(name))
		}
	}
	tmps, _ := filepath.Glob(filepath.Join(filepath.Dir(vault), "."+filepath.Base(vault)+"*.tmp-*"))
	if len(tmps) > 0 {
		ts.Fatalf("temporary files left: %v", tmps)
	}
}
