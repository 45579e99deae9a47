package transfer

import (
	"bytes"
	"encoding/base32"
	"fmt"
	"image/png"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"

	"github.com/twofold-app/twofold/vault"
	"github.com/twofold-app/twofold/vault/otp"
)

// The printable recovery kit: a PDF the user prints and keeps offline, for
// the day a phone or a key is lost. It says where the vault is and how to
// open it, lists each service's unused recovery codes (used ones are left
// out), the security-key inventory (which key is registered where, and
// what depends on one key only), every account by name, and the date.
// With AccountSecrets it also prints each account's QR code and base32
// secret — off by default: anyone holding that paper can make the codes.
// fpdf takes texts as Go strings, so what it prints passes through
// ordinary memory while it is written.

// KitOptions tune RecoveryKit.
type KitOptions struct {
	// Title heads the first page ("Twofold recovery kit" when empty).
	Title string
	// Now is printed as the date of the kit and stamped as the PDF's
	// creation date (time.Now when zero).
	Now time.Time
	// VaultPath is where the vault file is.
	VaultPath string
	// Recovery are the recovery-code sets (KitFromStore fills them).
	Recovery []KitRecovery
	// Keys is the security-key inventory.
	Keys []vault.SecurityKey
	// AccountSecrets adds each account's QR code and secret.
	AccountSecrets bool
}

// KitRecovery is one service's unused recovery codes.
type KitRecovery struct {
	Service, Account string
	Unused           []string
}

// KitFromStore fills o's vault path, recovery codes and key inventory
// from an unlocked vault. A set with no codes stored (its Err) is left
// out.
func KitFromStore(s *vault.Store, o KitOptions) (KitOptions, error) {
	// Printed, a path only helps whole: "vault.kdbx" says nothing on paper.
	o.VaultPath = s.Path()
	if abs, err := filepath.Abs(o.VaultPath); err == nil {
		o.VaultPath = abs
	}
	sets, err := s.RecoverySets()
	if err != nil {
		return o, err
	}
	for _, r := range sets {
		if r.Err != nil {
			continue // no codes to print (the lists say why)
		}
		codes, err := s.RecoveryCodes(r.ID)
		if err != nil {
			return o, err
		}
		kr := KitRecovery{Service: r.Service, Account: r.Account}
		for _, c := range codes {
			if !c.Used {
				kr.Unused = append(kr.Unused, c.Code)
			}
		}
		o.Recovery = append(o.Recovery, kr)
	}
	o.Keys, err = s.SecurityKeys()
	return o, err
}

// Kit layout, in millimetres on A4.
const (
	kitMargin  = 15.0
	kitQR      = 40.0 // QR code side
	kitBlock   = 46.0 // height of one account with its secret
	kitPerPage = 5
)

