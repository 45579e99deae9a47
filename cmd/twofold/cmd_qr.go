package main

import (
	"errors"
	"fmt"
	"image/png"
	"io"
	"os"
	"strings"

	"github.com/twofold-app/twofold/vault"
	"github.com/twofold-app/twofold/vault/transfer"
)

// twofold qr shows (or saves as PNG) the QR code of one account, for a
// phone app to scan, or with --google the Google Authenticator transfer
// codes of several accounts (one batch, several codes when large). A QR
// code is the account's secret: it needs --yes-export-secrets.

func cmdQR(c *ctx, args []string) error {
	fs := c.flags()
	google := fs.Bool("google", false, "Google Authenticator transfer codes of the accounts matching QUERY (all without one)")
	out := fs.String("out", "", "save as PNG (created 0600; with several codes FILE-1.png, FILE-2.png, …) instead of drawing in the terminal")
	scale := fs.Int("scale", 8, "pixels per module in the PNG")
	invert := fs.Bool("invert", false, "terminal: draw for a light background (dark modules as blocks)")
	yes := fs.Bool("yes-export-secrets", false, "confirm: anyone who sees or scans the code gets the account")
	pos, err := c.parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 || (len(pos) == 0 && !*google) {
		fs.Usage()
		return fmt.Errorf("%w: usage: twofold %s", vault.ErrInvalid, c.cmd.usage)
	}
	if !*yes {
		return errSecretsNeedFlag
	}
	s, err := c.open()
	if err != nil {
		return err
	}
	defer s.Lock()
	texts, names, err := qrTexts(c, s, pos, *google)
	if err != nil {
		return err
	}
	defer func() {
		for _, t := range texts {
			clear(t)
		}
	}()
	return emitQRs(c, texts, names, qrOutput{*out, *scale, *invert})
}

type qrOutput struct {
	path   string // "" draws in the terminal
	scale  int
	invert bool
}

// emitQRs draws or saves one code per text.
func emitQRs(c *ctx, texts [][]byte, names []string, o qrOutput) error {
	for i, text := range texts {
		q, err := transfer.EncodeQR(text)
		if err != nil {
			return err
		}
		label := names[i]
		if len(texts) > 1 {
			label = fmt.Sprintf("%s, code %d of %d", names[i], i+1, len(texts))
		}
		if o.path == "" {
			drawQR(c.stdout, q, o.invert)
			printf(c.stdout, "%s\n\n", label)
			continue
		}
		path := qrPath(o.path, i, len(texts))
		if err := savePNG(path, q, o.scale); err != nil {
			return err
		}
		printf(c.stderr, "saved %s to %s\n", label, path)
	}
	return nil
}

// qrTexts returns the texts to encode and a label for each.
func qrTexts(c *ctx, s *vault.Store, pos []string, google bool) ([][]byte, []string, error) {
	if !google {
		it, err := s.Find(pos[0], vault.KindAccount)
		if err != nil {
			return nil, nil, err
		}
		k, err := s.Key(it.ID)
		if err != nil {
			return nil, nil, err
		}
		defer k.Destroy()
		uri := transfer.URI(k)
		defer uri.Destroy()
		text := make([]byte, uri.Size()) // the QR encoder needs ordinary memory; wiped by the caller
		copy(text, uri.Bytes())
		name := vault.Account{Params: k.Params, Title: it.Title}.Name()
		return [][]byte{text}, []string{qualified(it.Group, name)}, nil
	}
	src, skipped, err := exportSource(s, pos)
	if err != nil {
		return nil, nil, err
	}
	uris, more, err := transfer.ExportGoogle(src)
	skipped = append(skipped, more...)
	if errors.Is(err, transfer.ErrUnsupported) {
		warnSkipped(c, "not in the codes", skipped)
		return nil, nil, errNoneForGoogle
	}
	if err != nil {
		return nil, nil, err
	}
	warnSkipped(c, "not in the codes", skipped)
	names := make([]string, len(uris))
	for i := range names {
		names[i] = "Google Authenticator transfer (" + plural(src.Len()-len(more), "account", "accounts") + ")"
	}
	return uris, names, nil
}

func qrPath(out string, i, n int) string {
	if n == 1 {
		return out
	}
	base, ext := out, ".png"
	if strings.HasSuffix(strings.ToLower(out), ".png") {
		base, ext = out[:len(out)-4], out[len(out)-4:]
	}
	return fmt.Sprintf("%s-%d%s", base, i+1, ext)
}

func savePNG(path string, q *transfer.QRCode, scale int) error {
	f, err := createSecretFile(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, q.Image(scale)); err != nil {
		f.Close()
		os.Remove(path)
		return fmt.Errorf("save QR code: %w", err)
	}
	if err := f.Close(); err != nil {
		os.Remove(path)
		return fmt.Errorf("save QR code: %w", err)
	}
	return nil
}

// drawQR draws the code with half-block characters, two modules a line,
// inside the standard quiet zone of 4 modules. By default the blocks are
// the light modules (for the usual dark terminal); invert draws the dark
// ones.
func drawQR(w io.Writer, q *transfer.QRCode, invert bool) {
	const quiet = 4
	block := func(x, y int) bool {
		if x < 0 || y < 0 || x >= q.Size || y >= q.Size {
			return !invert
		}
		return q.Dark(x, y) == invert
	}
	var b strings.Builder
	for y := -quiet; y < q.Size+quiet; y += 2 {
		for x := -quiet; x < q.Size+quiet; x++ {
			top, bottom := block(x, y), block(x, y+1)
			switch {
			case top && bottom:
				b.WriteString("█")
			case top:
				b.WriteString("▀")
			case bottom:
				b.WriteString("▄")
			default:
				b.WriteString(" ")
			}
		}
		b.WriteString("\n")
	}
	io.WriteString(w, b.String())
}
