package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mattn/go-runewidth"
)

// Everything the CLI prints for people goes through printf and printLine.
// Their format strings are the program's own text and are written as
// they are; every argument is data (names and issuers from the vault or an
// imported file, a security key's passkey names, error messages quoting
// them) and is shown with its control characters escaped, so that a name
// cannot move the cursor, retitle the window, clear the screen or reverse
// the text around it. TestOutputGoesThroughPrintf keeps other printing
// out of the package.

// printf is fmt.Fprintf with every argument shown safely (see shown).
func printf(w io.Writer, format string, args ...any) {
	fmt.Fprintf(w, format, safeArgs(args)...)
}

// printLine is fmt.Fprintln with every argument shown safely.
func printLine(w io.Writer, args ...any) {
	fmt.Fprintln(w, safeArgs(args)...)
}

// plural is a count with its noun in the number it needs: "1 code",
// "2 codes", "0 codes".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// printText writes text that is the program's own (a hint, help), never
// data, as it is: it may hold line breaks.
func printText(w io.Writer, text string) {
	io.WriteString(w, text)
}

// writeJSON prints v as indented JSON. encoding/json escapes C0 controls
// (and U+2028/U+2029) but writes DEL, C1 controls and the bidirectional
// controls as they are, and a terminal acts on C1 controls (U+009B is
// CSI) as it does on ESC. Outside strings JSON is ASCII, so they can
// only be inside strings, where \u escapes decode to the same text.
func writeJSON(c *ctx, v any) error {
	var buf strings.Builder
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	var out strings.Builder
	for _, r := range buf.String() {
		if r >= 0x7f && unsafeRune(r) { // the C0 controls left are the indentation's newlines
			fmt.Fprintf(&out, `\u%04x`, r)
		} else {
			out.WriteRune(r)
		}
	}
	_, err := io.WriteString(c.stdout, out.String())
	return err
}

func safeArgs(args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		out[i] = shown{a}
	}
	return out
}

// shown formats a value for a terminal: %s and %v escape its control
// characters (escape), %q quotes it as Go does (which escapes them too),
// and a width pads it to that many terminal columns (wide CJK characters
// take two, combining marks none), so that columns line up. Other verbs (%d, %x, …) format the value as fmt
// would.
type shown struct{ v any }

func (s shown) Format(f fmt.State, verb rune) {
	var text string
	switch verb {
	case 's', 'v':
		text = escape(fmt.Sprint(s.v))
	case 'q':
		text = fmt.Sprintf("%q", s.v)
	default:
		fmt.Fprintf(f, fmt.FormatString(f, verb), s.v)
		return
	}
	pad := 0
	if w, ok := f.Width(); ok {
		pad = w - runewidth.StringWidth(text) // columns, not runes: 日本 takes 4, é (e + ◌́) 1
	}
	if pad > 0 && !f.Flag('-') {
		io.WriteString(f, strings.Repeat(" ", pad))
	}
	io.WriteString(f, text)
	if pad > 0 && f.Flag('-') {
		io.WriteString(f, strings.Repeat(" ", pad))
	}
}

// escape writes the characters a terminal would act on rather than show
// as Go escapes: C0 controls (newline and tab included), DEL and C1
// controls as \n, \t, \r, \x1b or \u009b; Unicode's bidirectional
// controls (U+202E RIGHT-TO-LEFT OVERRIDE and the like) and line and
// paragraph separators as \u202e; bytes that are not UTF-8 as \xff.
// A backslash stays as it is (account names like DOMAIN\user are common),
// so a name can spell an escape but never perform one.
func escape(s string) string {
	if !needsEscape(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < utf8.RuneSelf && unsafeRune(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
		i += size
	}
	return b.String()
}

func needsEscape(s string) bool {
	for _, r := range s {
		if r == utf8.RuneError || unsafeRune(r) {
			return true
		}
	}
	return false
}

// unsafeRune reports a character escape writes as an escape.
func unsafeRune(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == '\u2028' || r == '\u2029'
}

// shellWord quotes s for a POSIX shell where it needs it.
func shellWord(s string) string {
	plain := s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("@%_+=:,./-", r))
	}) < 0
	if plain {
		return s
	}
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "$", `\$`, "`", "\\`").Replace(s) + `"`
}