// RecoveryKit writes the PDF recovery kit to w: o's vault, recovery codes
// and keys, and src's accounts.
func RecoveryKit(src Source, w io.Writer, o KitOptions) error {
	if o.Title == "" {
		o.Title = "Twofold recovery kit"
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCreationDate(o.Now)
	pdf.SetModificationDate(o.Now)
	pdf.SetTitle(o.Title, true)
	pdf.SetCreator("Twofold", true)
	pdf.SetMargins(kitMargin, kitMargin, kitMargin)
	pdf.SetAutoPageBreak(true, kitMargin+5)
	tr := pdf.UnicodeTranslatorFromDescriptor("") // core fonts are cp1252
	pdf.AliasNbPages("")
	pdf.SetFooterFunc(func() {
		pdf.SetY(-12)
		pdf.SetFont("Helvetica", "", 8)
		pdf.CellFormat(0, 5, fmt.Sprintf("Page %d of {nb}", pdf.PageNo()), "", 0, "C", false, 0, "")
	})
	kitHeader(pdf, tr, o, src.Len())
	kitRecovery(pdf, tr, o.Recovery)
	kitKeys(pdf, tr, o.Keys)
	if err := kitAccounts(pdf, tr, src, o.AccountSecrets); err != nil {
		return err
	}
	if err := pdf.Output(w); err != nil {
		return fmt.Errorf("write recovery kit: %w", err)
	}
	return nil
}

func kitSection(pdf *fpdf.Fpdf, tr func(string) string, title string) {
	pdf.Ln(3)
	pdf.SetFont("Helvetica", "B", 13)
	pdf.CellFormat(0, 7, tr(title), "B", 1, "L", false, 0, "")
	pdf.Ln(1)
}

func kitRecovery(pdf *fpdf.Fpdf, tr func(string) string, sets []KitRecovery) {
	kitSection(pdf, tr, "Recovery codes")
	pdf.SetFont("Helvetica", "", 9)
	if len(sets) == 0 {
		pdf.MultiCell(0, 4.5, tr("None stored. Services that offer recovery (backup) codes: save them with 'twofold recovery add'."), "", "L", false)
		return
	}
	for _, r := range sets {
		name := r.Service
		if r.Account != "" {
			name += " (" + r.Account + ")"
		}
		pdf.SetFont("Helvetica", "B", 10)
		pdf.CellFormat(0, 5.5, tr(fmt.Sprintf("%s: %d unused", name, len(r.Unused))), "", 1, "L", false, 0, "")
		pdf.SetFont("Courier", "", 10)
		pdf.MultiCell(0, 5, tr(strings.Join(r.Unused, "    ")), "", "L", false)
		pdf.Ln(1)
	}
}

func kitKeys(pdf *fpdf.Fpdf, tr func(string) string, keys []vault.SecurityKey) {
	kitSection(pdf, tr, "Security keys")
	pdf.SetFont("Helvetica", "", 9)
	if len(keys) == 0 {
		pdf.MultiCell(0, 4.5, tr("None recorded (the window's Keys tab, 'Name this key', or 'twofold key name LABEL' records a key)."), "", "L", false)
		return
	}
	for _, k := range keys {
		line := fmt.Sprintf("%s (%s): %s", k.Label, k.Model, strings.Join(k.Services, ", "))
		pdf.MultiCell(0, 4.5, tr(line), "", "L", false)
	}
	single := vault.SingleKeyServices(keys)
	names := make([]string, 0, len(single))
	for svc, label := range single {
		names = append(names, svc+" (only on "+label+")")
	}
	slices.Sort(names)
	if len(names) > 0 {
		pdf.Ln(1)
		pdf.MultiCell(0, 4.5, tr("On one key only: "+strings.Join(names, ", ")+". If that key is lost, only the service's recovery codes get you in."), "", "L", false)
	}
}

func kitAccounts(pdf *fpdf.Fpdf, tr func(string) string, src Source, secrets bool) error {
	kitSection(pdf, tr, fmt.Sprintf("Accounts (%d)", src.Len()))
	pdf.SetFont("Helvetica", "", 9)
	if !secrets {
		for i := range src.Len() {
			e := src.Entry(i)
			pdf.MultiCell(0, 4.5, tr(e.Name()), "", "L", false)
		}
		return pdf.Error()
	}
	pdf.MultiCell(0, 4.5, tr("With their secrets: anyone who holds this paper can generate these codes."), "", "L", false)
	pdf.SetAutoPageBreak(false, kitMargin)
	for i := range src.Len() {
		if pdf.GetY()+kitBlock > 297-kitMargin-5 {
			pdf.AddPage()
		}
		if err := kitAccount(pdf, tr, src, i); err != nil {
			return err
		}
	}
	return pdf.Error()
}

func kitHeader(pdf *fpdf.Fpdf, tr func(string) string, o KitOptions, n int) {
	pdf.AddPage()
	pdf.SetFont("Helvetica", "B", 16)
	pdf.CellFormat(0, 8, tr(o.Title), "", 1, "L", false, 0, "")
	pdf.SetFont("Helvetica", "", 9)
	where := "Your vault is a KeePass file"
	if o.VaultPath != "" {
		where += ": " + o.VaultPath
	}
	pdf.MultiCell(0, 4.5, tr(fmt.Sprintf("Printed %s. %s. Open it with Twofold ('twofold', or 'twofold codes' in a terminal) "+
		"or any KeePass app (KeePassXC shows the same codes) with your master password, and your key file if you use one. "+
		"Keep this paper offline, somewhere safe, like a spare key: the recovery codes below let anyone into those accounts. "+
		"%s in the vault.", o.Now.Format("2 January 2006"), where, accountsWord(n))), "", "L", false)
}

// kitAccount draws one account: QR code on the left, details on the right.
func kitAccount(pdf *fpdf.Fpdf, tr func(string) string, src Source, i int) error {
	k, err := src.Key(i)
	if err != nil {
		return fmt.Errorf("recovery kit: %s: %w", src.Entry(i).Name(), err)
	}
	defer k.Destroy()
	img, err := kitQRCode(k)
	if err != nil {
		return fmt.Errorf("recovery kit: %s: %w", src.Entry(i).Name(), err)
	}
	y := pdf.GetY()
	name := fmt.Sprintf("qr%d", i)
	pdf.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(img))
	clear(img)
	pdf.ImageOptions(name, kitMargin, y, kitQR, kitQR, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
	x := kitMargin + kitQR + 6
	e := src.Entry(i)
	pdf.SetXY(x, y+1)
	pdf.SetFont("Helvetica", "B", 12)
	pdf.CellFormat(0, 6, tr(e.Name()), "", 2, "L", false, 0, "")
	pdf.SetFont("Helvetica", "", 9)
	if g := strings.Join(e.Group, "/"); g != "" {
		pdf.CellFormat(0, 5, tr("Group: "+g), "", 2, "L", false, 0, "")
	}
	pdf.CellFormat(0, 5, kitParams(k.Params), "", 2, "L", false, 0, "")
	pdf.Ln(1)
	pdf.SetX(x)
	pdf.SetFont("Courier", "B", 11)
	pdf.MultiCell(0, 5.5, groupedSecret(k.Secret.Bytes()), "", "L", false)
	pdf.SetY(y + kitBlock)
	return pdf.Error()
}

// kitQRCode is the PNG of the account's otpauth URI.
func kitQRCode(k *otp.Key) ([]byte, error) {
	uri := URI(k)
	defer uri.Destroy()
	q, err := EncodeQR(uri.Bytes())
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, q.Image(4)); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func kitParams(p otp.Params) string {
	switch {
	case p.Steam:
		return "Steam Guard, 5 characters every 30 s"
	case p.Type == otp.HOTP:
		return fmt.Sprintf("HOTP (counter-based), %s, %d digits, counter %d", p.Algorithm, p.Digits, p.Counter)
	}
	return fmt.Sprintf("TOTP (time-based), %s, %d digits, every %d s", p.Algorithm, p.Digits, p.Period)
}

// groupedSecret is the base32 secret in groups of four, as people type it.
func groupedSecret(raw []byte) string {
	text := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(raw)
	var b strings.Builder
	for i := 0; i < len(text); i += 4 {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(text[i:min(i+4, len(text))])
	}
	return "Secret: " + b.String()
}

// accountsWord says n accounts: "1 account", "2 accounts".
func accountsWord(n int) string {
	if n == 1 {
		return "1 account"
	}
	return fmt.Sprintf("%d accounts", n)
}
