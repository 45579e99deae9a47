package main

import (
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/twofold-app/twofold/vault"
	"github.com/twofold-app/twofold/vault/otp"
)

type codeJSON struct {
	accountJSON
	// Code is null for an HOTP account: 'codes' makes no HOTP code,
	// which would use up a counter value without advancing it.
	Code      *string `json:"code"`
	Remaining *int    `json:"remaining,omitempty"`
	NextCode  string  `json:"next_code,omitempty"`
	// Make is the command that makes an HOTP account's code (for the
	// text output).
	Make string `json:"-"`
}

func cmdCodes(c *ctx, args []string) error {
	fs := c.flags()
	at := fs.Int64("at", 0, "compute the codes at this Unix time instead of now")
	fs.BoolVar(&c.jsonOut, "json", false, "print JSON")
	watch := fs.Bool("watch", false, "keep running; print each code when it changes")
	pos, err := c.parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return fmt.Errorf("%w: codes takes at most one QUERY", vault.ErrInvalid)
	}
	if *at < 0 {
		return fmt.Errorf("%w: --at takes a Unix time (seconds since 1970-01-01 UTC), not %d", vault.ErrInvalid, *at)
	}
	s, err := c.open()
	if err != nil {
		return err
	}
	defer s.Lock()
	accounts, err := matching(s, pos)
	if err != nil {
		return err
	}
	if len(accounts) == 0 {
		if !c.jsonOut {
			printf(c.stderr, "no accounts yet: add one with 'twofold add' or 'twofold import'\n")
		}
		if !*watch {
			return printCodes(c, s, nil, c.now())
		}
		return nil
	}
	if *watch {
		return watchCodes(c, s, accounts)
	}
	t := c.now()
	if flagGiven(fs, "at") {
		t = time.Unix(*at, 0)
	}
	return printCodes(c, s, accounts, t)
}

// matching returns the accounts QUERY names (all without one).
func matching(s *vault.Store, pos []string) ([]vault.Account, error) {
	all, err := s.Accounts()
	if err != nil || len(pos) == 0 {
		return all, err
	}
	named, err := namedBy(s, pos[0])
	if err != nil {
		return nil, err
	}
	var out []vault.Account
	for _, a := range all {
		if named(a) {
			out = append(out, a)
		}
	}
	return out, nil
}

// namedBy tells the accounts a query names, as NAME is matched by every
// command (vault.Store.Match: the UUID, else exact names — title, issuer,
// issuer:account, group/title — else a part of one), but keeping every
// match. No match is an error.
func namedBy(s *vault.Store, query string) (func(vault.Account) bool, error) {
	items, err := s.Search(query, vault.KindAccount)
	if err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return nil, fmt.Errorf("%w: no account matches %q", vault.ErrNotFound, query)
	}
	ids := map[vault.UUID]bool{}
	for _, it := range items {
		ids[it.ID] = true
	}
	return func(a vault.Account) bool { return ids[a.ID] }, nil
}

// flagGiven reports whether the flag was on the command line.
func flagGiven(fs *flag.FlagSet, name string) bool {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	return given
}

func printCodes(c *ctx, s *vault.Store, accounts []vault.Account, t time.Time) error {
	var out []codeJSON
	for _, a := range accounts {
		if a.Err != nil {
			printf(c.stderr, "warning: %s: %v\n", a.Name(), a.Err)
			continue
		}
		j := codeJSON{accountJSON: toAccountJSON(a)}
		if a.Type == otp.HOTP {
			// Its code at the stored counter, shown here, would be the one
			// 'hotp next' gives next: typed in from here, it is used up at
			// the service and that one is refused. The window makes one
			// only by its Next button, for the same reason.
			j.Make = hotpNextCommand(a)
			out = append(out, j)
			continue
		}
		code, err := s.Code(a.ID, t)
		if err != nil {
			return err
		}
		r := int(code.Remaining.Round(time.Second) / time.Second)
		j.Code, j.NextCode, j.Remaining = &code.Code, code.Next, &r
		out = append(out, j)
	}
	if c.jsonOut {
		if out == nil {
			out = []codeJSON{}
		}
		return writeJSON(c, out)
	}
	for _, j := range out {
		if j.Code == nil {
			printf(c.stdout, "%-40s HOTP: run '%s' (counter %d)\n", qualified(j.Group, nameOf(j)), j.Make, *j.Counter)
			continue
		}
		left := fmt.Sprintf("%2ds left", *j.Remaining)
		if *j.Remaining < nextCodeShownUnder && j.NextCode != "" {
			left += "  next " + j.NextCode
		}
		printf(c.stdout, "%-40s %-10s %s\n", qualified(j.Group, nameOf(j)), *j.Code, left)
	}
	return nil
}

