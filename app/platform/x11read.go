package platform

import (
	"context"
	"errors"
	"fmt"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"
)

// errRefused: the clipboard owner could not give the asked type, or
// nobody owns the clipboard.
var errRefused = errors.New("the clipboard owner refused the conversion")

// convert asks the CLIPBOARD owner for target and returns the data and
// its type. Transfers in pieces (INCR) are put together; more than limit
// bytes is ErrTooLarge.
func (c *xconn) convert(ctx context.Context, target xproto.Atom, limit int) ([]byte, xproto.Atom, error) {
	c.xfer.Lock()
	defer c.xfer.Unlock()
	c.drain()
	prop, clip := c.atom["TWOFOLD_SELECTION"], c.atom["CLIPBOARD"]
	xproto.DeleteProperty(c.x, c.win, prop)
	xproto.ConvertSelection(c.x, c.win, clip, target, prop, xproto.TimeCurrentTime)
	ev, err := c.await(ctx, func(e xgb.Event) bool {
		n, ok := e.(xproto.SelectionNotifyEvent)
		return ok && n.Selection == clip && n.Target == target
	})
	if err != nil {
		return nil, 0, fmt.Errorf("wait for the clipboard owner: %w", err)
	}
	if ev.(xproto.SelectionNotifyEvent).Property == xproto.AtomNone {
		return nil, 0, errRefused
	}
	data, typ, err := c.takeProperty(prop, limit)
	if err != nil || typ != c.atom["INCR"] {
		return data, typ, err
	}
	return c.readIncr(ctx, prop, limit)
}

// takeProperty reads and deletes a property of our window.
func (c *xconn) takeProperty(prop xproto.Atom, limit int) ([]byte, xproto.Atom, error) {
	head, err := xproto.GetProperty(c.x, false, c.win, prop, xproto.GetPropertyTypeAny, 0, 0).Reply()
	if err != nil {
		return nil, 0, fmt.Errorf("read the clipboard property: %w", err)
	}
	if int64(head.BytesAfter) > int64(limit) {
		xproto.DeleteProperty(c.x, c.win, prop)
		return nil, 0, fmt.Errorf("the clipboard holds more than %d MiB: %w", limit>>20, ErrTooLarge)
	}
	words := (head.BytesAfter + 3) / 4
	r, err := xproto.GetProperty(c.x, true, c.win, prop, xproto.GetPropertyTypeAny, 0, words).Reply()
	if err != nil {
		return nil, 0, fmt.Errorf("read the clipboard property: %w", err)
	}
	return r.Value, r.Type, nil
}

// readIncr receives an INCR transfer: each time the owner writes a piece
// to our property we read and delete it, which asks for the next piece;
// an empty piece ends the transfer. The INCR property itself was already
// deleted by takeProperty, which started the transfer.
func (c *xconn) readIncr(ctx context.Context, prop xproto.Atom, limit int) ([]byte, xproto.Atom, error) {
	var data []byte
	for {
		_, err := c.await(ctx, func(e xgb.Event) bool {
			p, ok := e.(xproto.PropertyNotifyEvent)
			return ok && p.Atom == prop
		})
		if err != nil {
			return nil, 0, fmt.Errorf("wait for the next piece of the clipboard: %w", err)
		}
		piece, typ, err := c.takeProperty(prop, limit-len(data))
		if err != nil {
			return nil, 0, err
		}
		if len(piece) == 0 {
			return data, typ, nil
		}
		c.incrPieces.Add(1)
		data = append(data, piece...)
	}
}

// targets returns the types the clipboard owner offers (nil: no owner,
// or it offers nothing).
func (c *xconn) targets(ctx context.Context) ([]xproto.Atom, error) {
	data, _, err := c.convert(ctx, c.atom["TARGETS"], 1<<20)
	if errors.Is(err, errRefused) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	atoms := make([]xproto.Atom, 0, len(data)/4)
	for i := 0; i+4 <= len(data); i += 4 {
		atoms = append(atoms, xproto.Atom(xgb.Get32(data[i:])))
	}
	return atoms, nil
}
