// Command twofold is Twofold's command line: the vault, codes, recovery
// codes, API tokens and security keys, for scripts and terminals.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/twofold-app/twofold/vault"
)

// env is everything a command may touch of the outside world, passed in
// (never read from globals) so tests run the CLI in-process in parallel.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
	now    func() time.Time
	// listen returns a channel that gets the given signals until stop is
	// called: only while a command listens does an interrupt not stop
	// the program, as it stops any program. Nil in tests, which send to
	// signals themselves.
	listen  func(sigs ...os.Signal) (ch <-chan os.Signal, stop func())
	signals <-chan os.Signal
	// ticker drives `codes --watch`; tests feed their own ticks.
	ticker func(time.Duration) (<-chan time.Time, func())
}

// interrupts returns a channel that gets the interrupts until stop is
// called; each listener has its own, so all of them hear one.
func (e env) interrupts() (ch <-chan os.Signal, stop func()) {
	return e.listenFor(os.Interrupt, syscall.SIGTERM)
}

// childSignals are the signals 'token exec' passes on to its command:
// those that would end Twofold and leave the command running. One that
// Twofold was started with ignored (nohup's SIGHUP) stays ignored.
func (e env) childSignals() (ch <-chan os.Signal, stop func()) {
	var sigs []os.Signal
	for _, sig := range []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT} {
		if e.listen == nil || !signal.Ignored(sig) {
			sigs = append(sigs, sig)
		}
	}
	if len(sigs) == 0 {
		return nil, func() {} // (no signals would mean all of them)
	}
	return e.listenFor(sigs...)
}

func (e env) listenFor(sigs ...os.Signal) (ch <-chan os.Signal, stop func()) {
	if e.listen == nil {
		return e.signals, func() {}
	}
	return e.listen(sigs...)
}

func realTicker(d time.Duration) (<-chan time.Time, func()) {
	t := time.NewTicker(d)
	return t.C, t.Stop
}

// command is one subcommand.
type command struct {
	name    string
	summary string
	usage   string
	run     func(c *ctx, args []string) error
}

func commands() []command {
	return []command{
		{"init", "create a new vault", "init [--kdf-ms MS] [--kdf-memory-mib MIB] [--format kdbx4|kdbx3] [--cipher chacha20|aes|twofish]", cmdInit},
		{"list", "list accounts, recovery codes and tokens", "list [--json]", cmdList},
		{"add", "add an OTP account", "add URI | add - | add --issuer I --account A --secret S|- [--digits N] [--period S] [--algorithm SHA1|SHA256|SHA512] [--hotp --counter N] [--steam] [--group G/H] [--replace]", cmdAdd},
		{"rm", "move an item to the recycle bin", "rm NAME", cmdRemove},
		{"codes", "print current codes", "codes [QUERY] [--at UNIX_SECONDS] [--json] [--watch]", cmdCodes},
		{"hotp", "make an HOTP code (advancing its counter)", "hotp next NAME", cmdHOTP},
		{"recovery", "recovery codes", "recovery add NAME [--account A] [--group G] [--replace] | recovery list [NAME] [--json] | recovery use NAME", cmdRecovery},
		{"token", "API tokens", "token add NAME [--service S] [--env VAR] [--group G] [--replace] | token info NAME [--json] | token list [--json] | token exec NAME [--env VAR] -- COMMAND…", cmdToken},
		{"import", "import accounts from another app's export, a QR image or a KeePass file", "import [--dry-run] [--skip-invalid] [--format F] [--group G] [--export-password-file P] [--json] FILE | import IMAGE… | import --screen | import --clipboard", cmdImport},
		{"export", "export accounts (otpauth URIs, Aegis, Google Authenticator, KeePass, PDF recovery kit)", "export --format uri|aegis|google|kdbx|pdf --yes-export-secrets [--out FILE] [--encrypt] [QUERY]", cmdExport},
		{"qr", "show or save an account's QR code, or Google Authenticator transfer codes", "qr NAME --yes-export-secrets [--out FILE.png] | qr --google [QUERY] --yes-export-secrets [--out FILE.png]", cmdQR},
		{"key", "security keys: info, PIN, test, passkeys, fingerprints, reset", keyUsage, cmdKey},
		{"gui", "open Twofold's window (what twofold with no command does)", "gui [--vault PATH]", cmdGUI},
	}
}

// commandNotes say more in a command's --help than its usage line can.
var commandNotes = map[string]string{
	"add": "add URI takes an otpauth:// link; add - reads it from standard input (after the password line),\n" +
		"and --secret - reads the secret so, which keeps either out of shell history and ps.",
}

func main() {
	restartWithoutAsyncPreemption()
	listen := func(sigs ...os.Signal) (<-chan os.Signal, func()) {
		ch := make(chan os.Signal, 4)
		signal.Notify(ch, sigs...)
		return ch, func() { signal.Stop(ch) }
	}
	e := env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv, now: time.Now,
		listen: listen, ticker: realTicker}
	if wantsGUI(os.Args[1:]) && !askedForHelp(os.Args[1:]) {
		os.Exit(runGUI(os.Args[1:], e))
	}
	os.Exit(run(os.Args[1:], e))
}

