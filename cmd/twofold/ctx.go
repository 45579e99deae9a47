package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/awnumar/memguard"
	"golang.org/x/term"

	"github.com/twofold-app/twofold/vault"
)

// ctx is one command's run: its flags, input and the opened vault.
type ctx struct {
	env
	cmd          command
	vaultPath    string
	keyFile      string
	passwordFile string
	jsonOut      bool
	input        *bufio.Reader // standard input, when it is not a terminal
	helpAsked    bool          // the arguments ask for --help
}

// flags makes the command's flag set with the global flags on it, so they
// work before or after the command name.
func (c *ctx) flags() *flag.FlagSet {
	fs := flag.NewFlagSet("twofold "+c.cmd.name, flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	fs.StringVar(&c.vaultPath, "vault", "", vaultFlagHelp)
	fs.StringVar(&c.keyFile, "keyfile", "", "key file, with or instead of a password")
	fs.StringVar(&c.passwordFile, "password-file", "", "read the password from the first line of this file")
	c.setUsage(fs)
	return fs
}

// vaultFlagHelp explains --vault, in every command and in the window's.
const vaultFlagHelp = "vault file (default $TWOFOLD_VAULT or $XDG_DATA_HOME/twofold/vault.kdbx)"

// setUsage makes fs print the command's usage line, summary, notes and
// options.
func (c *ctx) setUsage(fs *flag.FlagSet) {
	fs.Usage = func() {
		// Asked for (--help), the help is the output, for a pager or a
		// file; after a usage error it goes with the error.
		w := c.stderr
		if c.helpAsked {
			w = c.stdout
		}
		fs.SetOutput(w)
		printf(w, "Usage: twofold %s\n\n%s.\n", c.cmd.usage, c.cmd.summary)
		if note := commandNotes[c.cmd.name]; note != "" {
			printText(w, "\n"+note+"\n")
		}
		printf(w, "\nOptions:\n")
		fs.PrintDefaults()
	}
}

// askedForHelp reports -h, -help or --help among args, before a "--"
// (after it, they are a child command's, as in token exec).
func askedForHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "-h", "-help", "--help", "--h":
			return true
		}
	}
	return false
}

