package main

import (
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/twofold-app/twofold/vault"
	"github.com/twofold-app/twofold/vault/otp"
)

func cmdInit(c *ctx, args []string) error {
	fs := c.flags()
	kdfMS := fs.Int("kdf-ms", 1000, "target unlock time in milliseconds (Argon2id is calibrated on this machine)")
	memMiB := fs.Int("kdf-memory-mib", 64, "Argon2id memory in MiB")
	format := fs.String("format", "kdbx4", "file format: kdbx4 or kdbx3 (KDBX 3.1, AES-KDF)")
	cipher := fs.String("cipher", "chacha20", "cipher: chacha20, aes or twofish")
	if _, err := c.parse(fs, args); err != nil {
		return err
	}
	if err := checkKDFFlags(*kdfMS, *memMiB); err != nil {
		return err
	}
	if c.keyFile != "" {
		// Before calibrating and asking for the password.
		if err := vault.CheckKeyFile(c.keyFile); err != nil {
			return err
		}
	}
	opts := vault.CreateOptions{Options: vault.Options{Now: c.now}}
	switch strings.ToLower(*cipher) {
	case "chacha20":
		opts.Cipher = vault.CipherChaCha20
	case "aes", "aes256", "aes-256":
		opts.Cipher = vault.CipherAES256
	case "twofish":
		opts.Cipher = vault.CipherTwofish
	default:
		return fmt.Errorf("%w: unknown cipher %q (chacha20, aes, twofish)", vault.ErrInvalid, *cipher)
	}
	target := time.Duration(*kdfMS) * time.Millisecond
	switch *format {
	case "kdbx4":
		opts.KDF = vault.Calibrate(target, uint64(*memMiB)<<20)
	case "kdbx3":
		opts.Version = vault.KDBX31
		opts.KDF = vault.CalibrateAES(target)
	default:
		return fmt.Errorf("%w: unknown format %q (kdbx4, kdbx3)", vault.ErrInvalid, *format)
	}
	cr, done, err := c.newCredentials()
	if err != nil {
		return err
	}
	defer done()
	s, err := vault.Create(c.path(), cr, opts)
	if err != nil {
		return err
	}
	defer s.Lock()
	printf(c.stdout, "created %s (%s)\n", s.Path(), opts.KDF)
	return nil
}

// newCredentials asks for a new password (twice on a terminal).
// maxKDFMemoryMiB is the most Argon2id memory a vault may ask for and
// still open (Twofold's, and KeePassXC's, limit: 4 GiB); maxKDFMS the
// longest unlock init calibrates for: a minute (calibrating takes about a
// quarter of it, and a key derivation of hours was a typo).
const (
	maxKDFMemoryMiB = 4 << 10
	maxKDFMS        = 60_000
)

// checkKDFFlags refuses --kdf-ms and --kdf-memory-mib values that would
// be silently replaced (zero or less) or give a vault nothing opens.
func checkKDFFlags(ms, mib int) error {
	if ms <= 0 || ms > maxKDFMS {
		return fmt.Errorf("%w: --kdf-ms is the time an unlock should take, in milliseconds, from 1 to %d (got %d; the default is 1000)", vault.ErrInvalid, maxKDFMS, ms)
	}
	if mib < 1 || mib > maxKDFMemoryMiB {
		return fmt.Errorf("%w: --kdf-memory-mib must be from 1 to %d (got %d; the default is 64)", vault.ErrInvalid, maxKDFMemoryMiB, mib)
	}
	return nil
}

func (c *ctx) newCredentials() (vault.Credentials, func(), error) {
	cr, done, err := c.credentials()
	if err != nil {
		return cr, nil, err
	}
	if len(cr.Password) == 0 && c.keyFile == "" {
		done()
		return cr, nil, fmt.Errorf("%w: an empty password protects nothing; choose one, or use --keyfile", vault.ErrInvalid)
	}
	if c.stdinIsTerminal() && c.passwordFile == "" {
		again, err := c.readSecretLine("Repeat the password: ")
		if err != nil {
			done()
			return cr, nil, err
		}
		defer again.Destroy()
		if !again.EqualTo(cr.Password) {
			done()
			return cr, nil, fmt.Errorf("%w: the passwords differ", vault.ErrInvalid)
		}
	}
	return cr, done, nil
}

