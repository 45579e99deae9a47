package transfer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"
)

// Format names an import or export format.
type Format string

// Formats. The strings are what the CLI's --format accepts.
const (
	FormatURIList   Format = "uri"       // otpauth:// URIs, one a line (also Ente Auth's plain export)
	FormatGoogle    Format = "google"    // otpauth-migration://offline?data=… lines (Google Authenticator)
	FormatAegis     Format = "aegis"     // Aegis vault JSON, plain or encrypted
	Format2FAS      Format = "2fas"      // 2FAS backup, schema 1 to 4, plain or encrypted
	FormatAndOTP    Format = "andotp"    // andOTP backup, plain JSON or encrypted
	FormatBitwarden Format = "bitwarden" // Bitwarden JSON or CSV export
	FormatFreeOTP   Format = "freeotp+"  // FreeOTP+ JSON export
	FormatEnte      Format = "ente"      // Ente Auth plain text export
	FormatSteam     Format = "steam"     // Steam Guard maFile / Steam app JSON
	FormatKeePass   Format = "kdbx"      // a KeePass database (another vault)
	FormatQR        Format = "qr"        // an image (PNG, JPEG, GIF) of QR codes
)

// ImportFormats lists the formats Import reads, for help texts.
func ImportFormats() []Format {
	return []Format{FormatURIList, FormatGoogle, FormatAegis, Format2FAS, FormatAndOTP, FormatBitwarden,
		FormatFreeOTP, FormatEnte, FormatSteam, FormatKeePass, FormatQR}
}

// ParseFormat reads a format name as the CLI accepts it (case-insensitive;
// a few common spellings).
func ParseFormat(s string) (Format, error) {
	n := strings.ToLower(strings.TrimSpace(s))
	switch n {
	case "otpauth", "uris", "txt", "text":
		return FormatURIList, nil
	case "google-authenticator", "otpauth-migration", "migration":
		return FormatGoogle, nil
	case "freeotp", "freeotpplus", "freeotp-plus":
		return FormatFreeOTP, nil
	case "ente-auth":
		return FormatEnte, nil
	case "keepass", "kdbx4":
		return FormatKeePass, nil
	case "image", "png", "jpeg", "gif":
		return FormatQR, nil
	}
	if f := Format(n); slices.Contains(ImportFormats(), f) {
		return f, nil
	}
	return "", fmt.Errorf("format %q: %w", s, ErrUnknownFormat)
}

var (
	kdbxMagic = []byte{0x03, 0xd9, 0xa2, 0x9a}
	pngMagic  = []byte("\x89PNG\r\n\x1a\n")
	jpegMagic = []byte{0xff, 0xd8, 0xff}
	gifMagic  = []byte("GIF8")
	utf8BOM   = []byte("\xef\xbb\xbf")
)

// Detect names the format of data, or returns ErrUnknownFormat (or
// ErrUnsupported for a file it recognises but no reader takes: an
// encrypted Ente Auth export). It reads
// magic numbers and, for JSON, the top-level keys; it decrypts nothing.
// andOTP's encrypted backups have no marker: binary data that is nothing
// else is taken for one, as andOTP's own importers do.
func Detect(data []byte) (Format, error) {
	switch {
	case bytes.HasPrefix(data, kdbxMagic):
		return FormatKeePass, nil
	case bytes.HasPrefix(data, pngMagic), bytes.HasPrefix(data, jpegMagic), bytes.HasPrefix(data, gifMagic):
		return FormatQR, nil
	}
	text := bytes.TrimSpace(bytes.TrimPrefix(data, utf8BOM))
	if len(text) == 0 {
		return "", fmt.Errorf("empty file: %w", ErrUnknownFormat)
	}
	if text[0] == '{' || text[0] == '[' {
		return detectJSON(text)
	}
	if f, ok := detectText(text); ok {
		return f, nil
	}
	if !utf8.Valid(data) && len(data) >= andOTPMinLen {
		return FormatAndOTP, nil
	}
	return "", ErrUnknownFormat
}

