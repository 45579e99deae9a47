package kdbx

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"slices"
)

const (
	sig1       = 0x9AA2D903
	sig2KDBX   = 0xB54BFB67
	sig2KDB    = 0xB54BFB65 // KeePass 1.x
	sig2KDBX2p = 0xB54BFB66 // KeePass 2.x pre-release
)

// Header field IDs (the same numbers in KDBX 3.1 and 4).
const (
	hEnd                 = 0
	hComment             = 1
	hCipherID            = 2
	hCompressionFlags    = 3
	hMasterSeed          = 4
	hTransformSeed       = 5 // 3.1
	hTransformRounds     = 6 // 3.1
	hEncryptionIV        = 7
	hProtectedStreamKey  = 8  // 3.1
	hStreamStartBytes    = 9  // 3.1
	hInnerRandomStreamID = 10 // 3.1
	hKdfParameters       = 11 // 4
	hPublicCustomData    = 12 // 4
)

// Version is a KDBX file format version.
type Version struct{ Major, Minor uint16 }

func (v Version) String() string { return fmt.Sprintf("KDBX %d.%d", v.Major, v.Minor) }

// IsV4 reports whether the file uses the KDBX 4 outer layer.
func (v Version) IsV4() bool { return v.Major == 4 }

// Known versions.
var (
	V31 = Version{3, 1}
	V40 = Version{4, 0}
	V41 = Version{4, 1}
)

type field struct {
	id   byte
	data []byte
}

// header is the outer header, kept field by field so that a save writes
// back exactly the fields it read (unknown ones included), with only the
// per-save random values replaced.
type header struct {
	version Version
	fields  []field
	raw     []byte // the bytes as read, for the SHA-256 / HMAC checks
}

func (h *header) get(id byte) []byte {
	for _, f := range h.fields {
		if f.id == id {
			return f.data
		}
	}
	return nil
}

func (h *header) set(id byte, data []byte) {
	for i := range h.fields {
		if h.fields[i].id == id {
			h.fields[i].data = data
			return
		}
	}
	h.fields = append(h.fields, field{id, data})
}

func (h *header) del(id byte) {
	out := h.fields[:0]
	for _, f := range h.fields {
		if f.id != id {
			out = append(out, f)
		}
	}
	h.fields = out
}

// maxHeaderField bounds a single header field, so that a hostile length
// cannot make us allocate gigabytes.
const maxHeaderField = 1 << 20

// shortFile is the error for a file that ends before its 12-byte
// signature does. An empty file, or one cut short inside the KeePass
// signature, is a database that a full disk, a crash or a failed sync
// truncated: damaged (with a backup to restore), not some other kind of
// file.
func shortFile(b []byte) error {
	var kdbx [8]byte
	binary.LittleEndian.PutUint32(kdbx[:], sig1)
	binary.LittleEndian.PutUint32(kdbx[4:], sig2KDBX)
	switch {
	case len(b) == 0:
		return fmt.Errorf("%w: the file is empty", ErrCorrupt)
	case bytes.HasPrefix(kdbx[:], b[:min(len(b), len(kdbx))]):
		return fmt.Errorf("%w: the file ends within the KeePass signature, after %d bytes", ErrCorrupt, len(b))
	}
	return fmt.Errorf("%w: file is too short to be a KeePass database", ErrNotKeePass)
}

// readHeader parses the signature and header fields from r.
func readHeader(r io.Reader) (*header, error) {
	var buf bytes.Buffer
	tr := io.TeeReader(r, &buf)
	var sig [3]uint32
	if err := binary.Read(tr, binary.LittleEndian, &sig); err != nil {
		return nil, shortFile(buf.Bytes())
	}
	if sig[0] != sig1 {
		return nil, ErrNotKeePass
	}
	switch sig[1] {
	case sig2KDBX:
	case sig2KDB:
		return nil, fmt.Errorf("%w: this is a KeePass 1 (.kdb) file; convert it with KeePassXC (Database > Import > KeePass 1) first", ErrUnsupported)
	case sig2KDBX2p:
		return nil, fmt.Errorf("%w: KeePass 2 pre-release format", ErrUnsupported)
	default:
		return nil, ErrNotKeePass
	}
	h := &header{version: Version{Major: uint16(sig[2] >> 16), Minor: uint16(sig[2])}}
	if h.version.Major != 3 && h.version.Major != 4 {
		return nil, fmt.Errorf("%w: %s (Twofold reads KDBX 3.1, 4.0 and 4.1)", ErrUnsupported, h.version)
	}
	for {
		f, err := readField(tr, h.version.IsV4())
		if err != nil {
			return nil, fmt.Errorf("%w: header: %v", ErrCorrupt, err)
		}
		if f.id == hEnd {
			break
		}
		h.fields = append(h.fields, f)
	}
	h.raw = buf.Bytes()
	return h, nil
}

func readField(r io.Reader, v4 bool) (field, error) {
	var id [1]byte
	if _, err := io.ReadFull(r, id[:]); err != nil {
		return field{}, truncated(err)
	}
	var n uint32
	if v4 {
		if err := binary.Read(r, binary.LittleEndian, &n); err != nil {
			return field{}, truncated(err)
		}
	} else {
		var n16 uint16
		if err := binary.Read(r, binary.LittleEndian, &n16); err != nil {
			return field{}, truncated(err)
		}
		n = uint32(n16)
	}
	if n > maxHeaderField {
		return field{}, fmt.Errorf("field %d claims %d bytes", id[0], n)
	}
	data := make([]byte, n)
	if _, err := io.ReadFull(r, data); err != nil {
		return field{}, truncated(err)
	}
	return field{id[0], data}, nil
}

func truncated(err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return fmt.Errorf("file ends early (truncated)")
	}
	return err
}

// bytes serialises the header as it is to be written.
func (h *header) bytes() []byte {
	var b bytes.Buffer
	_ = binary.Write(&b, binary.LittleEndian, [3]uint32{sig1, sig2KDBX, uint32(h.version.Major)<<16 | uint32(h.version.Minor)})
	fields := slices.Clone(h.fields)
	slices.SortStableFunc(fields, func(a, b field) int { return int(a.id) - int(b.id) })
	for _, f := range fields {
		writeField(&b, f, h.version.IsV4())
	}
	writeField(&b, field{hEnd, []byte("\r\n\r\n")}, h.version.IsV4())
	return b.Bytes()
}

func writeField(b *bytes.Buffer, f field, v4 bool) {
	b.WriteByte(f.id)
	if v4 {
		_ = binary.Write(b, binary.LittleEndian, uint32(len(f.data)))
	} else {
		_ = binary.Write(b, binary.LittleEndian, uint16(len(f.data)))
	}
	b.Write(f.data)
}

func (h *header) uint32Field(id byte) (uint32, bool) {
	d := h.get(id)
	if len(d) != 4 {
		return 0, false
	}
	return binary.LittleEndian.Uint32(d), true
}

func (h *header) uint64Field(id byte) (uint64, bool) {
	d := h.get(id)
	if len(d) != 8 {
		return 0, false
	}
	return binary.LittleEndian.Uint64(d), true
}

func le32(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }
func le64(v uint64) []byte { return binary.LittleEndian.AppendUint64(nil, v) }