// hotpNextCommand is the command that makes a's next code: issuer:account
// names it where both are set (the bare issuer may name several).
func hotpNextCommand(a vault.Account) string {
	name := a.Name()
	if a.Account != "" && a.Issuer != "" {
		name = a.Issuer + ":" + a.Account
	}
	return "twofold hotp next " + shellWord(name)
}

// nextCodeShownUnder is when a TOTP line also shows the next code (in
// seconds left), as the window's rows do: soon enough to type it if the
// current one runs out.
const nextCodeShownUnder = 10

func nameOf(j codeJSON) string {
	if j.Account == "" {
		return j.Issuer
	}
	return j.Issuer + " (" + j.Account + ")"
}

// explainUnwatched says which accounts --watch leaves out: HOTP codes
// have no countdown (they change when used). With no TOTP account left
// to watch it is an error, rather than waiting for ever in silence.
func explainUnwatched(c *ctx, accounts []vault.Account) error {
	var hotp []string
	totp := 0
	for _, a := range accounts {
		switch {
		case a.Err != nil:
			printf(c.stderr, "warning: %s: %v\n", a.Name(), a.Err)
		case a.Type == otp.TOTP:
			totp++
		default:
			hotp = append(hotp, qualified(a.Group, a.Name()))
		}
	}
	switch {
	case totp > 0:
		for _, name := range hotp {
			printf(c.stderr, "%s is an HOTP account: no countdown, its code changes only when used ('twofold hotp next' gives it)\n", name)
		}
		return nil
	case len(hotp) == 1:
		return fmt.Errorf("%w: %s is an HOTP account, with no countdown", errNothingToWatch, hotp[0])
	case len(hotp) > 1:
		return fmt.Errorf("%w: %s are HOTP accounts, with no countdown", errNothingToWatch, strings.Join(hotp, ", "))
	}
	return fmt.Errorf("%w: no usable time-based account", errNothingToWatch)
}

// errNothingToWatch: codes --watch was given only HOTP accounts, whose
// codes have no countdown.
var errNothingToWatch = errors.New("nothing to watch")

// watchCodes prints each TOTP code when it changes, until interrupted.
// It computes codes once a tick; c.ticks drives it (a real one-second
// ticker outside tests).
func watchCodes(c *ctx, s *vault.Store, accounts []vault.Account) error {
	if err := explainUnwatched(c, accounts); err != nil {
		return err
	}
	interrupted, stop := c.interrupts() // Ctrl-C ends the watch, and the vault is locked
	defer stop()
	ticks, stop := c.ticker(time.Second)
	defer stop()
	last := map[vault.UUID]string{}
	for {
		t := c.now()
		for _, a := range accounts {
			if a.Err != nil || a.Type != otp.TOTP {
				continue
			}
			code, err := s.Code(a.ID, t)
			if err != nil {
				return err
			}
			if last[a.ID] != code.Code {
				last[a.ID] = code.Code
				printf(c.stdout, "%s  %-40s %-10s %2ds left\n", t.Format("15:04:05"), qualified(a.Group, a.Name()), code.Code, int(code.Remaining/time.Second))
			}
		}
		select {
		case <-ticks:
		case <-interrupted:
			return nil
		}
	}
}

func cmdHOTP(c *ctx, args []string) error {
	fs := c.flags()
	pos, err := c.parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 || pos[0] != "next" {
		fs.Usage()
		return fmt.Errorf("%w: usage: twofold hotp next NAME", vault.ErrInvalid)
	}
	s, err := c.open()
	if err != nil {
		return err
	}
	defer s.Lock()
	it, err := s.Find(pos[1], vault.KindAccount)
	if err != nil {
		return err
	}
	code, err := s.NextHOTP(it.ID)
	if err != nil {
		return err
	}
	if err := s.Save(); err != nil {
		return err
	}
	printLine(c.stdout, code)
	return nil
}
