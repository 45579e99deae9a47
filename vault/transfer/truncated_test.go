package transfer

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTruncatedJSON: a JSON export cut short (an interrupted copy or
// download; QA used head -c 300) is ErrTruncated, an ErrMalformed whose
// message says the file ends early, whether the format is detected or
// forced. It used to be ErrUnknownFormat ("not valid JSON (syntax error
// at byte 286)"), which sent people looking for another app's export.
func TestTruncatedJSON(t *testing.T) {
	dir := fixtureDir(t)
	for _, c := range fixtureCases {
		data, err := os.ReadFile(filepath.Join(dir, c.file))
		if err != nil {
			t.Fatal(err)
		}
		text := trimJSON(data)
		if text[0] != '{' && text[0] != '[' {
			continue // not JSON
		}
		for _, n := range []int{1, 300, len(text) / 2, len(text) - 1} {
			cut := bytes.Clone(text[:n])
			for _, forced := range []Format{"", c.format} {
				_, err := Import(cut, Options{Format: forced, Password: password(c.password, nil)})
				switch {
				case !errors.Is(err, ErrTruncated) || !errors.Is(err, ErrMalformed) || errors.Is(err, ErrUnknownFormat):
					t.Errorf("%s cut to %d bytes (format %q): %v, want ErrTruncated", c.file, n, forced, err)
				case !strings.Contains(err.Error(), "the file ends early: it was cut short or damaged; export it again"):
					t.Errorf("%s cut to %d bytes (format %q): message %q does not say it ends early", c.file, n, forced, err)
				}
			}
		}
	}
}

// TestDamagedJSONNotTruncated: JSON broken other than by its end keeps
// its old errors: unknown when detected, malformed (not truncated) when
// forced.
func TestDamagedJSONNotTruncated(t *testing.T) {
	for _, data := range []string{"{not json", `{"header":{}}}`, `{"db":"x" "header":1}`} {
		if _, err := Import([]byte(data), Options{}); !errors.Is(err, ErrUnknownFormat) || errors.Is(err, ErrMalformed) {
			t.Errorf("%q: %v, want ErrUnknownFormat", data, err)
		}
		if _, err := Import([]byte(data), Options{Format: FormatAegis}); !errors.Is(err, ErrMalformed) || errors.Is(err, ErrTruncated) {
			t.Errorf("%q as aegis: %v, want ErrMalformed but not ErrTruncated", data, err)
		}
	}
}
