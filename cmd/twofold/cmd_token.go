package main

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"time"
	"unsafe"

	"github.com/awnumar/memguard"

	"github.com/twofold-app/twofold/vault"
)

type tokenJSON struct {
	UUID        string   `json:"uuid"`
	Group       []string `json:"group"`
	Name        string   `json:"name"`
	Service     string   `json:"service"`
	Scope       string   `json:"scope"`
	Projects    []string `json:"projects"`
	Expires     string   `json:"expires,omitempty"`
	Expired     bool     `json:"expired"`
	ExpiryKnown bool     `json:"expiry_known"`
	AccountWide bool     `json:"account_wide"`
	Env         string   `json:"env,omitempty"`
}

func toTokenJSON(t vault.Token, now time.Time) tokenJSON {
	j := tokenJSON{UUID: vault.FormatUUID(t.ID), Group: nonNil(t.Group), Name: t.Name, Service: t.Service,
		Scope: t.Scope, Projects: nonNil(t.Projects), AccountWide: t.AccountWide(), Env: t.Env, ExpiryKnown: t.ExpiryKnown()}
	if !t.Expires.IsZero() {
		j.Expires = t.Expires.UTC().Format(time.RFC3339)
		j.Expired = !now.Before(t.Expires)
	}
	return j
}

func scopeText(t vault.Token) string {
	switch {
	case t.Scope == "account":
		return "whole account"
	case len(t.Projects) > 0:
		return "projects: " + strings.Join(t.Projects, ", ")
	case t.Scope != "":
		return t.Scope
	}
	return "scope unknown"
}

// expiryText says when a token expires, for lists.
func expiryText(t vault.Token, now time.Time) string {
	switch {
	case !t.ExpiryKnown():
		return "expiry unknown"
	case t.Expires.IsZero():
		return "no expiry"
	case expired(t, now):
		return "expired " + t.Expires.UTC().Format(time.DateOnly)
	}
	return "expires " + t.Expires.UTC().Format(time.DateOnly)
}

func expired(t vault.Token, now time.Time) bool {
	return !t.Expires.IsZero() && !now.Before(t.Expires)
}

// warnExpired warns that the service will refuse a token that expired.
func warnExpired(c *ctx, t vault.Token) {
	if expired(t, c.now()) {
		printf(c.stderr, "warning: %s expired on %s: the service will refuse it; make a new token there\n", t.Name, t.Expires.UTC().Format(time.RFC3339))
	}
}

func cmdToken(c *ctx, args []string) error {
	args, child := splitDashDash(args)
	fs := c.flags()
	service := fs.String("service", "", "with add: the service, for tokens Twofold does not recognise")
	envVar := fs.String("env", "", "with add or exec: environment variable for the token (add remembers it for exec; for PyPI tokens instead of TWINE_USERNAME/TWINE_PASSWORD)")
	group := fs.String("group", "", "with add: group path")
	replace := fs.Bool("replace", false, "with add: replace the token of the same name (a rotated token); the old one moves to the recycle bin")
	fs.BoolVar(&c.jsonOut, "json", false, "with info and list: print JSON")
	pos, err := c.parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 || (pos[0] != "list" && len(pos) != 2) {
		fs.Usage()
		return fmt.Errorf("%w: usage: twofold %s", vault.ErrInvalid, c.cmd.usage)
	}
	if pos[0] == "exec" && len(child) == 0 {
		return fmt.Errorf("%w: usage: twofold token exec NAME -- COMMAND [ARGS…]", vault.ErrInvalid)
	}
	if *envVar != "" {
		if err := vault.CheckEnvName(*envVar); err != nil {
			return fmt.Errorf("--env: %w", err) // before the password is asked
		}
	}
	s, err := c.open()
	if err != nil {
		return err
	}
	defer s.Lock()
	switch pos[0] {
	case "add":
		return tokenAdd(c, s, vault.NewToken{Name: pos[1], Service: *service, Env: *envVar, Group: splitGroup(*group)}, *replace)
	case "list":
		return tokenList(c, s)
	case "info":
		return tokenInfo(c, s, pos[1])
	case "exec":
		return tokenExec(c, s, pos[1], *envVar, child)
	}
	return fmt.Errorf("%w: unknown token command %q (add, info, list, exec)", vault.ErrInvalid, pos[0])
}

