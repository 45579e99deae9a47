package vault

import (
	"bufio"
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// Reading recovery codes from text as services print them.

// codeToken is what one recovery code looks like: letters and digits in
// groups joined by single spaces or dashes, 6 to 40 characters.
var codeToken = regexp.MustCompile(`^[A-Za-z0-9]+(?:[ -][A-Za-z0-9]+)*$`)

// listMarker strips "1.", "1)", "-", "*", "•" in front of a code.
var listMarker = regexp.MustCompile(`^(?:\d{1,3}[.)]\s+|[-*•]\s+)`)

// codeSplit separates codes printed several to a line.
var codeSplit = regexp.MustCompile(`\t|,|;|\s{2,}`)

// PastedCodes is what ParseRecoveryCodes read.
type PastedCodes struct {
	// Codes are the recovery codes in order, each once.
	Codes []string
	// Skipped is the text not taken as codes, for the person to check
	// that no code is among it: each line that gave no code, and on a
	// line that gave codes, each piece that did not. Lines without a
	// letter or digit ("-----") and repeated codes are left out.
	Skipped []string
}

// ParseRecoveryCodes reads codes as services print them: one per line or
// several per line (separated by tabs, commas or two or more spaces),
// numbered or bulleted, with or without grouping spaces and dashes.
//
// A code has a digit or a dash. Services also print prose around their
// codes ("Your backup codes:", "Keep them safe"), so a piece of letters
// alone is a code only if it looks like the others: the shape of one of
// them (group lengths and separators, "deadbeef" beside "1a2b3c4d") and
// their alphabet (hex, lower or upper case). Without any code that has a
// digit or a dash, letters-only pieces are codes when there are two or
// more, all of one shape and one case ("abcd efgh", "ijkl mnop"). A
// single word or phrase ("hello there") is not taken: it is reported in
// Skipped, and in the error if nothing was taken.
func ParseRecoveryCodes(text []byte) (PastedCodes, error) {
	lines := pastedLines(text)
	isCode := codeRule(lines)
	var p PastedCodes
	seen := map[string]bool{}
	for _, l := range lines {
		var left []string
		for _, tok := range l.tokens {
			switch {
			case !isCode(tok):
				left = append(left, tok)
			case !seen[tok]:
				seen[tok] = true
				p.Codes = append(p.Codes, tok)
			}
		}
		p.Skipped = append(p.Skipped, skippedOf(l, left)...)
	}
	if len(p.Codes) == 0 {
		return p, fmt.Errorf("%w: no recovery codes found in the input%s (expected one code per line, like 1234-5678 or a1b2c3d4)", ErrInvalid, notTaken(p.Skipped))
	}
	return p, nil
}

// pastedLine is one non-blank line of pasted text and its pieces.
type pastedLine struct {
	text   string
	tokens []string
}

func pastedLines(text []byte) []pastedLine {
	var out []pastedLine
	sc := bufio.NewScanner(bytes.NewReader(text))
	for sc.Scan() {
		l := pastedLine{text: strings.TrimSpace(sc.Text())}
		for _, tok := range codeSplit.Split(l.text, -1) {
			tok = strings.TrimSpace(listMarker.ReplaceAllString(strings.TrimSpace(tok), ""))
			if tok != "" {
				l.tokens = append(l.tokens, tok)
			}
		}
		if l.text != "" {
			out = append(out, l)
		}
	}
	return out
}

// skippedOf is what of line l to report as not taken, given the pieces
// left: the whole line if nothing of it was taken.
func skippedOf(l pastedLine, left []string) []string {
	var out []string
	for _, tok := range left {
		if strings.IndexFunc(tok, isAlnum) >= 0 {
			out = append(out, tok)
		}
	}
	if len(out) > 0 && len(left) == len(l.tokens) {
		return []string{l.text}
	}
	return out
}

func isAlnum(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// notTaken quotes the first few skipped lines for an error message:
// `: "hello there" is not a code`.
func notTaken(skipped []string) string {
	if len(skipped) == 0 {
		return ""
	}
	const most = 3
	q := make([]string, 0, most)
	for _, s := range skipped[:min(len(skipped), most)] {
		q = append(q, strconv.Quote(s))
	}
	if len(skipped) == 1 {
		return ": " + q[0] + " is not a code"
	}
	more := ""
	if len(skipped) > most {
		more = fmt.Sprintf(" and %d more", len(skipped)-most)
	}
	return ": " + strings.Join(q, ", ") + more + " are not codes"
}

// hasDigitOrDash is the mark of a code: prose has neither.
func hasDigitOrDash(tok string) bool {
	return looksLikeCode(tok) && strings.ContainsAny(tok, "0123456789-")
}

// looksLikeCode is the form of any code: letters and digits in groups,
// 6 to 40 of them.
func looksLikeCode(tok string) bool {
	n := len(strings.NewReplacer(" ", "", "-", "").Replace(tok))
	return n >= 6 && n <= 40 && codeToken.MatchString(tok)
}

// codeRule decides which pieces of the pasted lines are codes: those with
// a digit or a dash, and letters-only pieces that look like them (see
// ParseRecoveryCodes).
func codeRule(lines []pastedLine) func(string) bool {
	var marked, letters []string
	for _, l := range lines {
		for _, tok := range l.tokens {
			if hasDigitOrDash(tok) {
				marked = append(marked, tok)
			} else if looksLikeCode(tok) {
				letters = append(letters, tok)
			}
		}
	}
	like := likeCodes(marked)
	if len(marked) == 0 {
		like = likeEachOther(letters)
	}
	return func(tok string) bool {
		return hasDigitOrDash(tok) || (looksLikeCode(tok) && like(tok))
	}
}

// alphabets are the character sets codes are drawn from, narrowest first;
// separators go with any.
var alphabets = []*regexp.Regexp{
	regexp.MustCompile(`^[0-9a-f -]+$`),
	regexp.MustCompile(`^[0-9A-F -]+$`),
	regexp.MustCompile(`^[0-9a-z -]+$`),
	regexp.MustCompile(`^[0-9A-Z -]+$`),
	regexp.MustCompile(`^[0-9A-Za-z -]+$`),
}

// alphabetOf is the narrowest alphabet all of codes are drawn from (an
// index into alphabets).
func alphabetOf(codes []string) int {
	for i, a := range alphabets {
		if all(codes, a.MatchString) {
			return i
		}
	}
	return len(alphabets) - 1
}

// codeGroup is a group of a code's characters, or a separator.
var codeGroup = regexp.MustCompile(`[ -]|[^ -]+`)

// shape is a code's groups and separators: "1a2b-3c4d" is "4-4".
func shape(tok string) string {
	var b strings.Builder
	for _, group := range codeGroup.FindAllString(tok, -1) {
		if group == " " || group == "-" {
			b.WriteString(group)
		} else {
			b.WriteString(strconv.Itoa(len(group)))
		}
	}
	return b.String()
}

// likeCodes matches a piece of the shape of one of codes, in their
// alphabet.
func likeCodes(codes []string) func(string) bool {
	shapes := map[string]bool{}
	for _, c := range codes {
		shapes[shape(c)] = true
	}
	alphabet := alphabets[alphabetOf(codes)]
	return func(tok string) bool { return shapes[shape(tok)] && alphabet.MatchString(tok) }
}

// likeEachOther matches the pieces when two or more differ and all have
// one shape and one case: a set of codes without digits, not a phrase.
func likeEachOther(pieces []string) func(string) bool {
	distinct := map[string]bool{}
	for _, p := range pieces {
		distinct[p] = true
	}
	ok := len(distinct) >= 2 && alphabetOf(pieces) < len(alphabets)-1 &&
		all(pieces, func(p string) bool { return shape(p) == shape(pieces[0]) })
	return func(string) bool { return ok }
}

func all(list []string, f func(string) bool) bool {
	for _, s := range list {
		if !f(s) {
			return false
		}
	}
	return true
}
