package main

import (
	"bytes"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

func TestEscape(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"GitHub (alice@example.com)", "GitHub (alice@example.com)"},
		{"Evil\x1b]0;pwned\a\x1b[2J", `Evil\x1b]0;pwned\x07\x1b[2J`},
		{"New\nLine\tTab\rCR\x00", `New\nLine\tTab\rCR\x00`},
		{"del\x7f", `del\x7f`},
		{"csi\u009b31m", `csi\u009b31m`},
		{"abc\u202edcba\u2066\u200f", `abc\u202edcba\u2066\u200f`},
		{"line\u2028sep", `line\u2028sep`},
		{"bad\xffutf8", `bad\xffutf8`},
		// Letters of any script, emoji with joiners and a backslash stay.
		{`DOMAIN\user Ærø 日本 שלום 👩‍💻 �`, `DOMAIN\user Ærø 日本 שלום 👩‍💻 �`},
	} {
		if got := escape(tc.in); got != tc.want {
			t.Errorf("escape(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestPrintfEscapesArguments: arguments are escaped whatever their type
// (strings, errors, Stringers, slices), %q quotes, a width pads, other
// verbs are fmt's; the format itself is written as it is.
func TestPrintfEscapesArguments(t *testing.T) {
	var b bytes.Buffer
	printf(&b, "a\t%s|%v|%q|%-6s|%4s|%d|%x|%v\n", "x\x1by", errString("e\ae"), "q\x1b", "p\n", "r", 42, 255, []string{"s\x9b"})
	want := "a\tx\\x1by|e\\x07e|\"q\\x1b\"|p\\n   |   r|42|ff|[s\\x9b]\n"
	if b.String() != want {
		t.Errorf("printf wrote %q, want %q", b.String(), want)
	}
	// Widths count terminal columns: CJK characters take two, combining
	// marks none.
	b.Reset()
	printf(&b, "%-6s|%-6s|%4s|\n", "日本", "e\u0301", "日")
	if want := "日本  |e\u0301     |  日|\n"; b.String() != want {
		t.Errorf("printf wrote %q, want %q", b.String(), want)
	}
	b.Reset()
	printLine(&b, "one\x1b", 2)
	if b.String() != "one\\x1b 2\n" {
		t.Errorf("printLine wrote %q", b.String())
	}
}

type errString string

func (e errString) Error() string { return string(e) }

// TestWriteJSONEscapesWhatEncodingJSONLeaves: DEL, C1 and bidi controls
// become \u escapes, and the JSON still decodes to the same text.
func TestWriteJSONEscapesWhatEncodingJSONLeaves(t *testing.T) {
	var b bytes.Buffer
	in := map[string]string{"name": "a\x1b\x7f\u009b\u202e<z>\nß"}
	if err := writeJSON(&ctx{env: env{stdout: &b}}, in); err != nil {
		t.Fatal(err)
	}
	for _, raw := range []string{"\x1b", "\x7f", "\u009b", "\u202e"} {
		if strings.Contains(b.String(), raw) {
			t.Errorf("JSON holds %q raw: %s", raw, b.String())
		}
	}
	var out map[string]string
	if err := json.Unmarshal(b.Bytes(), &out); err != nil || out["name"] != in["name"] {
		t.Errorf("decoded %q (%v), want %q", out["name"], err, in["name"])
	}
}

var printFuncs = map[string]bool{"Print": true, "Printf": true, "Println": true, "Fprint": true, "Fprintf": true, "Fprintln": true}

// TestOutputGoesThroughPrintf keeps every print of the command line in
// output.go's helpers, which escape what they print: a fmt.Fprint* or
// fmt.Print* call anywhere else could show a name raw.
func TestOutputGoesThroughPrintf(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") || name == "output.go" {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if pkg, ok := sel.X.(*ast.Ident); ok && pkg.Name == "fmt" && printFuncs[sel.Sel.Name] {
				t.Errorf("%s: fmt.%s: print with printf or printLine (output.go), which escape names", fset.Position(sel.Pos()), sel.Sel.Name)
			}
			return true
		})
	}
}
