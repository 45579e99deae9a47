package transfer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"
)

// secretJSON is a JSON string that holds secret text. It unmarshals into
// a byte slice of its own, never a Go string (which could not be wiped):
// parsers wipe it as soon as the secret is in locked memory. encoding/json
// has no way to unquote into a caller's buffer, so the (small) unquoting
// is done here.
type secretJSON []byte

var errNotString = errors.New("not a JSON string")

// UnmarshalJSON copies the unquoted string. null leaves s empty.
func (s *secretJSON) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return errNotString
	}
	body := b[1 : len(b)-1]
	out := make([]byte, 0, len(body)) // unquoting never grows the text
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		n, r := unescapeJSON(body[i:])
		if n == 0 {
			clear(out[:cap(out)])
			return errNotString
		}
		out = utf8.AppendRune(out, r)
		i += n - 1
	}
	*s = out
	return nil
}

// unescapeJSON reads one escape at the start of b ("\n", "\u00e9"…) and
// returns its length and rune; length 0 means invalid. Surrogate pairs
// are not joined: no secret alphabet needs them.
func unescapeJSON(b []byte) (int, rune) {
	if len(b) < 2 {
		return 0, 0
	}
	switch b[1] {
	case '"', '\\', '/':
		return 2, rune(b[1])
	case 'b':
		return 2, '\b'
	case 'f':
		return 2, '\f'
	case 'n':
		return 2, '\n'
	case 'r':
		return 2, '\r'
	case 't':
		return 2, '\t'
	case 'u':
		if len(b) < 6 {
			return 0, 0
		}
		v, err := strconv.ParseUint(string(b[2:6]), 16, 16)
		if err != nil {
			return 0, 0
		}
		return 6, rune(v)
	}
	return 0, 0
}

// wipe overwrites the secret text.
func (s secretJSON) wipe() { clear(s) }

// flexInt is a JSON number, or a string holding one (Steam writes
// numbers as strings), or null (0, set false).
type flexInt struct {
	v   int64
	set bool
}

// UnmarshalJSON accepts 30, "30" and null.
func (n *flexInt) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	b = bytes.Trim(b, `"`)
	v, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		f, ferr := strconv.ParseFloat(string(b), 64)
		if ferr != nil || f != float64(int64(f)) {
			return fmt.Errorf("not a whole number")
		}
		v = int64(f)
	}
	n.v, n.set = v, true
	return nil
}

// or returns the value, or def when absent.
func (n flexInt) or(def int64) int64 {
	if !n.set {
		return def
	}
	return n.v
}

// intField converts a JSON integer for an otp field. Values an int
// cannot hold (32-bit platforms) are clamped, still out of range for
// Validate, which names them.
func intField(n flexInt, def int) int {
	v := n.or(int64(def))
	return int(max(min(v, math.MaxInt), math.MinInt))
}

// counterField converts a JSON counter; negative counters are an error,
// worded to follow the field's name (the Reason of an otp.FieldError).
func counterField(n flexInt, add int64) (uint64, error) {
	v := n.or(0)
	if v < 0 {
		return 0, fmt.Errorf("must not be negative, got %d", v)
	}
	if add > 0 && v > 1<<63-1-add {
		return 0, fmt.Errorf("is too large: %d", v)
	}
	return uint64(v + add), nil
}

// decodeJSON unmarshals data for format f, turning the json package's
// errors (whose messages may quote input) into ErrMalformed with an
// offset only.
func decodeJSON(f Format, data []byte, v any) error {
	if err := json.Unmarshal(trimJSON(data), v); err != nil {
		if endsEarly(err) {
			return fmt.Errorf("read %s file: %w", f, ErrTruncated)
		}
		return malformed(f, "%s", jsonErrorText(err))
	}
	return nil
}

// trimJSON drops a UTF-8 byte order mark and surrounding space.
func trimJSON(data []byte) []byte {
	return bytes.TrimSpace(bytes.TrimPrefix(data, utf8BOM))
}