// parse parses args, allowing flags after positional arguments. After
// "--" every argument is positional: a passkey ID (base64url) or a name
// may start with "-".
func (c *ctx) parse(fs *flag.FlagSet, args []string) ([]string, error) {
	c.helpAsked = askedForHelp(args)
	if !c.helpAsked {
		// A mistake gets one error line and a hint (run prints them), not
		// the flag package's message, then the whole usage, then the error
		// again (QA).
		usage := fs.Usage
		fs.SetOutput(io.Discard)
		fs.Usage = func() {}
		defer func() { fs.SetOutput(c.stderr); fs.Usage = usage }()
	}
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, flagError{cmd: c.cmd.name, err: err}
		}
		if n := len(args) - fs.NArg(); n > 0 && args[n-1] == "--" {
			return append(pos, fs.Args()...), nil
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// errUnknownFlag is what an argument starting with "-" that is no flag
// is (errors.Is): often an ID or a name, which "--" lets through.
// errFlagValue is a flag given a value it cannot take.
var (
	errUnknownFlag = errors.New("unknown flag")
	errFlagValue   = errors.New("bad flag value")
)

// flagError is a command line whose flags the command cannot take: run
// prints it with a hint and exits 2, as for an unknown command.
type flagError struct {
	cmd string
	err error // the flag package's
}

func (e flagError) unknown() (string, bool) {
	return strings.CutPrefix(e.err.Error(), "flag provided but not defined: ")
}

func (e flagError) Error() string {
	if name, ok := e.unknown(); ok {
		return fmt.Sprintf("twofold %s has no flag %s", e.cmd, name)
	}
	return e.err.Error()
}

func (e flagError) Is(target error) bool {
	_, unknown := e.unknown()
	return target == errUnknownFlag && unknown || target == errFlagValue && !unknown
}

func (c *ctx) path() string {
	if c.vaultPath != "" {
		return c.vaultPath
	}
	return defaultVaultPath(c.getenv)
}

func (c *ctx) stdinIsTerminal() bool {
	f, ok := c.stdin.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// reader returns standard input for line reads (shared by the password
// and the data a command reads after it).
func (c *ctx) reader() *bufio.Reader {
	if c.input == nil {
		c.input = bufio.NewReader(c.stdin)
	}
	return c.input
}

// restoreOnInterrupt: an interrupt while the terminal does not echo (a
// password prompt) would leave it so after the program ends; this gives
// the terminal its settings back and ends the program as an interrupt
// does (status 130), until the returned function is called.
func (c *ctx) restoreOnInterrupt(fd int) (stop func()) {
	state, err := term.GetState(fd)
	if err != nil {
		return func() {}
	}
	interrupted, stopListening := c.interrupts()
	done := make(chan struct{})
	go func() {
		select {
		case <-interrupted:
			term.Restore(fd, state)
			printLine(c.stderr)
			os.Exit(130)
		case <-done:
		}
	}()
	return func() {
		close(done)
		stopListening()
	}
}

// readSecretLine reads one line: from the terminal without echo, or from
// standard input, into locked memory. The caller destroys it.
func (c *ctx) readSecretLine(prompt string) (*memguard.LockedBuffer, error) {
	if c.stdinIsTerminal() {
		fd := int(c.stdin.(*os.File).Fd())
		defer c.restoreOnInterrupt(fd)()
		printf(c.stderr, "%s", prompt)
		b, err := term.ReadPassword(fd)
		printLine(c.stderr)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", strings.TrimSuffix(prompt, ": "), err)
		}
		return memguard.NewBufferFromBytes(b), nil
	}
	// Byte by byte from standard input itself (not through a bufio buffer,
	// which would keep a copy of the password in ordinary memory).
	src := c.stdin
	if c.input != nil {
		src = c.input
	}
	buf, err := memguard.NewBufferFromReaderUntil(src, '\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	if buf.Size() == 0 && errors.Is(err, io.EOF) {
		buf.Destroy()
		return nil, errNoPassword
	}
	return trimCR(buf), nil
}

var errNoPassword = errors.New("no password given: standard input is empty")

func trimCR(buf *memguard.LockedBuffer) *memguard.LockedBuffer {
	b := buf.Bytes()
	if n := len(b); n > 0 && b[n-1] == '\r' {
		out := memguard.NewBufferFromBytes(append([]byte{}, b[:n-1]...))
		buf.Destroy()
		return out
	}
	return buf
}

// password returns the vault password (nil buffer: key file only).
func (c *ctx) password() (*memguard.LockedBuffer, error) {
	if c.passwordFile != "" {
		buf, err := readPasswordFile(c.passwordFile)
		if err == nil && buf.Size() == 0 && c.keyFile == "" {
			buf.Destroy()
			return nil, fmt.Errorf("%w: %s has nothing on its first line", errEmptyPasswordFile, c.passwordFile)
		}
		return buf, err
	}
	buf, err := c.readSecretLine("Password for " + c.path() + ": ")
	if errors.Is(err, errNoPassword) && c.keyFile != "" {
		return nil, nil
	}
	return buf, err
}

var (
	// errEmptyPasswordFile: --password-file has nothing on its first
	// line, and no key file was given to open the vault instead.
	errEmptyPasswordFile = errors.New("empty password file")
	// errNoInputLine: standard input ended before the line a command
	// reads after the password (add -, add --secret -).
	errNoInputLine = errors.New("standard input ended after the password")
)

func (c *ctx) credentials() (vault.Credentials, func(), error) {
	pw, err := c.password()
	if err != nil {
		return vault.Credentials{}, nil, err
	}
	cr := vault.Credentials{KeyFile: c.keyFile}
	done := func() {}
	if pw != nil && pw.Size() == 0 && c.keyFile != "" {
		// With a key file, an empty password is no password, as in
		// KeePassXC (vault.Open also tries an empty one).
		pw.Destroy()
		pw = nil
	}
	if pw != nil {
		cr.Password = pw.Bytes()
		if cr.Password == nil {
			cr.Password = []byte{}
		}
		done = pw.Destroy
	}
	return cr, done, nil
}

// open unlocks the vault.
func (c *ctx) open() (*vault.Store, error) {
	if err := vault.Check(c.path()); err != nil {
		return nil, err // before the password is asked for in vain
	}
	if c.keyFile != "" {
		if err := vault.CheckKeyFile(c.keyFile); err != nil {
			return nil, err // missing or empty: the same
		}
	}
	cr, done, err := c.credentials()
	if err != nil {
		return nil, err
	}
	defer done()
	return vault.Open(c.path(), cr, &vault.Options{Now: c.now})
}

// readRest reads what is left of standard input (after the password).
func (c *ctx) readRest() ([]byte, error) {
	var b bytes.Buffer
	_, err := b.ReadFrom(c.reader())
	return b.Bytes(), err
}
