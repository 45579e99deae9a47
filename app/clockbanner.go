package app

import (
	"errors"
	"fmt"
	"net"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// clockBanner is the clock check's note under the window's title: a
// sentence, and a Dismiss button that hides it until the next check
// (which shows it again if it still has something to say).
type clockBanner struct {
	widget.BaseWidget
	text    *widget.Label
	dismiss *button
}

func newClockBanner() *clockBanner {
	b := &clockBanner{text: widget.NewLabel("")}
	b.text.Wrapping = fyne.TextWrapWord
	b.text.Importance = widget.WarningImportance
	b.dismiss = newButton("Dismiss", theme.CancelIcon(), b.Hide)
	b.ExtendBaseWidget(b)
	b.Hide()
	return b
}

// CreateRenderer implements fyne.Widget: the sentence, with the button
// at its right, as high as one line.
func (b *clockBanner) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewBorder(nil, nil, nil, container.NewVBox(b.dismiss), b.text))
}

// say shows the banner with text.
func (b *clockBanner) say(text string) {
	b.text.SetText(text)
	b.Show()
}

// errNoUsableTime: the time server answered, but with a time not to be
// trusted (unsynchronised, a kiss of death, a reply to another query).
var errNoUsableTime = errors.New("no usable time")

// clockFailure says in plain words why the time server could not be
// asked, naming the likely cause. The network error's own text (the
// resolver's and the server's addresses, ports, syscalls) is left out:
// it tells a person nothing they can act on.
func clockFailure(server string, err error) string {
	var dns *net.DNSError
	var ne net.Error
	var op *net.OpError
	switch {
	case errors.As(err, &dns) && dns.IsTimeout:
		return fmt.Sprintf("Could not reach the time server %s (no answer when looking up its name: no network?)", server)
	case errors.As(err, &dns):
		return fmt.Sprintf("Could not reach the time server %s (no network, or the name is not found)", server)
	case errors.As(err, &ne) && ne.Timeout():
		return fmt.Sprintf("Could not reach the time server %s (no answer: no network, or a firewall blocks it)", server)
	case errors.As(err, &op):
		return fmt.Sprintf("Could not reach the time server %s (no network, or no time server answers there)", server)
	case errors.Is(err, errNoUsableTime):
		return fmt.Sprintf("The time server %s gave no usable time", server)
	}
	return fmt.Sprintf("Could not check the clock against %s", server)
}
