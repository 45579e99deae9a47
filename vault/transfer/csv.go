package transfer

import (
	"bytes"
	"fmt"
)

// A small RFC 4180 reader that returns fields as byte slices. encoding/csv
// returns Go strings, which cannot be wiped, and a Bitwarden CSV export
// holds every password of its vault. Unquoted fields, and quoted fields
// without doubled quotes, are slices of the input; the others are copies,
// which wipeCSV clears.

type csvTable struct {
	rows  [][][]byte
	owned [][]byte // copies made for fields with doubled quotes
}

// maxCSVFields bounds one record (a hostile line of commas).
const maxCSVFields = 1000

func readCSV(text []byte) (*csvTable, error) {
	t := &csvTable{}
	for len(text) > 0 {
		row, rest, err := t.record(text)
		if err != nil {
			return t, fmt.Errorf("CSV record %d: %w", len(t.rows)+1, err)
		}
		text = rest
		if len(row) == 1 && len(bytes.TrimSpace(row[0])) == 0 {
			continue // blank line
		}
		t.rows = append(t.rows, row)
	}
	return t, nil
}

// record reads one record and returns the input after it.
func (t *csvTable) record(text []byte) ([][]byte, []byte, error) {
	var row [][]byte
	for {
		if len(row) >= maxCSVFields {
			return nil, nil, fmt.Errorf("more than %d fields", maxCSVFields)
		}
		var field []byte
		var err error
		if len(text) > 0 && text[0] == '"' {
			field, text, err = t.quoted(text[1:])
			if err != nil {
				return nil, nil, err
			}
		} else {
			end := bytes.IndexAny(text, ",\n")
			if end < 0 {
				end = len(text)
			}
			field, text = bytes.TrimSuffix(text[:end], []byte("\r")), text[end:]
		}
		row = append(row, field)
		if len(text) == 0 {
			return row, nil, nil
		}
		sep := text[0]
		text = text[1:]
		if sep == '\n' {
			return row, text, nil
		}
		if sep != ',' {
			return nil, nil, fmt.Errorf("unexpected character after a quoted field")
		}
	}
}

// quoted reads a quoted field whose opening quote was consumed; it
// returns the field and the input after the closing quote (and a '\r').
func (t *csvTable) quoted(text []byte) ([]byte, []byte, error) {
	end := 0
	escaped := false
	for {
		i := bytes.IndexByte(text[end:], '"')
		if i < 0 {
			return nil, nil, fmt.Errorf("unterminated quoted field")
		}
		end += i
		if end+1 < len(text) && text[end+1] == '"' {
			escaped = true
			end += 2
			continue
		}
		break
	}
	field, rest := text[:end], text[end+1:]
	rest = bytes.TrimPrefix(rest, []byte("\r"))
	if escaped {
		owned := make([]byte, 0, len(field))
		for i := 0; i < len(field); i++ {
			owned = append(owned, field[i])
			if field[i] == '"' {
				i++ // skip the second quote of a pair
			}
		}
		t.owned = append(t.owned, owned)
		field = owned
	}
	return field, rest, nil
}

// wipeCSV clears the copies the reader made (never the caller's input).
func wipeCSV(t *csvTable) {
	if t == nil {
		return
	}
	for _, b := range t.owned {
		clear(b)
	}
}
