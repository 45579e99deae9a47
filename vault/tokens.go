package vault

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/awnumar/memguard"
	"github.com/tobischo/gokeepasslib/v3"
)

// Token fields (docs/vault-format.md). The token itself is the entry's
// protected Password, so KeePassXC users copy it as any password.
const (
	fTokenService = "Twofold-Token-Service"
	fTokenScope   = "Twofold-Token-Scope"
	fTokenExpires = "Twofold-Token-Expires"
	fTokenEnv     = "Twofold-Token-Env"
)

// Token describes a stored API token. It holds no secret.
type Token struct {
	ID      UUID
	Group   []string
	Name    string // the entry's title
	Service string // "pypi", "testpypi", "github", "gitlab", "npm" or what the user named
	// Scope is "account" (the whole account), or "projects: a, b", or ""
	// when unknown for the service.
	Scope string
	// Projects lists the projects a project-scoped token is limited to.
	Projects []string
	// Expires is zero when the token does not expire, or when it is
	// unknown (see ExpiryKnown).
	Expires time.Time
	// Env is the environment variable `token exec` puts the token in.
	// PyPI tokens have none unless one was chosen (NewToken.Env): they
	// go in TWINE_USERNAME/TWINE_PASSWORD.
	Env string
}

// ExpiryKnown reports whether Twofold knows when the token expires: a
// PyPI token says so itself (an expiry caveat, or none: it never
// expires), and is the only kind Twofold decodes (its Scope is set). Of
// other tokens Twofold knows neither scope nor expiry; their Expires is
// zero.
func (t Token) ExpiryKnown() bool { return !t.Expires.IsZero() || t.Scope != "" }

// AccountWide reports a token that can act on every project of an
// account — the seed advice is to scope upload tokens to one project.
func (t Token) AccountWide() bool { return t.Scope == "account" }

// TokenInfo is what can be learned from a token's text without a server.
type TokenInfo struct {
	Service  string
	Scope    string
	Projects []string
	Expires  time.Time
	URL      string
	UserName string
	Env      string
}

type tokenFormat struct {
	service, url, env, user string
	pattern                 *regexp.Regexp
}

var tokenFormats = []tokenFormat{
	{"github", "https://github.com", "GITHUB_TOKEN", "", regexp.MustCompile(`^(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})$`)},
	{"gitlab", "https://gitlab.com", "GITLAB_TOKEN", "", regexp.MustCompile(`^glpat-[A-Za-z0-9_\-.]{20,}$`)},
	{"npm", "https://www.npmjs.com", "NPM_TOKEN", "", regexp.MustCompile(`^npm_[A-Za-z0-9]{36}$`)},
}

// IdentifyToken recognises a token's service from its text. PyPI tokens
// ("pypi-" and a macaroon) are decoded for their scope and expiry. A
// token of no known format gives an error unless service is named; a
// token that claims a known format but is malformed always does.
func IdentifyToken(token []byte, service string) (TokenInfo, error) {
	t := bytes.TrimSpace(token) // the caller's bytes: no copy to leave behind
	if bytes.HasPrefix(t, []byte("pypi-")) {
		return decodePyPIToken(t)
	}
	for _, f := range tokenFormats {
		if f.pattern.Match(t) {
			return TokenInfo{Service: f.service, URL: f.url, Env: f.env}, nil
		}
	}
	if service == "" {
		return TokenInfo{}, fmt.Errorf("%w (known: PyPI pypi-…, GitHub ghp_…/github_pat_…, GitLab glpat-…, npm npm_…); name the service to store it anyway", ErrUnknownToken)
	}
	return TokenInfo{Service: service, Env: envName(service)}, nil
}

func envName(service string) string {
	up := strings.ToUpper(regexp.MustCompile(`[^A-Za-z0-9]+`).ReplaceAllString(service, "_"))
	return strings.Trim(up, "_") + "_TOKEN"
}

// envNamePattern is what a shell accepts as a variable name (POSIX).
var envNamePattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// reservedEnv are variables a command needs to run: a token in one of
// them breaks the command (PATH, HOME…) or, in the dynamic loader's
// (LD_*, DYLD_*), is read as a file name and printed in the loader's
// error message.
var reservedEnv = map[string]bool{
	"PATH": true, "HOME": true, "SHELL": true, "USER": true, "LOGNAME": true,
	"PWD": true, "TMPDIR": true, "IFS": true, "ENV": true, "BASH_ENV": true,
}

