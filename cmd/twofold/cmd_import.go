package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/awnumar/memguard"

	"github.com/twofold-app/twofold/vault"
	"github.com/twofold-app/twofold/vault/otp"
	"github.com/twofold-app/twofold/vault/transfer"
)

// Passwords of import and export files. The vault's own password is read
// first, as by every command (--password-file, the terminal, or the first
// line of standard input). The export file's password, asked only when
// the file turns out to be encrypted, comes from --export-password-file,
// else the terminal (a second prompt), else the next line of standard
// input. A KeePass file being imported takes it as its password too, with
// --export-keyfile for its key file.

func (c *ctx) exportPassword(path, what string) (*memguard.LockedBuffer, error) {
	if path != "" {
		buf, err := readPasswordFile(path)
		if err == nil && buf.Size() == 0 {
			buf.Destroy()
			return nil, fmt.Errorf("%w: %s has nothing on its first line", errEmptyPasswordFile, path)
		}
		return buf, err
	}
	buf, err := c.readSecretLine("Password of " + what + ": ")
	if errors.Is(err, errNoPassword) {
		return nil, errNoExportPassword
	}
	return buf, err
}

var errNoExportPassword = errors.New("no export password given: standard input has no line for it")

// readPasswordFile reads the first line of a file into locked memory.
func readPasswordFile(path string) (*memguard.LockedBuffer, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read password file: %w", err)
	}
	defer f.Close()
	buf, err := memguard.NewBufferFromReaderUntil(f, '\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("read password file: %w", err)
	}
	return trimCR(buf), nil
}

type importJSON struct {
	Format   string           `json:"format"`
	Items    []importItemJSON `json:"items"`
	Imported int              `json:"imported"`
	DryRun   bool             `json:"dry_run"`
	Added    []accountJSON    `json:"added"`
	Counts   map[string]int   `json:"counts"`
}

type importItemJSON struct {
	Status    string   `json:"status"`
	Name      string   `json:"name"`
	Issuer    string   `json:"issuer,omitempty"`
	Account   string   `json:"account,omitempty"`
	Group     []string `json:"group"`
	Type      string   `json:"type,omitempty"`
	Algorithm string   `json:"algorithm,omitempty"`
	Digits    int      `json:"digits,omitempty"`
	Period    int      `json:"period,omitempty"`
	Counter   *uint64  `json:"counter,omitempty"`
	Existing  string   `json:"existing,omitempty"`
	Namesake  string   `json:"namesake,omitempty"`
	Error     string   `json:"error,omitempty"`
}

func cmdImport(c *ctx, args []string) error {
	fs := c.flags()
	format := fs.String("format", "", "force the file format: "+formatList()+" (default: detect)")
	dryRun := fs.Bool("dry-run", false, "show what would be imported, change nothing")
	group := fs.String("group", "", "put every imported account in this group (e.g. Imported/Aegis)")
	pwFile := fs.String("export-password-file", "", "the encrypted file's own password, from the first line of this file (else: a prompt, or the line of standard input after the vault's)")
	keyFile := fs.String("export-keyfile", "", "key file of a KeePass database being imported")
	screen := fs.Bool("screen", false, "read the QR codes shown on the screen (X11, or the desktop's screenshot portal on Wayland)")
	clipboard := fs.Bool("clipboard", false, "read the QR codes of the image on the clipboard (X11 and XWayland)")
	skipInvalid := fs.Bool("skip-invalid", false, "import the entries that can be, leaving out those that cannot (without it, one such entry stops the import)")
	fs.BoolVar(&c.jsonOut, "json", false, "print the preview and result as JSON")
	files, err := c.parse(fs, args)
	if err != nil {
		return err
	}
	from := desktopSource(*screen, *clipboard)
	if (len(files) == 0) == (from == "") || (*screen && *clipboard) {
		fs.Usage()
		return fmt.Errorf("%w: import takes a FILE (or several images of QR codes), or one of --screen and --clipboard", vault.ErrInvalid)
	}
	o := transfer.Options{KeyFile: *keyFile}
	if *format != "" {
		if o.Format, err = transfer.ParseFormat(*format); err != nil {
			return err
		}
	}
	if len(files) > 1 && o.Format != "" && o.Format != transfer.FormatQR {
		return fmt.Errorf("%w: --format %s takes one file; several files are read as images of QR codes", vault.ErrInvalid, o.Format)
	}
	s, err := c.open()
	if err != nil {
		return err
	}
	defer s.Lock() // after a failed Apply the Store is discarded, never saved
	var r *transfer.Result
	if from != "" {
		files = []string{from}
		r, err = importFromDesktop(c, *screen, o)
	} else {
		o.Password = func(f transfer.Format) (*memguard.LockedBuffer, error) {
			return c.exportPassword(*pwFile, "the "+string(f)+" file "+filepath.Base(files[0]))
		}
		r, err = importFiles(files, o)
	}
	if err != nil {
		return err
	}
	defer r.Destroy()
	p, err := transfer.PreviewImport(s, r)
	if err != nil {
		return err
	}
	if !c.jsonOut {
		printPreview(c, files, p, splitGroup(*group)) // before anything is written
	}
	return applyImport(c, s, r, p, importChoices{dryRun: *dryRun, skipInvalid: *skipInvalid, group: splitGroup(*group)})
}

