package transfer

import (
	"bytes"
	"fmt"
	"net/url"

	"github.com/twofold-app/twofold/vault/otp"
)

// parseText reads lines of otpauth:// and otpauth-migration:// URIs (a
// URI list, Ente Auth's plain export, Google Authenticator migration
// links, or the texts of scanned QR codes). Blank lines and lines starting
// with '#' are ignored; any other line is an entry that cannot be
// imported.
func parseText(f Format, lines [][]byte, l Limits) (*Result, error) {
	b := newBuilder(f, l)
	batches := newBatches()
	for n, line := range lines {
		line = bytes.TrimSpace(bytes.TrimPrefix(line, utf8BOM))
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		var err error
		switch {
		case hasPrefixFold(line, "otpauth-migration:"):
			err = parseMigration(b, line, batches)
		default:
			err = addURI(b, Account{}, line, fmt.Sprintf("line %d", n+1))
		}
		if err != nil {
			return b.fail(err)
		}
	}
	if err := batches.check(b); err != nil {
		return b.fail(err)
	}
	return b.result()
}

// splitLines splits data at '\n' (a trailing '\r' is trimmed later).
// The lines share data's memory.
func splitLines(data []byte) [][]byte {
	return bytes.Split(data, []byte("\n"))
}

func hasPrefixFold(b []byte, prefix string) bool {
	return len(b) >= len(prefix) && bytes.EqualFold(b[:len(prefix)], []byte(prefix))
}

// addURI adds the account of one otpauth URI; a is the metadata (group,
// title) the caller knows, where names the entry in messages when it has
// no label. URIs that cannot be read are skipped.
func addURI(b *builder, a Account, uri []byte, where string) error {
	name := a.Title
	if name == "" {
		name = uriLabel(uri)
	}
	if name == "" {
		name = where
	}
	if !hasPrefixFold(uri, "otpauth://") {
		return b.skip(name, fmt.Errorf("not an otpauth:// URI: %w", otp.ErrMalformedURI))
	}
	k, err := parseURI(uri)
	if err != nil {
		return b.skip(name, err)
	}
	return b.addKey(a, k)
}

// parseURI is otp.ParseURI (which also reads the otpauth://steam/ URIs
// Aegis, 2FAS and Ente Auth write for Steam accounts).
func parseURI(uri []byte) (*otp.Key, error) { return otp.ParseURI(uri) }

// uriLabel is the label of an otpauth URI ("Issuer:account"), for naming
// an entry that cannot be imported. It never includes the query, where
// the secret is.
func uriLabel(uri []byte) string {
	head, _, _ := bytes.Cut(uri, []byte("?"))
	head, _, _ = bytes.Cut(head, []byte("#"))
	i := bytes.Index(head, []byte("://"))
	if i < 0 {
		return ""
	}
	_, label, _ := bytes.Cut(head[i+3:], []byte("/"))
	s, err := url.PathUnescape(string(label))
	if err != nil {
		return string(label)
	}
	return s
}