func tokenAdd(c *ctx, s *vault.Store, n vault.NewToken, replace bool) error {
	if err := checkFields("token name", n.Name, "group", strings.Join(n.Group, "/")); err != nil {
		return err
	}
	buf, err := c.readSecretLine("Token: ")
	if errors.Is(err, errNoPassword) {
		return fmt.Errorf("%w: no token given on standard input", vault.ErrInvalid)
	}
	if err != nil {
		return err
	}
	defer buf.Destroy()
	if len(bytes.TrimSpace(buf.Bytes())) == 0 {
		return fmt.Errorf("%w: the token line on standard input is empty", vault.ErrInvalid)
	}
	n.Token = buf.Bytes()
	clashes, err := s.TokenClashes(n.Name, n.Token)
	if err != nil {
		return err
	}
	old, err := vault.ResolveClash(vault.KindToken, n.Name, clashes, replace)
	if err != nil {
		return err
	}
	if len(n.Group) == 0 && old != nil {
		n.Group = old.Group
	}
	t, err := s.AddToken(n)
	if err != nil {
		return err
	}
	if err := removeReplaced(s, old); err != nil {
		return err
	}
	if err := s.Save(); err != nil {
		return err
	}
	printf(c.stdout, "stored %s (%s, %s)\n", qualified(t.Group, t.Name), t.Service, scopeText(t))
	replaced(c, old)
	warnExpired(c, t)
	warnScope(c, t)
	return nil
}

func warnScope(c *ctx, t vault.Token) {
	if t.AccountWide() && strings.Contains(t.Service, "pypi") {
		printf(c.stderr, "warning: %s can upload to every project of the account; a token scoped to one project limits the damage if it leaks\n", t.Name)
	}
}

func tokenList(c *ctx, s *vault.Store) error {
	tokens, err := s.Tokens()
	if err != nil {
		return err
	}
	if c.jsonOut {
		out := []tokenJSON{}
		for _, t := range tokens {
			out = append(out, toTokenJSON(t, c.now()))
		}
		return writeJSON(c, out)
	}
	if len(tokens) == 0 {
		printf(c.stderr, "no API tokens stored yet: add one with 'twofold token add NAME'\n")
	}
	for _, t := range tokens {
		printf(c.stdout, "%-40s %s, %s, %s\n", qualified(t.Group, t.Name), t.Service, scopeText(t), expiryText(t, c.now()))
	}
	return nil
}

// findToken returns the token the user named (see Store.Find).
func findToken(s *vault.Store, name string) (vault.Token, error) {
	it, err := s.Find(name, vault.KindToken)
	if err != nil {
		return vault.Token{}, err
	}
	tokens, err := s.Tokens()
	if err != nil {
		return vault.Token{}, err
	}
	for _, t := range tokens {
		if t.ID == it.ID {
			return t, nil
		}
	}
	return vault.Token{}, fmt.Errorf("%w: token %q", vault.ErrNotFound, name)
}

func tokenInfo(c *ctx, s *vault.Store, name string) error {
	t, err := findToken(s, name)
	if err != nil {
		return err
	}
	j := toTokenJSON(t, c.now())
	if c.jsonOut {
		return writeJSON(c, j)
	}
	scope := scopeText(t)
	if scope == "scope unknown" {
		scope = "unknown (Twofold reads only PyPI tokens' scope)"
	}
	printf(c.stdout, "name:     %s\nservice:  %s\nscope:    %s\n", qualified(t.Group, t.Name), t.Service, scope)
	switch {
	case !t.ExpiryKnown():
		printf(c.stdout, "expires:  unknown (%s tokens do not say; the service's token settings show it)\n", t.Service)
	case j.Expires == "":
		printf(c.stdout, "expires:  never\n")
	case j.Expired:
		printf(c.stdout, "expires:  %s (expired)\n", j.Expires)
	default:
		printf(c.stdout, "expires:  %s\n", j.Expires)
	}
	warnScope(c, t)
	return nil
}

// tokenExec runs the command with the token in its environment. The token
// never reaches argv, the clipboard or a file; the variable is assembled
// in locked memory and, with cgo, handed to the child from there
// (spawnWithSecret). The vault is locked before the command starts.
// Twofold waits for the command, passing on the signals that would end
// it (waitPassingSignals), and exits with its status.
func tokenExec(c *ctx, s *vault.Store, name, envVar string, argv []string) error {
	t, err := findToken(s, name)
	if err != nil {
		return err
	}
	env := os.Environ()
	varName := envVar // --env, else the one stored with the token
	if varName == "" {
		varName = t.Env
	}
	if varName == "" && strings.Contains(t.Service, "pypi") {
		env = twineEnv(c, t, env)
		varName = "TWINE_PASSWORD"
	}
	if varName == "" {
		return fmt.Errorf("%w: say which environment variable gets the token: --env VAR", vault.ErrInvalid)
	}
	if err := vault.CheckEnvName(varName); err != nil {
		return fmt.Errorf("token %s: %w", t.Name, err) // stored by KeePassXC, or before Twofold checked
	}
	warnExpired(c, t)
	assignment, err := secretAssignment(s, t.ID, varName)
	if err != nil {
		return err
	}
	defer assignment.Destroy()
	s.Lock() // nothing else is needed from the vault while the command runs
	// Listening from before the command starts, no signal is missed.
	sigs, stop := c.childSignals()
	defer stop()
	ch, ok, err := spawnWithSecret(c, argv, env, assignment)
	if !ok {
		ch, err = execFallback(c, argv, env, assignment)
	}
	if err != nil {
		return err
	}
	status, err := waitPassingSignals(ch, sigs)
	if err != nil {
		return err
	}
	if status != 0 {
		return exitError(status)
	}
	return nil
}

