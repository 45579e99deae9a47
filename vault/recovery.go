package vault

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/tobischo/gokeepasslib/v3"

	"github.com/twofold-app/twofold/vault/internal/kdbx"
	"github.com/twofold-app/twofold/vault/internal/secret"
)

// Twofold's own fields (docs/vault-format.md).
const (
	// fKind marks entries that are not OTP accounts.
	fKind = "Twofold-Kind"
	// fRecoveryCodes holds one code per line; a used code is followed by
	// " (used YYYY-MM-DD)".
	fRecoveryCodes = "Recovery Codes"

	kindRecovery = "recovery-codes"
	kindToken    = "api-token"
)

// LowRecoveryCodes is the count of unused codes at or below which a set
// is reported as running low.
const LowRecoveryCodes = 3

// RecoveryCode is one code of a set.
type RecoveryCode struct {
	Code string
	Used bool
	// UsedOn is the day it was marked used (zero if unknown or unused).
	UsedOn time.Time
}

// RecoverySet is the recovery ("emergency", "backup") codes of one account.
type RecoverySet struct {
	ID      UUID
	Group   []string
	Service string // the entry's title
	Account string
	Total   int
	Unused  int
	// Err is set when the entry holds no codes Twofold can use (the
	// message says why, as ErrNoRecoveryCodes: its "Recovery Codes" field
	// is missing or empty); such a set counts no codes, and asking for
	// them returns Err, named.
	Err error
}

// Name is how the set is shown: "Service (account)", or the service alone
// for a set without an account.
func (r RecoverySet) Name() string {
	if r.Account == "" {
		return r.Service
	}
	return r.Service + " (" + r.Account + ")"
}

// Low reports whether the set is running out of codes.
// A fresh set of three codes or fewer is not "running low": it is all
// the service gave.
func (r RecoverySet) Low() bool { return r.Unused <= LowRecoveryCodes && r.Unused < r.Total }

var usedSuffix = regexp.MustCompile(`\s+\(used(?: (\d{4}-\d\d-\d\d))?\)$`)

func parseStoredCodes(text []byte) []RecoveryCode {
	var out []RecoveryCode
	sc := bufio.NewScanner(bytes.NewReader(text))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		c := RecoveryCode{Code: line}
		if m := usedSuffix.FindStringSubmatchIndex(line); m != nil {
			c.Code, c.Used = line[:m[0]], true
			if m[2] >= 0 {
				c.UsedOn, _ = time.Parse(time.DateOnly, line[m[2]:m[3]])
			}
		}
		out = append(out, c)
	}
	return out
}

