package kdbx

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// Variant dictionary value types (KDBX 4).
const (
	vtUInt32 = 0x04
	vtUInt64 = 0x05
	vtBool   = 0x08
	vtInt32  = 0x0C
	vtInt64  = 0x0D
	vtString = 0x18
	vtBytes  = 0x42
)

type variantItem struct {
	typ   byte
	name  string
	value []byte
}

// variantDict is KDBX 4's typed key/value list (KDF parameters, public
// custom data). Items keep their order and unknown types round-trip.
type variantDict struct {
	version uint16
	items   []variantItem
}

func parseVariantDict(data []byte) (*variantDict, error) {
	r := bytes.NewReader(data)
	d := &variantDict{}
	if err := binary.Read(r, binary.LittleEndian, &d.version); err != nil {
		return nil, fmt.Errorf("variant dictionary: %w", truncated(err))
	}
	if d.version>>8 > 1 {
		return nil, fmt.Errorf("variant dictionary version %#x", d.version)
	}
	for {
		typ, err := r.ReadByte()
		if err != nil {
			return nil, fmt.Errorf("variant dictionary: %w", truncated(err))
		}
		if typ == 0 {
			return d, nil
		}
		name, err := readSized(r)
		if err != nil {
			return nil, err
		}
		value, err := readSized(r)
		if err != nil {
			return nil, err
		}
		d.items = append(d.items, variantItem{typ, string(name), value})
	}
}

func readSized(r *bytes.Reader) ([]byte, error) {
	var n int32
	if err := binary.Read(r, binary.LittleEndian, &n); err != nil {
		return nil, fmt.Errorf("variant dictionary: %w", truncated(err))
	}
	if n < 0 || int(n) > r.Len() {
		return nil, fmt.Errorf("variant dictionary: item of %d bytes", n)
	}
	b := make([]byte, n)
	_, _ = r.Read(b)
	return b, nil
}

func (d *variantDict) bytes() []byte {
	var b bytes.Buffer
	_ = binary.Write(&b, binary.LittleEndian, d.version)
	for _, it := range d.items {
		b.WriteByte(it.typ)
		_ = binary.Write(&b, binary.LittleEndian, int32(len(it.name)))
		b.WriteString(it.name)
		_ = binary.Write(&b, binary.LittleEndian, int32(len(it.value)))
		b.Write(it.value)
	}
	b.WriteByte(0)
	return b.Bytes()
}

func (d *variantDict) get(name string) (variantItem, bool) {
	for _, it := range d.items {
		if it.name == name {
			return it, true
		}
	}
	return variantItem{}, false
}

func (d *variantDict) set(typ byte, name string, value []byte) {
	for i := range d.items {
		if d.items[i].name == name {
			d.items[i] = variantItem{typ, name, value}
			return
		}
	}
	d.items = append(d.items, variantItem{typ, name, value})
}

func (d *variantDict) uint64(name string) (uint64, bool) {
	it, ok := d.get(name)
	switch {
	case !ok:
		return 0, false
	case len(it.value) == 8:
		return binary.LittleEndian.Uint64(it.value), true
	case len(it.value) == 4:
		return uint64(binary.LittleEndian.Uint32(it.value)), true
	}
	return 0, false
}

func (d *variantDict) bytesValue(name string) []byte {
	it, _ := d.get(name)
	return it.value
}