// twineIndexes are the package indexes of the PyPI tokens Twofold
// decodes, as twine names them: the .pypirc section (TWINE_REPOSITORY,
// built in for both) and the upload URL (TWINE_REPOSITORY_URL).
var twineIndexes = map[string]struct{ label, section, url string }{
	"pypi":     {"PyPI", "pypi", "https://upload.pypi.org/legacy/"},
	"testpypi": {"TestPyPI", "testpypi", "https://test.pypi.org/legacy/"},
}

// twineEnv adds what twine needs besides the token: the user name, and
// for a TestPyPI token the index to upload to (twine's default is
// pypi.org, which refuses it). An index the person chose in the
// environment (TWINE_REPOSITORY_URL, which twine puts first, or
// TWINE_REPOSITORY) is left as it is: it may be deliberate (a proxy or a
// mirror in front of the index), and twine's own --repository-url would
// override Twofold's anyway. When it is not the token's index, a warning
// says so before the command runs.
func twineEnv(c *ctx, t vault.Token, env []string) []string {
	env = append(env, "TWINE_USERNAME=__token__")
	index, known := twineIndexes[t.Service]
	if !known {
		return env
	}
	if u := c.getenv("TWINE_REPOSITORY_URL"); u != "" {
		if !sameHost(u, index.url) {
			warnTwineIndex(c, t, index.label, "TWINE_REPOSITORY_URL", u)
		}
		return env
	}
	if r := c.getenv("TWINE_REPOSITORY"); r != "" {
		if r != index.section {
			warnTwineIndex(c, t, index.label, "TWINE_REPOSITORY", r)
		}
		return env
	}
	if t.Service == "testpypi" {
		env = append(withoutVars(env, "TWINE_REPOSITORY_URL"), "TWINE_REPOSITORY_URL="+index.url)
	}
	return env
}

func warnTwineIndex(c *ctx, t vault.Token, label, name, value string) {
	printf(c.stderr, "warning: %s is a %s token, but %s=%s sends twine elsewhere: Twofold leaves it as you set it; unset it to upload to %s\n",
		t.Name, label, name, value, label)
}

// sameHost reports whether two URLs name the same host.
func sameHost(a, b string) bool {
	ua, errA := url.Parse(a)
	ub, errB := url.Parse(b)
	return errA == nil && errB == nil && ua.Hostname() != "" && strings.EqualFold(ua.Hostname(), ub.Hostname())
}

// secretAssignment builds "NAME=token\x00" in locked memory.
func secretAssignment(s *vault.Store, id vault.UUID, name string) (*memguard.LockedBuffer, error) {
	secret, err := s.TokenSecret(id)
	if err != nil {
		return nil, err
	}
	defer secret.Destroy()
	buf := memguard.NewBuffer(len(name) + 1 + secret.Size() + 1)
	buf.Copy([]byte(name + "="))
	buf.CopyAt(len(name)+1, secret.Bytes())
	return buf, nil
}

// execFallback starts the command with os/exec, which copies the
// environment (the token included) into ordinary memory once.
func execFallback(c *ctx, argv, env []string, assignment *memguard.LockedBuffer) (*child, error) {
	b := assignment.Bytes()
	env = append(env, unsafe.String(&b[0], len(b)-1))
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env, cmd.Stdin, cmd.Stdout, cmd.Stderr = env, c.stdin, c.stdout, c.stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("run %s: %w", argv[0], err)
	}
	return &child{signal: cmd.Process.Signal, wait: func() (int, error) {
		err := cmd.Wait() // and the copying of in-process streams
		var exit *exec.ExitError
		if err != nil && !errors.As(err, &exit) {
			return 0, fmt.Errorf("run %s: %w", argv[0], err)
		}
		return exitStatus(cmd.ProcessState), nil
	}}, nil
}
