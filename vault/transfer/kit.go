package transfer

import (
	"bytes"
	"encoding/base32"
	"fmt"
	"image/png"
	"io"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"

	"github.com/twofold-app/twofold/vault/otp"
)

// The printable recovery kit: a PDF with, for every account, its QR code
// (scan it into any authenticator) and its secret in base32 groups (type
// it in by hand), to keep on paper away from the computer. It is the most
// direct export there is: fpdf takes the texts as Go strings, so the
// secrets pass through ordinary memory while it is written.

// KitOptions tune RecoveryKit.
type KitOptions struct {
	// Title heads every page ("Twofold recovery kit" when empty).
	Title string
	// Now is printed as the date of the kit and stamped as the PDF's
	// creation date (time.Now when zero).
	Now time.Time
}

// Kit layout, in millimetres on A4.
const (
	kitMargin  = 15.0
	kitQR      = 40.0 // QR code side
	kitBlock   = 46.0 // height of one account
	kitPerPage = 5
)

// RecoveryKit writes the PDF recovery kit of src to w.
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
	pdf.SetAutoPageBreak(false, kitMargin)
	pdf.SetMargins(kitMargin, kitMargin, kitMargin)
	tr := pdf.UnicodeTranslatorFromDescriptor("") // core fonts are cp1252
	pdf.AliasNbPages("")
	pdf.SetFooterFunc(func() {
		pdf.SetY(-12)
		pdf.SetFont("Helvetica", "", 8)
		pdf.CellFormat(0, 5, fmt.Sprintf("Page %d of {nb}", pdf.PageNo()), "", 0, "C", false, 0, "")
	})
	for i := range src.Len() {
		if i%kitPerPage == 0 {
			kitHeader(pdf, tr, o, src.Len())
		}
		if err := kitAccount(pdf, tr, src, i); err != nil {
			return err
		}
	}
	if src.Len() == 0 {
		kitHeader(pdf, tr, o, 0)
	}
	if err := pdf.Output(w); err != nil {
		return fmt.Errorf("write recovery kit: %w", err)
	}
	return nil
}

func kitHeader(pdf *fpdf.Fpdf, tr func(string) string, o KitOptions, n int) {
	pdf.AddPage()
	pdf.SetFont("Helvetica", "B", 16)
	pdf.CellFormat(0, 8, tr(o.Title), "", 1, "L", false, 0, "")
	pdf.SetFont("Helvetica", "", 9)
	pdf.MultiCell(0, 4.5, tr(fmt.Sprintf("%d account(s), printed %s. Anyone who holds this paper can generate your codes: "+
		"keep it offline, somewhere safe, like a spare key. To restore an account, scan its QR code with an "+
		"authenticator app, or type its secret in. HOTP counters are those at the time of printing.",
		n, o.Now.Format("2 January 2006"))), "", "L", false)
	pdf.Ln(3)
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
