package transfer

import (
	"encoding/base64"
	"fmt"

	"github.com/awnumar/memguard"

	"github.com/twofold-app/twofold/vault/internal/secret"
	"github.com/twofold-app/twofold/vault/otp"
)

// Account is one account read from an import file. It holds no secret:
// the secret is sealed inside the Result it came from, and Result.Key
// hands it out.
type Account struct {
	otp.Params // issuer, account, type, algorithm, digits, period or counter
	// Group is the folder or group the source app kept it in, if any.
	Group []string
	// Title is the source's own name for the entry when it is neither the
	// issuer nor the account (a Bitwarden item name, a KeePass title);
	// usually "".
	Title  string
	handle secret.Handle
}

// Name is how the account is shown: "Issuer (account)", or whichever of
// the two (or the title) there is.
func (a Account) Name() string {
	issuer := a.Issuer
	if issuer == "" {
		issuer = a.Title
	}
	switch {
	case a.Account == "":
		return issuer
	case issuer == "":
		return a.Account
	}
	return issuer + " (" + a.Account + ")"
}

// Skipped is an entry of the file that cannot be imported, and why.
type Skipped struct {
	Index int    // position of the entry in the file, from 0
	Name  string // what the file calls it, when known
	Err   error  // why: wraps an otp or transfer sentinel
}

// Result is what an import file holds. Its secrets are sealed in memory
// (one locked key, whatever the number of accounts); Destroy wipes them.
// A Result is not safe for concurrent use.
type Result struct {
	Format   Format
	Accounts []Account
	Skipped  []Skipped
	box      *secret.Box
}

func newResult(f Format) *Result {
	return &Result{Format: f, box: secret.NewBox()}
}

// Destroy wipes every secret of the result. It is safe to call twice and
// on nil.
func (r *Result) Destroy() {
	if r != nil && r.box != nil {
		r.box.Wipe()
	}
}

// Key returns account i with its secret in locked memory; the caller
// destroys it.
func (r *Result) Key(i int) (*otp.Key, error) {
	if i < 0 || i >= len(r.Accounts) {
		return nil, fmt.Errorf("import result has no account %d", i)
	}
	var key *otp.Key
	err := r.box.With(r.Accounts[i].handle, func(raw []byte) error {
		buf := secret.NewBuffer(len(raw))
		copy(buf.Bytes(), raw)
		key = &otp.Key{Params: r.Accounts[i].Params, Secret: buf}
		return nil
	})
	return key, err
}

// withSecret calls fn with account i's raw secret in locked scratch
// memory; fn must not keep it.
func (r *Result) withSecret(i int, fn func(raw []byte) error) error {
	return r.box.With(r.Accounts[i].handle, fn)
}

// builder collects the accounts of one file, in file order.
type builder struct {
	r     *Result
	limit int
	index int // entries seen, added or skipped
}

func newBuilder(f Format, l Limits) *builder {
	return &builder{r: newResult(f), limit: l.MaxAccounts}
}

// entry counts one more entry of the file; past the limit it fails.
func (b *builder) entry() error {
	if b.index >= b.limit {
		return fmt.Errorf("%s file holds more than %d entries: %w", b.r.Format, b.limit, ErrTooLarge)
	}
	b.index++
	return nil
}

// skip records an entry that cannot be imported.
func (b *builder) skip(name string, err error) error {
	if e := b.entry(); e != nil {
		return e
	}
	b.r.Skipped = append(b.r.Skipped, Skipped{Index: b.index - 1, Name: name, Err: err})
	return nil
}

// addRaw adds an account with its raw secret (only read, not kept).
func (b *builder) addRaw(a Account, raw []byte) error {
	if err := a.Validate(); err != nil {
		return b.skip(a.Name(), err)
	}
	if len(raw) == 0 {
		return b.skip(a.Name(), fmt.Errorf("empty secret: %w", otp.ErrNoSecret))
	}
	if len(raw) < otp.CommonSecretBytes {
		// A file cut short ends in a URI or entry with half a secret.
		return b.skip(a.Name(), fmt.Errorf("secret of %d bits, services give 80 or more: the file may be cut short "+
			"(if the secret is right, add the account by hand): %w", 8*len(raw), otp.ErrShortSecret))
	}
	if err := b.entry(); err != nil {
		return err
	}
	h, err := b.r.box.Seal(raw)
	if err != nil {
		return err
	}
	a.handle = h
	b.r.Accounts = append(b.r.Accounts, a)
	return nil
}

// addLocked adds an account whose secret is in buf, and destroys buf.
func (b *builder) addLocked(a Account, buf *memguard.LockedBuffer) error {
	defer buf.Destroy()
	return b.addRaw(a, buf.Bytes())
}

// addBase32 adds an account whose secret is base32 text.
func (b *builder) addBase32(a Account, text []byte) error {
	buf, err := otp.ParseSecret(text)
	if err != nil {
		return b.skip(a.Name(), err)
	}
	return b.addLocked(a, buf)
}

// addBase64 adds an account whose secret is standard base64 text (Steam).
func (b *builder) addBase64(a Account, text []byte) error {
	buf := secret.NewBuffer(base64.RawStdEncoding.DecodedLen(len(text))) // room for unpadded input too
	defer buf.Destroy()
	n, err := base64.StdEncoding.Decode(buf.Bytes(), text)
	if err != nil {
		return b.skip(a.Name(), fmt.Errorf("secret is not base64: %w", otp.ErrBadSecret))
	}
	return b.addRaw(a, buf.Bytes()[:n])
}

// addKey adds a parsed key (its Params become the account's) and
// destroys it.
func (b *builder) addKey(a Account, k *otp.Key) error {
	a.Params = k.Params
	return b.addLocked(a, k.Secret)
}

// result returns the collected result. A file without a single entry is
// an error: an empty import is more likely the wrong file.
func (b *builder) result() (*Result, error) {
	if b.index == 0 {
		b.r.Destroy()
		return nil, malformed(b.r.Format, "no accounts in the file")
	}
	return b.r, nil
}

// fail wipes what was collected and returns err.
func (b *builder) fail(err error) (*Result, error) {
	b.r.Destroy()
	return nil, err
}
