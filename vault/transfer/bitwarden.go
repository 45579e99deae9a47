package transfer

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/twofold-app/twofold/vault/otp"
)

// Bitwarden exports: JSON ({encrypted, folders, items}) or CSV (columns
// folder, favorite, type, name, notes, fields, reprompt, login_uri,
// login_username, login_password, login_totp). The TOTP field holds an
// otpauth:// URI, a steam://SECRET link, or a bare base32 secret. For the
// last two the format carries no issuer or account: the item's name is
// taken as the issuer and its user name as the account. Logins without a
// TOTP field are not OTP accounts and are left out. Password-protected
// and account-encrypted JSON exports are refused (ErrUnsupported).

type bitwardenFile struct {
	Encrypted         bool              `json:"encrypted"`
	PasswordProtected bool              `json:"passwordProtected"`
	Folders           []bitwardenFolder `json:"folders"`
	Items             []bitwardenItem   `json:"items"`
}

type bitwardenFolder struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type bitwardenItem struct {
	Name     string  `json:"name"`
	FolderID *string `json:"folderId"`
	Login    *struct {
		Username *string    `json:"username"`
		TOTP     secretJSON `json:"totp"`
	} `json:"login"`
}

func parseBitwarden(data []byte, o *Options) (*Result, error) {
	text := trimJSON(data)
	if len(text) > 0 && text[0] == '{' {
		return bitwardenJSON(text, o.Limits)
	}
	return bitwardenCSV(text, o.Limits)
}

func bitwardenJSON(text []byte, l Limits) (*Result, error) {
	var file bitwardenFile
	err := decodeJSON(FormatBitwarden, text, &file)
	defer func() {
		for _, it := range file.Items {
			if it.Login != nil {
				it.Login.TOTP.wipe()
			}
		}
	}()
	if err != nil {
		return nil, err
	}
	if file.Encrypted || file.PasswordProtected {
		return nil, fmt.Errorf("encrypted Bitwarden export: %w; export again as \"JSON\" (not encrypted)", ErrUnsupported)
	}
	folders := map[string]string{}
	for _, f := range file.Folders {
		folders[f.ID] = f.Name
	}
	b := newBuilder(FormatBitwarden, l)
	for _, it := range file.Items {
		if it.Login == nil || len(bytes.TrimSpace(it.Login.TOTP)) == 0 {
			continue
		}
		a := Account{Title: strings.TrimSpace(it.Name)}
		if it.FolderID != nil && folders[*it.FolderID] != "" {
			a.Group = []string{folders[*it.FolderID]}
		}
		if it.Login.Username != nil {
			a.Account = strings.TrimSpace(*it.Login.Username)
		}
		if err := addBitwardenTOTP(b, a, it.Login.TOTP); err != nil {
			return b.fail(err)
		}
	}
	return b.result()
}

// addBitwardenTOTP adds one login's TOTP field; a carries the item's
// name (as Title), user name (as Account) and folder.
func addBitwardenTOTP(b *builder, a Account, totp []byte) error {
	totp = bytes.TrimSpace(totp)
	switch {
	case hasPrefixFold(totp, "otpauth://"):
		k, err := parseURI(totp)
		if err != nil {
			return b.skip(a.Title, err)
		}
		if k.Issuer == "" {
			k.Issuer = a.Title
		}
		if k.Account == "" {
			k.Account = a.Account
		}
		if k.Issuer == a.Title {
			a.Title = ""
		}
		return b.addKey(a, k)
	case hasPrefixFold(totp, "steam://"):
		a.Params = otp.Params{Issuer: a.Title, Account: a.Account, Digits: otp.SteamDigits, Period: otp.DefaultPeriod, Steam: true}
		a.Title = ""
		return b.addBase32(a, totp[len("steam://"):])
	}
	a.Params = otp.Params{Issuer: a.Title, Account: a.Account, Digits: otp.DefaultDigits, Period: otp.DefaultPeriod}
	a.Title = ""
	return b.addBase32(a, totp)
}

// bitwardenCSV reads the CSV export. Its fields (every password of the
// vault among them) are parsed in place by readCSV, not copied into Go
// strings, and the copies of quoted fields are wiped.
func bitwardenCSV(text []byte, l Limits) (*Result, error) {
	table, err := readCSV(text)
	defer wipeCSV(table)
	if err != nil {
		return nil, malformed(FormatBitwarden, "%v", err)
	}
	rows := table.rows
	if len(rows) == 0 {
		return nil, malformed(FormatBitwarden, "empty CSV")
	}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[strings.ToLower(string(bytes.TrimSpace(name)))] = i
	}
	totpCol, ok := col["login_totp"]
	if !ok {
		return nil, malformed(FormatBitwarden, "CSV has no login_totp column")
	}
	get := func(row [][]byte, name string) []byte {
		if i, ok := col[name]; ok && i < len(row) {
			return row[i]
		}
		return nil
	}
	b := newBuilder(FormatBitwarden, l)
	for _, row := range rows[1:] {
		if totpCol >= len(row) || len(bytes.TrimSpace(row[totpCol])) == 0 {
			continue
		}
		a := Account{Title: strings.TrimSpace(string(get(row, "name")))}
		a.Account = strings.TrimSpace(string(get(row, "login_username")))
		if g := strings.TrimSpace(string(get(row, "folder"))); g != "" {
			a.Group = []string{g}
		}
		if err := addBitwardenTOTP(b, a, row[totpCol]); err != nil {
			return b.fail(err)
		}
	}
	return b.result()
}