// CheckEnvName refuses a name `token exec` cannot put a token in: one
// that is not a variable name, or one the command itself needs (PATH,
// HOME, SHELL, USER, LD_PRELOAD and the other loader variables…).
func CheckEnvName(name string) error {
	switch {
	case !envNamePattern.MatchString(name):
		return fmt.Errorf("environment variable %q %w: a name is letters, digits and _, not starting with a digit", name, ErrEnvName)
	case reservedEnv[name]:
		return fmt.Errorf("environment variable %s %w: the command needs it to run, and the token would replace it", name, ErrEnvName)
	case strings.HasPrefix(name, "LD_") || strings.HasPrefix(name, "DYLD_"):
		return fmt.Errorf("environment variable %s %w: the dynamic loader reads it, as a file to load, and would print the token in its error message", name, ErrEnvName)
	}
	return nil
}

// NewToken describes a token to add.
type NewToken struct {
	Name    string
	Token   []byte // the caller wipes it
	Service string // optional; required for unknown formats
	// Env optionally overrides the variable `token exec` sets (for a
	// PyPI token: instead of TWINE_USERNAME and TWINE_PASSWORD).
	Env   string
	Group []string
}

// AddToken stores an API token. Its scope and expiry are decoded now and
// kept in plain fields, so listing tokens never opens them.
func (s *Store) AddToken(n NewToken) (Token, error) {
	if strings.TrimSpace(n.Name) == "" {
		return Token{}, fmt.Errorf("%w: a token name is needed", ErrInvalid)
	}
	if len(bytes.TrimSpace(n.Token)) == 0 {
		return Token{}, fmt.Errorf("%w: the token is empty", ErrInvalid)
	}
	if n.Env != "" {
		if err := CheckEnvName(n.Env); err != nil {
			return Token{}, err
		}
	}
	info, err := IdentifyToken(n.Token, n.Service)
	if err != nil {
		return Token{}, err
	}
	if n.Env != "" {
		info.Env = n.Env
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.db == nil {
		return Token{}, ErrLocked
	}
	if err := s.checkNewItemGroup(n.Group); err != nil {
		return Token{}, err
	}
	e := s.newEntry()
	setPlain(&e, fTitle, n.Name)
	setPlain(&e, fUserName, info.UserName)
	setPlain(&e, fURL, info.URL)
	setPlain(&e, fKind, kindToken)
	setPlain(&e, fTokenService, info.Service)
	setPlain(&e, fTokenScope, strings.TrimSpace(info.Scope+projectList(info.Projects)))
	if !info.Expires.IsZero() {
		setPlain(&e, fTokenExpires, info.Expires.UTC().Format(time.RFC3339))
	}
	if info.Env != "" {
		setPlain(&e, fTokenEnv, info.Env)
	}
	if err := s.setSecret(&e, fPassword, bytes.TrimSpace(n.Token)); err != nil {
		return Token{}, lockedOr(err)
	}
	stored := s.addEntry(n.Group, e)
	return readToken(n.Group, stored), nil
}

func projectList(p []string) string {
	if len(p) == 0 {
		return ""
	}
	return ": " + strings.Join(p, ", ")
}

func readToken(group []string, e *gokeepasslib.Entry) Token {
	t := Token{ID: e.UUID, Group: group, Name: e.GetTitle(), Service: e.GetContent(fTokenService), Env: e.GetContent(fTokenEnv)}
	scope := e.GetContent(fTokenScope)
	if rest, ok := strings.CutPrefix(scope, "projects: "); ok {
		t.Scope = "projects"
		t.Projects = strings.Split(rest, ", ")
	} else {
		t.Scope = scope
	}
	if exp := e.GetContent(fTokenExpires); exp != "" {
		t.Expires, _ = time.Parse(time.RFC3339, exp)
	}
	return t
}

// Tokens lists the live API tokens.
func (s *Store) Tokens() ([]Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.db == nil {
		return nil, ErrLocked
	}
	var out []Token
	s.walk(func(groups []string, e *gokeepasslib.Entry, recycled bool) bool {
		if !recycled && e.GetContent(fKind) == kindToken {
			out = append(out, readToken(groups, e))
		}
		return true
	})
	return out, nil
}

// TokenSecret opens a token for use; the caller destroys the buffer as
// soon as it has handed the token on.
func (s *Store) TokenSecret(id UUID) (*memguard.LockedBuffer, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, err := s.kindEntry(id, kindToken)
	if err != nil {
		return nil, err
	}
	return s.openSecret(e, fPassword)
}