type importChoices struct {
	dryRun, skipInvalid bool
	group               []string
}

// applyImport writes the previewed accounts (unless a dry run) and
// reports. All or nothing: an entry that cannot be imported stops the
// import (someone moving from a phone must not leave an account behind
// unnoticed), unless --skip-invalid says to go on without it.
func applyImport(c *ctx, s *vault.Store, r *transfer.Result, p *transfer.Preview, o importChoices) error {
	bad := p.Count(transfer.Invalid)
	refuse := bad > 0 && !o.skipInvalid
	var added []vault.Account
	var err error
	if !o.dryRun && !refuse {
		if added, err = transfer.Apply(s, r, p, transfer.ApplyOptions{Group: o.group}); err != nil {
			return err
		}
	}
	if c.jsonOut {
		err = writeJSON(c, toImportJSON(p, added, o.dryRun))
	} else {
		printImportResult(c, s, p, added, o.dryRun, refuse)
	}
	if err == nil && refuse { // a dry run says so too: scripts check the status
		err = fmt.Errorf("%w: %s of the file cannot be imported (see the preview); nothing was imported", errInvalidEntries, plural(bad, "entry", "entries"))
	}
	return err
}

// errInvalidEntries: the file has entries that cannot be imported, and
// --skip-invalid was not given.
var errInvalidEntries = errors.New("import stopped")

func formatList() string {
	var names []string
	for _, f := range transfer.ImportFormats() {
		names = append(names, string(f))
	}
	return strings.Join(names, ", ")
}

