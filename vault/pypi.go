package vault

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"gopkg.in/macaroon.v2"
)

// decodePyPIToken reads a PyPI API token: "pypi-" followed by a base64url
// (unpadded) binary macaroon whose first-party caveats say what it may do.
// PyPI's caveats are JSON arrays [tag, …]: 0 expiry [0, expires_at,
// not_before], 1 project names, 2 project IDs, 3 user, 4 OIDC publisher;
// older tokens use {"version": 1, "permissions": "user" | {"projects": …}}
// and {"exp": …, "nbf": …}.
func decodePyPIToken(t []byte) (TokenInfo, error) {
	text := bytes.TrimRight(bytes.TrimPrefix(t, []byte("pypi-")), "=")
	raw := make([]byte, base64.RawURLEncoding.DecodedLen(len(text)))
	defer clear(raw) // the macaroon keeps its own copy (see Secrets in memory, README)
	n, err := base64.RawURLEncoding.Decode(raw, text)
	if err != nil {
		return TokenInfo{}, fmt.Errorf("%w: looks like a PyPI token but is not base64url: was it copied whole?", ErrInvalid)
	}
	var m macaroon.Macaroon
	if err := m.UnmarshalBinary(raw[:n]); err != nil {
		return TokenInfo{}, fmt.Errorf("%w: looks like a PyPI token but its macaroon does not decode (%v): was it copied whole?", ErrInvalid, err)
	}
	info := TokenInfo{Service: "pypi", URL: "https://pypi.org", UserName: "__token__", Scope: "account"}
	if loc := m.Location(); strings.Contains(loc, "test.pypi.org") {
		info.Service, info.URL = "testpypi", "https://test.pypi.org"
	} else if loc != "pypi.org" && loc != "" {
		return TokenInfo{}, fmt.Errorf("%w: PyPI token for an unknown location %q", ErrInvalid, loc)
	}
	for _, c := range m.Caveats() {
		if c.VerificationId != nil {
			continue // third-party caveat: nothing to read
		}
		if err := info.applyCaveat(c.Id); err != nil {
			return TokenInfo{}, err
		}
	}
	return info, nil
}

func (info *TokenInfo) applyCaveat(id []byte) error {
	var arr []json.RawMessage
	if err := json.Unmarshal(id, &arr); err == nil && len(arr) > 0 {
		return info.applyTagged(arr)
	}
	var legacy struct {
		Version     int             `json:"version"`
		Permissions json.RawMessage `json:"permissions"`
		Exp         *int64          `json:"exp"`
		ProjectIDs  []string        `json:"project_ids"`
	}
	if err := json.Unmarshal(id, &legacy); err != nil {
		return fmt.Errorf("%w: PyPI token has an unreadable caveat", ErrInvalid)
	}
	switch {
	case legacy.Exp != nil:
		info.setExpiry(*legacy.Exp)
	case len(legacy.ProjectIDs) > 0:
		info.Scope = "projects"
	case legacy.Version == 1:
		var p struct {
			Projects []string `json:"projects"`
		}
		if json.Unmarshal(legacy.Permissions, &p) == nil && len(p.Projects) > 0 {
			info.restrictTo(p.Projects)
		}
	}
	return nil
}

func (info *TokenInfo) applyTagged(arr []json.RawMessage) error {
	var tag int
	if err := json.Unmarshal(arr[0], &tag); err != nil {
		return fmt.Errorf("%w: PyPI token has an unreadable caveat", ErrInvalid)
	}
	switch tag {
	case 0:
		var exp int64
		if len(arr) < 2 || json.Unmarshal(arr[1], &exp) != nil {
			return fmt.Errorf("%w: PyPI token has a malformed expiry caveat", ErrInvalid)
		}
		info.setExpiry(exp)
	case 1:
		var names []string
		if len(arr) < 2 || json.Unmarshal(arr[1], &names) != nil {
			return fmt.Errorf("%w: PyPI token has a malformed project caveat", ErrInvalid)
		}
		info.restrictTo(names)
	case 2, 4:
		if info.Scope == "account" {
			info.Scope = "projects"
		}
	}
	return nil
}

// setExpiry keeps the earliest expiry: every caveat must hold.
func (info *TokenInfo) setExpiry(unix int64) {
	t := time.Unix(unix, 0).UTC()
	if info.Expires.IsZero() || t.Before(info.Expires) {
		info.Expires = t
	}
}

// restrictTo intersects the project list: every caveat must hold.
func (info *TokenInfo) restrictTo(names []string) {
	if info.Projects == nil {
		info.Projects = append([]string(nil), names...)
	} else {
		keep := map[string]bool{}
		for _, n := range names {
			keep[n] = true
		}
		var both []string
		for _, p := range info.Projects {
			if keep[p] {
				both = append(both, p)
			}
		}
		info.Projects = both
	}
	sort.Strings(info.Projects)
	info.Scope = "projects"
}