// run executes one command line and returns the exit status.
func run(args []string, e env) int {
	if len(args) == 1 && (args[0] == "--version" || args[0] == "-version") {
		printf(e.stdout, "twofold %s\n", version())
		return 0
	}
	globals, args, err := leadingGlobals(args)
	if err != nil {
		printError(e.stderr, err)
		return 2
	}
	if len(args) == 2 && args[0] == "help" {
		args = []string{args[1], "--help"} // twofold help add = twofold add --help
	}
	if len(args) == 0 || args[0] == "help" || args[0] == "--help" || args[0] == "-h" {
		usage(e.stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, cmd := range commands() {
		if cmd.name != args[0] {
			continue
		}
		c := &ctx{env: e, cmd: cmd}
		err := cmd.run(c, append(globals, args[1:]...))
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		if err != nil {
			var ee exitError
			if errors.As(err, &ee) {
				return int(ee)
			}
			printError(e.stderr, err)
			if errors.As(err, new(flagError)) {
				return 2 // a usage error, as an unknown command
			}
			return 1
		}
		return 0
	}
	printf(e.stderr, "error: unknown command %q\nhint: run 'twofold help' for the list of commands\n", args[0])
	return 2
}

// version is the module's version and, when the build recorded them,
// the commit it was built from and whether the tree had changes.
func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var rev, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = ", modified"
			}
		}
	}
	if rev != "" {
		v += " (commit " + rev + modified + ")"
	}
	return v + ", " + bi.GoVersion
}

// globalFlags take a value and may come before the command name.
var globalFlags = map[string]bool{"vault": true, "keyfile": true, "password-file": true}

// leadingGlobals splits "--vault X --keyfile Y list …" into the global
// flags and the command line that follows them; the flags are handed to
// the command, whose flag set knows them too.
func leadingGlobals(args []string) (globals, rest []string, err error) {
	for len(args) > 0 && strings.HasPrefix(args[0], "-") && args[0] != "-" && args[0] != "--help" && args[0] != "-h" {
		name, _, hasValue := strings.Cut(strings.TrimLeft(args[0], "-"), "=")
		if !globalFlags[name] {
			return nil, nil, fmt.Errorf("%w: unknown option %s before the command (options of a command go after its name)", vault.ErrInvalid, args[0])
		}
		n := 2
		if hasValue {
			n = 1
		}
		if len(args) < n {
			return nil, nil, fmt.Errorf("%w: %s needs a value", vault.ErrInvalid, args[0])
		}
		globals, args = append(globals, args[:n]...), args[n:]
	}
	return globals, args, nil
}

// cmdGUI is `twofold gui` as far as run sees it: main opens the window
// before run, so run gets `twofold gui --help` and `twofold help gui`,
// which print the help as every command does, and a window command line
// with a flag the window does not take, which runGUI refuses.
func cmdGUI(c *ctx, args []string) error {
	fs := flag.NewFlagSet("twofold gui", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	fs.String("vault", "", vaultFlagHelp)
	c.setUsage(fs)
	if _, err := c.parse(fs, args); err != nil {
		return err
	}
	if code := runGUI(append([]string{"gui"}, args...), c.env); code != 0 {
		return exitError(code)
	}
	return nil
}

// exitError carries a child's exit status through (token exec).
type exitError int

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

func usage(w io.Writer) {
	printf(w, "Usage: twofold [--vault PATH] [--keyfile PATH] [--password-file PATH] COMMAND [ARGS]\n")
	printf(w, "\nCommands:\n")
	cmds := commands()
	sort.SliceStable(cmds, func(i, j int) bool { return false })
	for _, c := range cmds {
		printf(w, "  %-9s %s\n", c.name, c.summary)
	}
	printf(w, "\nThe vault is $TWOFOLD_VAULT, else $XDG_DATA_HOME/twofold/vault.kdbx.\n")
	printf(w, "The password is read from the terminal, or from the first line of standard input, or from --password-file.\n")
	printf(w, "Run 'twofold COMMAND --help' (or 'twofold help COMMAND') for a command's options, 'twofold --version' for the version.\n")
}

// defaultVaultPath follows the XDG base directory spec.
func defaultVaultPath(getenv func(string) string) string {
	if p := getenv("TWOFOLD_VAULT"); p != "" {
		return p
	}
	data := getenv("XDG_DATA_HOME")
	if data == "" || !filepath.IsAbs(data) {
		home := getenv("HOME")
		if home == "" {
			home, _ = os.UserHomeDir()
		}
		data = filepath.Join(home, ".local", "share")
	}
	return filepath.Join(data, "twofold", "vault.kdbx")
}

// splitDashDash separates "args -- rest".
func splitDashDash(args []string) ([]string, []string) {
	for i, a := range args {
		if a == "--" {
			return args[:i], args[i+1:]
		}
	}
	return args, nil
}

func joinGroup(g []string) string { return strings.Join(g, "/") }