// detectText recognises URI lists and Bitwarden CSV by their first
// meaningful line (not blank, not a '#' comment).
func detectText(text []byte) (Format, bool) {
	var first []byte
	for rest := text; len(rest) > 0 && (len(first) == 0 || first[0] == '#'); {
		first, rest, _ = bytes.Cut(rest, []byte("\n"))
		first = bytes.TrimSpace(first)
	}
	switch {
	case hasPrefixFold(first, "otpauth-migration://"):
		return FormatGoogle, true
	case hasPrefixFold(first, "otpauth://"):
		if bytes.Contains(text, []byte("codeDisplay=")) {
			return FormatEnte, true
		}
		return FormatURIList, true
	case containsFold(first, "login_totp"):
		return FormatBitwarden, true
	}
	return "", false
}

// present records that a JSON key is there, without copying its value
// (json.RawMessage would copy it, secrets and all).
type present bool

func (p *present) UnmarshalJSON([]byte) error { *p = true; return nil }

// jsonProbe holds the top-level keys that tell JSON formats apart.
type jsonProbe struct {
	Header            present `json:"header"`
	DB                present `json:"db"`
	SchemaVersion     present `json:"schemaVersion"`
	Services          present `json:"services"`
	ServicesEncrypted present `json:"servicesEncrypted"`
	Tokens            present `json:"tokens"`
	Items             present `json:"items"`
	Encrypted         present `json:"encrypted"`
	EncKeyValidation  present `json:"encKeyValidation_DO_NOT_EDIT"`
	KDFParams         present `json:"kdfParams"`
	EncryptedData     present `json:"encryptedData"`
	Accounts          present `json:"accounts"`
	SharedSecret      present `json:"shared_secret"`
}

func detectJSON(text []byte) (Format, error) {
	if text[0] == '[' {
		// andOTP's plain backup is the only top-level array.
		return FormatAndOTP, nil
	}
	var p jsonProbe
	if err := json.Unmarshal(text, &p); err != nil {
		if endsEarly(err) {
			// Cut short, not unknown: saying "not recognised" would send
			// the person looking for another app's export.
			return "", fmt.Errorf("read JSON file: %w", ErrTruncated)
		}
		return "", fmt.Errorf("not valid JSON (%v): %w", jsonErrorText(err), ErrUnknownFormat)
	}
	switch {
	case bool(p.Header && p.DB):
		return FormatAegis, nil
	case bool(p.SchemaVersion && (p.Services || p.ServicesEncrypted)):
		return Format2FAS, nil
	case bool(p.Tokens):
		return FormatFreeOTP, nil
	case bool(p.Items || (p.Encrypted && p.EncKeyValidation)):
		return FormatBitwarden, nil
	case bool(p.KDFParams && p.EncryptedData):
		return "", fmt.Errorf("an encrypted Ente Auth export: export again as plain text: %w", ErrUnsupported)
	case bool(p.SharedSecret || p.Accounts):
		return FormatSteam, nil
	}
	return "", fmt.Errorf("JSON of no known app: %w", ErrUnknownFormat)
}

// containsFold reports whether b contains the ASCII word w, ignoring case,
// without making a lower-case copy of b (which may hold secrets).
func containsFold(b []byte, w string) bool {
	for i := 0; i+len(w) <= len(b); i++ {
		if bytes.EqualFold(b[i:i+len(w)], []byte(w)) {
			return true
		}
	}
	return false
}

// endsEarly reports whether a JSON error means the input stopped before
// its end: json.Unmarshal's "unexpected end of JSON input" (a
// *json.SyntaxError with no other mark) or a decoder's
// io.ErrUnexpectedEOF.
func endsEarly(err error) bool {
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return true
	}
	var se *json.SyntaxError
	return errors.As(err, &se) && se.Error() == "unexpected end of JSON input"
}

// jsonErrorText describes a JSON error without quoting the input: a
// *json.SyntaxError's message can hold a character of a secret, so only
// its offset is kept.
func jsonErrorText(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("syntax error at byte %d", se.Offset)
	}
	var ue *json.UnmarshalTypeError
	if errors.As(err, &ue) {
		return fmt.Sprintf("field %q has the wrong type (%s)", ue.Field, ue.Value)
	}
	return "cannot be decoded"
}