func formatStoredCodes(codes []RecoveryCode) []byte {
	var b bytes.Buffer
	for _, c := range codes {
		b.WriteString(c.Code)
		if c.Used {
			b.WriteString(" (used")
			if !c.UsedOn.IsZero() {
				b.WriteString(" " + c.UsedOn.Format(time.DateOnly))
			}
			b.WriteString(")")
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// AddRecoveryCodes stores a new set of codes for a service.
func (s *Store) AddRecoveryCodes(service, account string, group []string, codes []string) (RecoverySet, error) {
	if strings.TrimSpace(service) == "" {
		return RecoverySet{}, fmt.Errorf("%w: a service name is needed", ErrInvalid)
	}
	if len(codes) == 0 {
		return RecoverySet{}, fmt.Errorf("%w: no codes", ErrInvalid)
	}
	list := make([]RecoveryCode, len(codes))
	for i, c := range codes {
		list[i] = RecoveryCode{Code: c}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.db == nil {
		return RecoverySet{}, ErrLocked
	}
	if err := s.checkNewItemGroup(group); err != nil {
		return RecoverySet{}, err
	}
	e := s.newEntry()
	setPlain(&e, fTitle, service)
	setPlain(&e, fUserName, account)
	setPlain(&e, fKind, kindRecovery)
	text := formatStoredCodes(list)
	err := s.setSecret(&e, fRecoveryCodes, text)
	secret.Wipe(text)
	if err != nil {
		return RecoverySet{}, lockedOr(err)
	}
	stored := s.addEntry(group, e)
	return recoverySet(group, stored, list), nil
}

func recoverySet(group []string, e *gokeepasslib.Entry, codes []RecoveryCode) RecoverySet {
	r := RecoverySet{ID: e.UUID, Group: group, Service: e.GetTitle(), Account: e.GetContent(fUserName), Total: len(codes)}
	for _, c := range codes {
		if !c.Used {
			r.Unused++
		}
	}
	return r
}

// RecoverySets lists the live recovery-code sets. Counting used codes
// opens each set's codes briefly. A set whose codes cannot be used is
// listed with its Err, not left out: one entry cleared in KeePassXC must
// not hide the others (nor itself: it can still be replaced or removed).
func (s *Store) RecoverySets() ([]RecoverySet, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.db == nil {
		return nil, ErrLocked
	}
	var out []RecoverySet
	var failure error
	s.walk(func(groups []string, e *gokeepasslib.Entry, recycled bool) bool {
		if recycled || e.GetContent(fKind) != kindRecovery {
			return true
		}
		r := RecoverySet{ID: e.UUID, Group: groups, Service: e.GetTitle(), Account: e.GetContent(fUserName)}
		r.Total, r.Unused, r.Err = s.countCodes(e)
		if errors.Is(r.Err, ErrLocked) {
			failure = ErrLocked
			return false
		}
		out = append(out, r)
		return true
	})
	return out, failure
}

// errBlankCodes: a "Recovery Codes" field with no code in it.
var errBlankCodes = fmt.Errorf("%w: its %q field is empty", ErrNoRecoveryCodes, fRecoveryCodes)

func (s *Store) readCodes(e *gokeepasslib.Entry) ([]RecoveryCode, error) {
	h, err := s.codesHandle(e)
	if err != nil {
		return nil, err
	}
	var codes []RecoveryCode
	err = s.db.Secrets.With(h, func(text []byte) error {
		codes = parseStoredCodes(text)
		return nil
	})
	if err == nil && len(codes) == 0 {
		err = errBlankCodes
	}
	return codes, lockedOr(err)
}

// codesHandle is the sealed "Recovery Codes" field of e. A field that is
// missing, or empty (which opening leaves unsealed), is
// ErrNoRecoveryCodes.
func (s *Store) codesHandle(e *gokeepasslib.Entry) (secret.Handle, error) {
	v := e.Get(fRecoveryCodes)
	if v == nil {
		return 0, fmt.Errorf("%w: the entry has no %q field", ErrNoRecoveryCodes, fRecoveryCodes)
	}
	if strings.TrimSpace(v.Value.Content) == "" {
		return 0, errBlankCodes
	}
	h, ok := kdbx.ParsePlaceholder(v.Value.Content)
	if !ok {
		return 0, fmt.Errorf("%w: recovery codes of %s are not sealed", ErrInvalid, e.GetTitle())
	}
	return h, nil
}

// forLines calls fn for each non-blank line of text (trimmed), in place:
// no line is copied out of text.
func forLines(text []byte, fn func(start int, line []byte) bool) {
	for start := 0; start < len(text); {
		end := bytes.IndexByte(text[start:], '\n')
		if end < 0 {
			end = len(text) - start
		}
		line := bytes.TrimSpace(text[start : start+end])
		if len(line) > 0 && !fn(start, line) {
			return
		}
		start += end + 1
	}
}

// countCodes counts a set's codes without copying any out of locked memory.
func (s *Store) countCodes(e *gokeepasslib.Entry) (total, unused int, err error) {
	h, err := s.codesHandle(e)
	if err != nil {
		return 0, 0, err
	}
	err = s.db.Secrets.With(h, func(text []byte) error {
		forLines(text, func(_ int, line []byte) bool {
			total++
			if !usedSuffix.Match(line) {
				unused++
			}
			return true
		})
		return nil
	})
	if err == nil && total == 0 {
		err = errBlankCodes
	}
	return total, unused, lockedOr(err)
}

// RecoveryCodes returns every code of a set, used ones included.
func (s *Store) RecoveryCodes(id UUID) ([]RecoveryCode, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, err := s.kindEntry(id, kindRecovery)
	if err != nil {
		return nil, err
	}
	codes, err := s.readCodes(e)
	return codes, namedSetErr(e, err)
}

// namedSetErr names e's set in an error about its codes.
func namedSetErr(e *gokeepasslib.Entry, err error) error {
	if err == nil || errors.Is(err, ErrLocked) {
		return err
	}
	name := RecoverySet{Service: e.GetTitle(), Account: e.GetContent(fUserName)}.Name()
	return fmt.Errorf("%s: %w", name, err)
}

// UseRecoveryCode returns the first unused code of a set and marks it used
// today (in memory: Save to keep it). It also returns how many unused
// codes are left after this one. The set is rewritten in locked memory;
// only the code handed back becomes an ordinary string.
func (s *Store) UseRecoveryCode(id UUID) (string, int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, err := s.kindEntry(id, kindRecovery)
	if err != nil {
		return "", 0, err
	}
	h, err := s.codesHandle(e)
	if err != nil {
		return "", 0, namedSetErr(e, err)
	}
	suffix := " (used " + s.opts.now().UTC().Format(time.DateOnly) + ")"
	var code string
	left := 0
	err = s.db.Secrets.Rewrite(h, len(suffix)+1, func(old, dst []byte) (int, error) {
		at, lines := -1, 0
		forLines(old, func(start int, line []byte) bool {
			if lines++; usedSuffix.Match(line) {
				return true
			}
			if at < 0 {
				at = start + bytes.Index(old[start:], line) + len(line)
				code = string(line)
			} else {
				left++
			}
			return true
		})
		if lines == 0 {
			return 0, errBlankCodes
		}
		if at < 0 {
			return 0, ErrNoCodesLeft
		}
		n := copy(dst, old[:at])
		n += copy(dst[n:], suffix)
		n += copy(dst[n:], old[at:])
		return n, nil
	})
	if errors.Is(err, ErrNoCodesLeft) {
		return "", 0, fmt.Errorf("%s: %w; generate new ones on the service's security page", e.GetTitle(), ErrNoCodesLeft)
	}
	if errors.Is(err, ErrNoRecoveryCodes) {
		return "", 0, namedSetErr(e, err)
	}
	if err != nil {
		return "", 0, lockedOr(err)
	}
	s.touch(e)
	return code, left, nil
}

func (s *Store) kindEntry(id UUID, kind string) (*gokeepasslib.Entry, error) {
	if s.db == nil {
		return nil, ErrLocked
	}
	e, _, err := s.find(id)
	if err != nil {
		return nil, err
	}
	if e.GetContent(fKind) != kind {
		return nil, fmt.Errorf("%w: %s is not a %s entry", ErrNotFound, e.GetTitle(), kind)
	}
	return e, nil
}