type listJSON struct {
	Accounts []accountJSON  `json:"accounts"`
	Recovery []recoveryJSON `json:"recovery"`
	Tokens   []tokenJSON    `json:"tokens"`
}

type accountJSON struct {
	UUID      string   `json:"uuid"`
	Group     []string `json:"group"`
	Title     string   `json:"title"`
	Issuer    string   `json:"issuer"`
	Account   string   `json:"account"`
	Type      string   `json:"type"`
	Algorithm string   `json:"algorithm"`
	Digits    int      `json:"digits"`
	Period    int      `json:"period,omitempty"`
	Counter   *uint64  `json:"counter,omitempty"`
	Favourite bool     `json:"favourite"`
	Error     string   `json:"error,omitempty"`
}

func toAccountJSON(a vault.Account) accountJSON {
	j := accountJSON{UUID: vault.FormatUUID(a.ID), Group: nonNil(a.Group), Title: a.Title, Issuer: a.Issuer,
		Account: a.Account, Type: strings.ToLower(a.Type.String()), Algorithm: a.Algorithm.String(), Digits: a.Digits, Favourite: a.Favourite}
	if a.Type == otp.TOTP {
		j.Period = a.Period
	} else {
		ctr := a.Counter
		j.Counter = &ctr
	}
	if a.Steam {
		j.Type = "steam"
	}
	if a.Err != nil {
		j.Error = a.Err.Error()
	}
	return j
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func cmdList(c *ctx, args []string) error {
	fs := c.flags()
	fs.BoolVar(&c.jsonOut, "json", false, "print JSON")
	if _, err := c.parse(fs, args); err != nil {
		return err
	}
	s, err := c.open()
	if err != nil {
		return err
	}
	defer s.Lock()
	accounts, err := s.Accounts()
	if err != nil {
		return err
	}
	sets, err := s.RecoverySets()
	if err != nil {
		return err
	}
	tokens, err := s.Tokens()
	if err != nil {
		return err
	}
	warnUnusableSets(c, sets)
	if c.jsonOut {
		out := listJSON{Accounts: []accountJSON{}, Recovery: []recoveryJSON{}, Tokens: []tokenJSON{}}
		for _, a := range accounts {
			out.Accounts = append(out.Accounts, toAccountJSON(a))
		}
		for _, r := range sets {
			out.Recovery = append(out.Recovery, toRecoveryJSON(r))
		}
		for _, t := range tokens {
			out.Tokens = append(out.Tokens, toTokenJSON(t, c.now()))
		}
		return writeJSON(c, out)
	}
	printList(c, accounts, sets, tokens)
	return nil
}

func printList(c *ctx, accounts []vault.Account, sets []vault.RecoverySet, tokens []vault.Token) {
	printf(c.stdout, "Accounts (%d)\n", len(accounts))
	for _, a := range accounts {
		star := " "
		if a.Favourite {
			star = "*"
		}
		detail := paramText(a.Params)
		if a.Err != nil {
			detail = "unusable: " + a.Err.Error()
		}
		printf(c.stdout, " %s %-40s %s\n", star, qualified(a.Group, a.Name()), detail)
	}
	printf(c.stdout, "Recovery codes (%d)\n", len(sets))
	for _, r := range sets {
		printf(c.stdout, "   %-40s %s\n", qualified(r.Group, r.Name()), setDetail(r))
	}
	printf(c.stdout, "API tokens (%d)\n", len(tokens))
	for _, t := range tokens {
		printf(c.stdout, "   %-40s %s, %s, %s\n", qualified(t.Group, t.Name), t.Service, scopeText(t), expiryText(t, c.now()))
	}
}

func qualified(group []string, name string) string {
	if len(group) == 0 {
		return name
	}
	return joinGroup(group) + "/" + name
}

func cmdAdd(c *ctx, args []string) error {
	fs := c.flags()
	issuer := fs.String("issuer", "", "service name, e.g. GitHub")
	account := fs.String("account", "", "account name, e.g. alice@example.com")
	secretArg := fs.String("secret", "", "base32 secret ('-' reads it from standard input, which keeps it out of shell history)")
	digits := fs.Int("digits", 6, "code length (4-10)")
	period := fs.Int("period", 30, "seconds per code (TOTP)")
	algorithm := fs.String("algorithm", "SHA1", "SHA1, SHA256 or SHA512")
	hotp := fs.Bool("hotp", false, "counter-based (HOTP) instead of time-based")
	counter := fs.Uint64("counter", 0, "HOTP counter")
	steam := fs.Bool("steam", false, "Steam Guard codes (5 characters)")
	group := fs.String("group", "", "group path, e.g. Work/Cloud")
	replace := fs.Bool("replace", false, "replace the account of the same issuer and account name (2FA set up again); the old one moves to the recycle bin")
	pos, err := c.parse(fs, args)
	if err != nil {
		return err
	}
	if err := addFlagsFit(fs, len(pos) > 0); err != nil {
		return err
	}
	s, err := c.open()
	if err != nil {
		return err
	}
	defer s.Lock()
	key, err := c.keyFromArgs(pos, *secretArg, otp.Params{Issuer: *issuer, Account: *account, Digits: *digits, Period: *period, Counter: *counter, Steam: *steam}, *algorithm, *hotp)
	if err != nil {
		return err
	}
	defer key.Destroy()
	if err := checkNames(key.Issuer, key.Account, *group); err != nil {
		return err
	}
	if err := vault.CheckNamed(key.Params); err != nil {
		return err
	}
	clashes, err := s.AccountClashes(key)
	if err != nil {
		return err
	}
	old, err := vault.ResolveClash(vault.KindAccount, vault.Account{Params: key.Params}.Name(), clashes, *replace)
	if err != nil {
		return err
	}
	a, err := s.AddAccount(vault.NewAccount{Key: key, Group: keptGroup(*group, old)})
	if err != nil {
		return err
	}
	if err := removeReplaced(s, old); err != nil {
		return err
	}
	if err := s.Save(); err != nil {
		return err
	}
	printf(c.stdout, "added %s\n", qualified(a.Group, a.Name()))
	if key.ShortSecret() {
		// The window asks first; a script is only warned.
		printf(c.stderr, "warning: the secret is only %d bits; services give 80 or more (16 or 32 base32 characters): "+
			"if it was cut off when copied, its codes will never be accepted\n", 8*key.Secret.Size())
	}
	replaced(c, old)
	return nil
}

// keptGroup is the group a new item goes to: --group, else the group of
// the item it replaces (if any), else the top.
func keptGroup(group string, old *vault.Clash) []string {
	if g := splitGroup(group); len(g) > 0 || old == nil {
		return g
	}
	return old.Group
}

// removeReplaced moves what --replace replaces to the recycle bin, after
// the new item is in: a failed addition leaves the old one.
func removeReplaced(s *vault.Store, old *vault.Clash) error {
	if old == nil {
		return nil
	}
	return s.Remove(old.ID)
}

// replaced tells what --replace moved to the recycle bin.
func replaced(c *ctx, old *vault.Clash) {
	if old != nil {
		printf(c.stdout, "replaced %s (%s): it is in the recycle bin\n", qualified(old.Group, old.Name), vault.FormatUUID(old.ID))
	}
}

// addFlagsFit refuses add's flags that would be ignored, before the
// password is asked for: the account's settings given beside a URI
// (which carries them), and settings of the other kind of code.
func addFlagsFit(fs *flag.FlagSet, uri bool) error {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for _, name := range []string{"issuer", "account", "secret", "digits", "period", "algorithm", "hotp", "counter", "steam"} {
		if uri && set[name] {
			return fmt.Errorf("%w: --%s cannot be combined with an otpauth:// URI, which carries the account's settings: edit the URI, or give every setting by flag instead", vault.ErrInvalid, name)
		}
	}
	hotp := set["hotp"] && fs.Lookup("hotp").Value.String() == "true"
	switch {
	case set["counter"] && !hotp:
		return fmt.Errorf("%w: --counter is for counter-based accounts: add --hotp", vault.ErrInvalid)
	case set["period"] && hotp:
		return fmt.Errorf("%w: --period is for time-based accounts; a --hotp account has a --counter instead", vault.ErrInvalid)
	case set["steam"] && hotp:
		return fmt.Errorf("%w: Steam Guard codes are time-based: drop --hotp", vault.ErrInvalid)
	case set["steam"] && set["digits"]:
		return fmt.Errorf("%w: Steam Guard codes always have 5 characters: drop --digits", vault.ErrInvalid)
	case set["steam"] && set["period"]:
		return fmt.Errorf("%w: Steam Guard codes change every 30 s (KeePassXC ignores another period): drop --period", vault.ErrInvalid)
	}
	return nil
}

func (c *ctx) keyFromArgs(pos []string, secretArg string, p otp.Params, algorithm string, hotp bool) (*otp.Key, error) {
	if len(pos) > 1 {
		return nil, fmt.Errorf("%w: add takes one otpauth:// URI (quote it)", vault.ErrInvalid)
	}
	if len(pos) == 1 {
		uri := []byte(pos[0])
		if pos[0] == "-" {
			buf, err := c.readSecretLine("otpauth URI: ")
			if errors.Is(err, errNoPassword) {
				return nil, fmt.Errorf("%w: no otpauth URI given (add - reads it from the line after the password)", errNoInputLine)
			}
			if err != nil {
				return nil, err
			}
			defer buf.Destroy()
			uri = buf.Bytes()
		}
		return otp.ParseURI(uri)
	}
	if secretArg == "" {
		return nil, fmt.Errorf("%w: give an otpauth:// URI, or --secret with --issuer/--account", otp.ErrNoSecret)
	}
	alg, err := otp.ParseAlgorithm(algorithm)
	if err != nil {
		return nil, err
	}
	p.Algorithm, p.Type = alg, otp.TOTP
	if hotp {
		p.Type = otp.HOTP
	}
	if p.Steam {
		p.Digits = 5
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	raw := []byte(secretArg)
	if secretArg == "-" {
		buf, err := c.readSecretLine("Secret (base32): ")
		if errors.Is(err, errNoPassword) {
			return nil, fmt.Errorf("%w: no secret given (--secret - reads it from the line after the password)", errNoInputLine)
		}
		if err != nil {
			return nil, err
		}
		defer buf.Destroy()
		raw = buf.Bytes()
	}
	sec, err := otp.ParseSecret(raw)
	if err != nil {
		return nil, err
	}
	return &otp.Key{Params: p, Secret: sec}, nil
}

// checkNames refuses control characters (newlines, ESC, …) in the
// names add stores. Shown in a terminal they would be escaped, but they
// are never wanted in a name, and KeePass's XML cannot hold most of them:
// the saved title would read U+FFFD in KeePassXC and in Twofold.
func checkNames(issuer, account, group string) error {
	return checkFields("issuer", issuer, "account", account, "group", group)
}

// checkFields is checkNames for any labelled fields: label, value, ….
func checkFields(labelled ...string) error {
	for i := 0; i+1 < len(labelled); i += 2 {
		what, value := labelled[i], labelled[i+1]
		if i := strings.IndexFunc(value, unicode.IsControl); i >= 0 {
			r, _ := utf8.DecodeRuneInString(value[i:])
			return fmt.Errorf("%w: the %s contains a control character (%q); names cannot hold them", vault.ErrInvalid, what, r)
		}
	}
	return nil
}

func splitGroup(g string) []string {
	var out []string
	for _, p := range strings.Split(g, "/") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func cmdRemove(c *ctx, args []string) error {
	fs := c.flags()
	pos, err := c.parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return fmt.Errorf("%w: rm takes one NAME", vault.ErrInvalid)
	}
	s, err := c.open()
	if err != nil {
		return err
	}
	defer s.Lock()
	it, err := s.Find(pos[0], "")
	if err != nil {
		return err
	}
	if err := s.Remove(it.ID); err != nil {
		return err
	}
	if err := s.Save(); err != nil {
		return err
	}
	printf(c.stdout, "moved the %s %s to the recycle bin\n", kindName[it.Kind], qualified(it.Group, it.Name))
	return nil
}

// kindName is what a kind of item is called in sentences: rm says which
// kind it removed, as a NAME may match an account, recovery codes or a
// token.
var kindName = map[vault.Kind]string{
	vault.KindAccount: "account", vault.KindRecovery: "recovery codes", vault.KindToken: "token",
}