// importFiles imports one file, or several images whose QR codes are
// read together (the codes of one Google Authenticator export).
func importFiles(files []string, o transfer.Options) (*transfer.Result, error) {
	if len(files) == 1 {
		return transfer.ImportFile(files[0], o)
	}
	var codes [][]byte
	defer func() {
		for _, c := range codes {
			clear(c)
		}
	}()
	for _, f := range files {
		found, err := transfer.DecodeQRFile(f, o.Limits)
		if errors.Is(err, transfer.ErrMalformed) || errors.Is(err, transfer.ErrNotImage) {
			// Not "name the format": several files are always images.
			return nil, fmt.Errorf("%w: %s is not an image of QR codes (%v); several files are read as images: import other files one at a time", vault.ErrInvalid, f, err)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		codes = append(codes, found...)
	}
	return transfer.ImportCodes(codes, o)
}

func printPreview(c *ctx, files []string, p *transfer.Preview, group []string) {
	printf(c.stdout, "%s (%s): %d new, %d already in the vault, %d cannot be imported\n",
		strings.Join(files, ", "), p.Format, p.Count(transfer.New), p.Count(transfer.Duplicate), p.Count(transfer.Invalid))
	for _, it := range p.Items {
		g := it.Group
		if len(group) > 0 && it.Status == transfer.New {
			g = group
		}
		name := qualified(g, it.Name)
		switch it.Status {
		case transfer.New:
			printf(c.stdout, "  new            %-40s %s%s\n", name, paramText(it.Params), namesakeText(it))
		case transfer.Duplicate:
			printf(c.stdout, "  duplicate      %-40s %s\n", name, duplicateText(p, it))
		case transfer.Invalid:
			printf(c.stdout, "  cannot import  %-40s %v\n", name, it.Err)
		}
	}
}

// namesakeText warns that a new account has the name of one in the
// vault with another secret: both will be there, and one code is stale.
func namesakeText(it transfer.Item) string {
	if it.Namesake == nil {
		return ""
	}
	return "; the vault's " + qualified(it.Namesake.Group, it.Namesake.Name()) + " has another secret: both are kept, remove the stale one"
}

func paramText(p otp.Params) string {
	switch {
	case p.Steam:
		return fmt.Sprintf("steam, %ds", p.Period)
	case p.Type == otp.HOTP:
		return fmt.Sprintf("hotp %s %d digits, counter %d", p.Algorithm, p.Digits, p.Counter)
	}
	return fmt.Sprintf("totp %s %d digits, %ds", p.Algorithm, p.Digits, p.Period)
}

func duplicateText(p *transfer.Preview, it transfer.Item) string {
	switch {
	case it.OtherName && it.DuplicateOf >= 0:
		earlier := p.Items[it.DuplicateOf]
		return "same secret as " + qualified(earlier.Group, earlier.Name) + ", earlier in the file"
	case it.DuplicateOf >= 0:
		return "repeats an earlier entry of the file"
	}
	return "same secret as " + qualified(it.Existing.Group, it.Existing.Name()) + " in the vault"
}

func printImportResult(c *ctx, s *vault.Store, p *transfer.Preview, added []vault.Account, dryRun, refuse bool) {
	n := p.Count(transfer.Invalid)
	switch {
	case dryRun && refuse:
		printf(c.stdout, "dry run: nothing was written (the import would stop: %s cannot be imported)\n", plural(n, "entry", "entries"))
		printf(c.stderr, "warning: to import the other %d without %s, add --skip-invalid\n", p.Count(transfer.New), themWord(n))
		return
	case dryRun:
		printf(c.stdout, "dry run: nothing was written (%d would be added)\n", p.Count(transfer.New))
	case refuse:
		return // the error says why
	case len(added) == 0:
		printf(c.stdout, "nothing to import: the vault is unchanged\n")
	default:
		printf(c.stdout, "imported %s into %s\n", plural(len(added), "account", "accounts"), s.Path())
	}
	if n > 0 {
		printf(c.stderr, "warning: %s of the file could not be imported (listed above)\n", plural(n, "entry", "entries"))
	}
}

func themWord(n int) string {
	if n == 1 {
		return "it"
	}
	return "them"
}

func toImportJSON(p *transfer.Preview, added []vault.Account, dryRun bool) importJSON {
	out := importJSON{Format: string(p.Format), Items: []importItemJSON{}, Imported: len(added), DryRun: dryRun,
		Added: []accountJSON{}, Counts: map[string]int{}}
	for _, it := range p.Items {
		j := importItemJSON{Status: strings.ReplaceAll(it.Status.String(), " ", "_"), Name: it.Name, Group: nonNil(it.Group)}
		out.Counts[j.Status]++
		if it.Status == transfer.Invalid {
			j.Error = it.Err.Error()
		} else {
			pj := toAccountJSON(vault.Account{Params: it.Params})
			j.Issuer, j.Account, j.Type, j.Algorithm, j.Digits, j.Period, j.Counter = it.Params.Issuer, it.Params.Account, pj.Type, pj.Algorithm, pj.Digits, pj.Period, pj.Counter
		}
		if it.Status == transfer.Duplicate {
			j.Existing = duplicateText(p, it)
		}
		if it.Namesake != nil {
			j.Namesake = qualified(it.Namesake.Group, it.Namesake.Name())
		}
		out.Items = append(out.Items, j)
	}
	for _, a := range added {
		out.Added = append(out.Added, toAccountJSON(a))
	}
	return out
}
