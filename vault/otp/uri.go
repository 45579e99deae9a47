package otp

import (
	"bytes"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/awnumar/memguard"
)

// ParseURI reads an otpauth URI (Google's Key Uri Format, as written by
// KeePassXC and most authenticators):
//
//	otpauth://totp/Issuer:account?secret=BASE32&issuer=Issuer&algorithm=SHA256&digits=8&period=30
//	otpauth://hotp/Issuer:account?secret=BASE32&counter=7
//	otpauth://totp/Steam:account?secret=BASE32&encoder=steam
//
// The secret parameter is cut out of uri as bytes and decoded straight into
// locked memory; only the rest of the URI goes through net/url. uri is
// only read; the caller owns and wipes it.
//
// Defaults: algorithm SHA1, digits 6, period 30. The issuer parameter wins
// over the label's "Issuer:" prefix. encoder=steam makes a Steam key with 5
// characters whatever digits says. Google's format calls counter REQUIRED
// for hotp; a missing counter is read as 0, RFC 4226's initial value,
// rather than refusing the key.
//
// Errors: ErrMalformedURI (not otpauth://, unparsable, secret given twice,
// cut off: see errCutOff),
// ErrUnsupported (a type other than totp/hotp, an unknown encoder),
// ErrNoSecret, ErrBadSecret, and *FieldError (ErrInvalid) for bad digits,
// period, counter or algorithm.
func ParseURI(uri []byte) (*Key, error) {
	p, raw, found, err := splitURI(uri)
	if err != nil {
		return nil, err
	}
	secret, err := lockedURISecret(raw, found)
	if err != nil {
		return nil, fmt.Errorf("parse uri for %q: %w", p.label(), err)
	}
	return &Key{Params: p, Secret: secret}, nil
}

// splitURI parses everything of an otpauth URI but its secret parameter,
// whose value it returns as raw: a sub-slice of uri, still escaped.
func splitURI(uri []byte) (p Params, raw []byte, found bool, err error) {
	uri = bytes.TrimSpace(uri)
	const scheme = "otpauth://"
	if len(uri) < len(scheme) || !bytes.EqualFold(uri[:len(scheme)], []byte(scheme)) {
		return p, nil, false, fmt.Errorf("parse uri: does not start with %s: %w", scheme, ErrMalformedURI)
	}
	uri, frag, hasFrag := bytes.Cut(uri, []byte("#"))
	head, query, _ := bytes.Cut(uri, []byte("?"))
	if bytes.HasSuffix(query, []byte("&")) && !hasFrag {
		return p, nil, false, fmt.Errorf("parse uri: %w", errCutOff("it ends in \"&\", where a parameter should follow"))
	}
	rest, raw, found, err := cutQueryParam(query, "secret")
	if err != nil {
		return p, nil, false, fmt.Errorf("parse uri: %w", err)
	}
	s := string(head) + "?" + string(rest)
	if hasFrag {
		s += "#" + string(frag)
	}
	p, err = parseURIParams(s)
	if err != nil {
		return Params{}, nil, false, err
	}
	return p, raw, found, nil
}

// lockedURISecret decodes the raw secret parameter of a URI into a new
// locked buffer; without escapes it needs no other.
func lockedURISecret(raw []byte, found bool) (*memguard.LockedBuffer, error) {
	if found && bytes.IndexByte(raw, '%') < 0 {
		return ParseSecret(raw)
	}
	return decodeLocked(len(raw), func(out, tmp []byte) (int, error) {
		return uriSecret(raw, found, out, tmp)
	})
}

// uriSecret decodes the raw secret parameter of a URI into out; out and
// tmp are locked memory of at least len(raw) bytes each.
func uriSecret(raw []byte, found bool, out, tmp []byte) (int, error) {
	if !found {
		return 0, fmt.Errorf("no secret parameter: %w", ErrNoSecret)
	}
	t, err := unescapeInto(raw, tmp)
	if err != nil {
		return 0, err
	}
	return decodeInto(t, encBase32, out, tmp)
}

