package main

import (
	"errors"
	"fmt"

	"github.com/twofold-app/twofold/vault"
)

type recoveryJSON struct {
	UUID    string   `json:"uuid"`
	Group   []string `json:"group"`
	Service string   `json:"service"`
	Account string   `json:"account"`
	Total   int      `json:"total"`
	Unused  int      `json:"unused"`
	Low     bool     `json:"low"`
	Error   string   `json:"error,omitempty"`
}

func toRecoveryJSON(r vault.RecoverySet) recoveryJSON {
	j := recoveryJSON{vault.FormatUUID(r.ID), nonNil(r.Group), r.Service, r.Account, r.Total, r.Unused, r.Low(), ""}
	if r.Err != nil {
		j.Error = r.Err.Error()
	}
	return j
}

// setDetail is what a list says of a set: its counts, or why it has none.
func setDetail(r vault.RecoverySet) string {
	if r.Err != nil {
		return "unusable: " + r.Err.Error()
	}
	note := ""
	if r.Low() {
		note = "  (running low: generate new codes on the service)"
	}
	return fmt.Sprintf("%d of %d unused%s", r.Unused, r.Total, note)
}

// keepassCodesFix is how a set with no codes stored is mended in
// KeePassXC, where it was most likely cleared.
const keepassCodesFix = "in KeePassXC, edit the entry and put the codes, one per line, in the attribute \"Recovery Codes\" (Advanced); or store them again with "

// warnUnusableSets says on standard error which sets hold no codes Twofold
// can use, why, and how to mend each; the other sets are listed as usual.
func warnUnusableSets(c *ctx, sets []vault.RecoverySet) {
	for _, r := range sets {
		if r.Err == nil {
			continue
		}
		printf(c.stderr, "warning: %s: %v\n", qualified(r.Group, r.Name()), r.Err)
		if errors.Is(r.Err, vault.ErrNoRecoveryCodes) {
			printf(c.stderr, "hint: %s%s\n", keepassCodesFix, addAgainCommand(r))
		}
	}
}

// addAgainCommand is the command that stores new codes in r's place.
func addAgainCommand(r vault.RecoverySet) string {
	cmd := "'twofold recovery add --replace "
	if r.Account != "" {
		cmd += "--account " + shellWord(r.Account) + " "
	}
	return cmd + shellWord(r.Service) + "'"
}

func cmdRecovery(c *ctx, args []string) error {
	fs := c.flags()
	account := fs.String("account", "", "with add: the account the codes belong to")
	group := fs.String("group", "", "with add: group path")
	replace := fs.Bool("replace", false, "with add: replace the service's stored codes (new codes make the old ones invalid); the old set moves to the recycle bin")
	fs.BoolVar(&c.jsonOut, "json", false, "with list: print JSON")
	pos, err := c.parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 || (pos[0] != "list" && len(pos) != 2) {
		fs.Usage()
		return fmt.Errorf("%w: usage: twofold %s", vault.ErrInvalid, c.cmd.usage)
	}
	s, err := c.open()
	if err != nil {
		return err
	}
	defer s.Lock()
	switch pos[0] {
	case "add":
		return recoveryAdd(c, s, pos[1], *account, *group, *replace)
	case "list":
		return recoveryList(c, s, pos[1:])
	case "use":
		return recoveryUse(c, s, pos[1])
	}
	return fmt.Errorf("%w: unknown recovery command %q (add, list, use)", vault.ErrInvalid, pos[0])
}

func recoveryAdd(c *ctx, s *vault.Store, name, account, group string, replace bool) error {
	if err := checkFields("service", name, "account", account, "group", group); err != nil {
		return err
	}
	if c.stdinIsTerminal() {
		printf(c.stderr, "Paste the recovery codes, one per line, then press Ctrl-D:\n")
	}
	text, err := c.readRest()
	if err != nil {
		return err
	}
	pasted, err := vault.ParseRecoveryCodes(text)
	if err != nil {
		return err
	}
	clashes, err := s.RecoveryClashes(name, account)
	if err != nil {
		return err
	}
	old, err := vault.ResolveClash(vault.KindRecovery, name, clashes, replace)
	if err != nil {
		return err
	}
	r, err := s.AddRecoveryCodes(name, account, keptGroup(group, old), pasted.Codes)
	if err != nil {
		return err
	}
	if err := removeReplaced(s, old); err != nil {
		return err
	}
	if err := s.Save(); err != nil {
		return err
	}
	printf(c.stdout, "stored %s for %s\n", plural(r.Total, "recovery code", "recovery codes"), qualified(r.Group, r.Name()))
	replaced(c, old)
	reportSkipped(c, pasted.Skipped)
	return nil
}

// reportSkipped lists on standard error the lines of the input not taken
// as codes, so that a code the parser missed is not lost unnoticed.
func reportSkipped(c *ctx, skipped []string) {
	if len(skipped) == 0 {
		return
	}
	printf(c.stderr, "skipped %s (check that none is one):\n",
		plural(len(skipped), "line that does not look like a code", "lines that do not look like codes"))
	for _, line := range skipped {
		printf(c.stderr, "  %s\n", line)
	}
}

func recoveryList(c *ctx, s *vault.Store, pos []string) error {
	if len(pos) == 0 {
		sets, err := s.RecoverySets()
		if err != nil {
			return err
		}
		warnUnusableSets(c, sets)
		if c.jsonOut {
			out := []recoveryJSON{}
			for _, r := range sets {
				out = append(out, toRecoveryJSON(r))
			}
			return writeJSON(c, out)
		}
		if len(sets) == 0 {
			printf(c.stderr, "no recovery codes stored yet: add a service's set with 'twofold recovery add NAME'\n")
		}
		for _, r := range sets {
			printf(c.stdout, "%-40s %s\n", qualified(r.Group, r.Name()), setDetail(r))
		}
		return nil
	}
	it, err := s.Find(pos[0], vault.KindRecovery)
	if err != nil {
		return err
	}
	codes, err := s.RecoveryCodes(it.ID)
	if err != nil {
		return err
	}
	for _, code := range codes {
		mark := "unused"
		if code.Used {
			mark = "used"
			if !code.UsedOn.IsZero() {
				mark += " " + code.UsedOn.Format("2006-01-02")
			}
		}
		printf(c.stdout, "%-24s %s\n", code.Code, mark)
	}
	return nil
}

func recoveryUse(c *ctx, s *vault.Store, name string) error {
	it, err := s.Find(name, vault.KindRecovery)
	if err != nil {
		return err
	}
	code, left, err := s.UseRecoveryCode(it.ID)
	if err != nil {
		return err
	}
	if err := s.Save(); err != nil {
		return err
	}
	printLine(c.stdout, code)
	if left <= vault.LowRecoveryCodes {
		printf(c.stderr, "warning: %s left for %s: generate new ones on the service\n",
			plural(left, "unused recovery code", "unused recovery codes"), it.Title)
	}
	return nil
}