// cutQueryParam splits a query (a=1&b=2, no '?') into the value of the
// parameter called name (compared case-insensitively) and the rest of the
// query without it. value is a sub-slice of query, not a copy; rest is a
// new slice holding no byte of value. A second name parameter is an error
// (ErrMalformedURI): it is ambiguous which secret was meant.
func cutQueryParam(query []byte, name string) (rest, value []byte, found bool, err error) {
	rest = make([]byte, 0, len(query))
	for len(query) > 0 {
		var part []byte
		part, query, _ = bytes.Cut(query, []byte("&"))
		k, v, _ := bytes.Cut(part, []byte("="))
		if !bytes.EqualFold(k, []byte(name)) {
			if len(rest) > 0 {
				rest = append(rest, '&')
			}
			rest = append(rest, part...)
			continue
		}
		if found {
			return nil, nil, false, fmt.Errorf("%s given twice: %w", name, ErrMalformedURI)
		}
		value, found = v, true
	}
	return rest, value, found, nil
}

// unescapeInto percent-decodes a query value into tmp, locked memory of at
// least len(v) bytes, and returns the result; a value without '%' is
// returned as it is. '+' is kept as '+' (RFC 3986, not form encoding): it
// is a base64 digit in KeeOtp keys, and in base32 it is an error either way.
func unescapeInto(v, tmp []byte) ([]byte, error) {
	if bytes.IndexByte(v, '%') < 0 {
		return v, nil
	}
	t := tmp[:0:len(v)]
	for i := 0; i < len(v); i++ {
		if v[i] != '%' {
			t = append(t, v[i]) // within capacity: stays in locked memory
			continue
		}
		if i+2 >= len(v) || unhex(v[i+1]) < 0 || unhex(v[i+2]) < 0 {
			return nil, badSecret("bad percent-escape at character %d of the secret", charNumber(v, i))
		}
		t = append(t, byte(unhex(v[i+1])<<4|unhex(v[i+2])))
		i += 2
	}
	return t, nil
}

func unhex(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// parseURIParams reads everything but the secret from an otpauth URI.
func parseURIParams(s string) (Params, error) {
	u, err := url.Parse(s)
	if err != nil {
		return Params{}, fmt.Errorf("parse uri: %v: %w", err, ErrMalformedURI)
	}
	if u.Opaque != "" || u.User != nil || u.Host == "" {
		return Params{}, fmt.Errorf("parse uri: want otpauth://totp/ or otpauth://hotp/: %w", ErrMalformedURI)
	}
	// otpauth://steam/ is how Aegis, 2FAS and Ente Auth write Steam
	// accounts: a TOTP key with Steam's encoder.
	steam := strings.EqualFold(u.Host, "steam")
	typ, err := TOTP, error(nil)
	if !steam {
		typ, err = parseType(u.Host)
	}
	if err != nil {
		return Params{}, fmt.Errorf("parse uri: %w", err)
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return Params{}, fmt.Errorf("parse uri query: %v: %w", err, ErrMalformedURI)
	}
	p := Params{Type: typ, Digits: DefaultDigits}
	label, issuer := strings.TrimPrefix(u.Path, "/"), strings.TrimSpace(q.Get("issuer"))
	if err := issuerCutOff(label, issuer); err != nil {
		return Params{}, fmt.Errorf("parse uri: %w", err)
	}
	p.Issuer, p.Account = splitLabel(label, issuer)
	if err := p.readURIQuery(q); err != nil {
		return Params{}, fmt.Errorf("parse uri for %q: %w", p.label(), err)
	}
	if steam {
		p.Steam, p.Digits = true, SteamDigits
	}
	return p, nil
}

// readURIQuery sets algorithm, digits, period or counter, and encoder.
func (p *Params) readURIQuery(q url.Values) error {
	if err := cutShortParam(q); err != nil {
		return err
	}
	var err error
	if q.Has("algorithm") {
		if p.Algorithm, err = ParseAlgorithm(q.Get("algorithm")); err != nil {
			return err
		}
	}
	if q.Has("digits") {
		if p.Digits, err = parseNumber("digits", q.Get("digits")); err != nil {
			return err
		}
	}
	if err := p.readMovingFactor(q.Get, "period", "counter"); err != nil {
		return err
	}
	if q.Has("encoder") {
		if err := p.setEncoder(q.Get("encoder")); err != nil {
			return err
		}
	}
	return p.Validate()
}

// errCutOff says a URI was cut off (a list copied in part, a file cut
// short): what followed the cut (the algorithm, the digits, the counter)
// would silently take its default, making codes the service rejects (QA).
func errCutOff(why string) error {
	return fmt.Errorf("the link was cut off (%s); copy or export it whole: %w", why, ErrMalformedURI)
}

// issuerCutOff finds an issuer parameter that stops mid-word where the
// label's issuer goes on ("Air Canad" under "Air Canada:Benjamin"); one
// that stops at a word's end ("Google" under "Google Workspace:me") is
// taken as the service's own choice.
func issuerCutOff(label, issuer string) error {
	full, _, ok := strings.Cut(label, ":")
	full = strings.TrimSpace(full)
	if !ok || issuer == "" || len(issuer) >= len(full) || !strings.HasPrefix(full, issuer) {
		return nil
	}
	last, _ := utf8.DecodeLastRuneInString(issuer)
	next, _ := utf8.DecodeRuneInString(full[len(issuer):])
	if isWordRune(last) && isWordRune(next) {
		return errCutOff(fmt.Sprintf("its issuer %q stops inside the label's %q", issuer, full))
	}
	return nil
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// uriParams are the query parameters ParseURI reads.
var uriParams = []string{"secret", "issuer", "algorithm", "digits", "period", "counter", "encoder"}

// cutShortParam finds a parameter without a value whose name is the start
// of one ParseURI reads ("&algor"): the URI was cut off there (a list
// copied in part, a file cut short), and what followed (the algorithm,
// the digits, the counter) would silently take its default, making codes
// the service rejects (QA).
func cutShortParam(q url.Values) error {
	for k, vs := range q {
		if len(vs) != 1 || vs[0] != "" || k == "" {
			continue
		}
		for _, known := range uriParams {
			if len(k) < len(known) && strings.EqualFold(k, known[:len(k)]) {
				return errCutOff(fmt.Sprintf("it stops in a parameter's name: %q, the start of %q", k, known))
			}
		}
	}
	return nil
}

// readMovingFactor reads the TOTP period or the HOTP counter through get,
// under the names the format uses; absent values keep the defaults (30
// seconds, counter 0).
func (p *Params) readMovingFactor(get func(string) string, period, counter string) error {
	var err error
	if p.Type == HOTP {
		if v := get(counter); v != "" {
			p.Counter, err = parseCounter(counter, v)
		}
		return err
	}
	p.Period = DefaultPeriod
	if v := get(period); v != "" {
		p.Period, err = parseNumber(period, v)
	}
	return err
}

// setEncoder applies an encoder= value. Only Steam exists; anything else
// would generate wrong codes, so it is refused.
func (p *Params) setEncoder(name string) error {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "":
		return nil
	case "steam":
		p.Steam, p.Digits = true, SteamDigits
		return nil
	}
	return fmt.Errorf("encoder %q: %w", name, ErrUnsupported)
}

// splitLabel splits the label "Issuer:account" (the colon possibly
// %3A-encoded, spaces allowed before the account). A label without a colon
// is all account. A non-empty issuer parameter wins over the label's
// prefix; when the label starts with it, the account is what follows, so
// an issuer that itself contains ':' is not split.
func splitLabel(label, issuer string) (string, string) {
	if issuer != "" {
		if rest, ok := strings.CutPrefix(label, issuer+":"); ok {
			return issuer, strings.TrimSpace(rest)
		}
	}
	i, a, ok := strings.Cut(label, ":")
	if !ok {
		i, a = "", label
	}
	if issuer == "" {
		issuer = strings.TrimSpace(i)
	}
	return issuer, strings.TrimSpace(a)
}

func parseNumber(field, v string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		return 0, fieldError(field, fmt.Sprintf("must be a whole number, got %q", v))
	}
	return n, nil
}

func parseCounter(field, v string) (uint64, error) {
	n, err := strconv.ParseUint(strings.TrimSpace(v), 10, 64)
	if err != nil {
		return 0, fieldError(field, fmt.Sprintf("must be a whole number, 0 or more, got %q", v))
	}
	return n, nil
}
