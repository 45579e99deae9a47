package transfer

import (
	"github.com/makiuchi-d/gozxing"
)

// ZXing's finder-pattern search (and gozxing's port of it) tries every
// triple of candidate finder patterns: its cost grows with the cube of
// their number. A real screenshot has three per QR code; an image tiled
// with hundreds of tiny codes has thousands, and would keep the decoder
// busy for hours. gozxing has no work limit or cancellation, so before
// handing it a binarised image, countFinderPatterns looks for finder
// patterns the way ZXing does (runs of dark, light, dark, light, dark in
// proportions 1:1:3:1:1 across a row, confirmed down the column through
// their centre), and images with more than maxFinderPatterns are refused.

// maxFinderPatterns allows about 20 QR codes in one image (a Google
// Authenticator batch shows one at a time) plus false positives from
// text; decoding that many takes well under a second.
const maxFinderPatterns = 72

type finderCenter struct{ x, y, module float64 }

// countFinderPatterns counts distinct finder patterns in m, stopping once
// it has seen more than limit.
func countFinderPatterns(m *gozxing.BitMatrix, limit int) int {
	var found []finderCenter
	var starts, lengths []int
	for y := range m.GetHeight() {
		starts, lengths = rowRuns(m, y, starts[:0], lengths[:0])
		// Runs alternate in colour; starts[i] is dark when m.Get says so.
		for i := 0; i+4 < len(lengths); i++ {
			if !m.Get(starts[i], y) {
				continue
			}
			r := [5]int(lengths[i : i+5])
			if !ratioOK(r) {
				continue
			}
			x := starts[i+2] + lengths[i+2]/2
			c := finderCenter{x: float64(x), y: float64(y), module: float64(sum(r)) / 7}
			if confirmVertical(m, x, y, lengths[i+2]) && addCenter(&found, c) && len(found) > limit {
				return len(found)
			}
		}
	}
	return len(found)
}

// rowRuns appends the start and length of each run of equal pixels of
// row y.
func rowRuns(m *gozxing.BitMatrix, y int, starts, lengths []int) ([]int, []int) {
	w := m.GetWidth()
	for x := 0; x < w; {
		start, v := x, m.Get(x, y)
		for x < w && m.Get(x, y) == v {
			x++
		}
		starts, lengths = append(starts, start), append(lengths, x-start)
	}
	return starts, lengths
}

func sum(r [5]int) int { return r[0] + r[1] + r[2] + r[3] + r[4] }

// ratioOK checks 1:1:3:1:1 with ZXing's tolerance (half a module per
// run).
func ratioOK(r [5]int) bool {
	total := sum(r)
	if total < 7 || r[0] == 0 {
		return false
	}
	module := float64(total) / 7
	tol := module / 2
	for i, want := range []float64{1, 1, 3, 1, 1} {
		t := tol
		if i == 2 {
			t = 3 * tol
		}
		if d := float64(r[i]) - want*module; d > t || d < -t {
			return false
		}
	}
	return true
}

// confirmVertical checks the column through (x, y) for 1:1:3:1:1 with a
// centre run of about centre pixels.
func confirmVertical(m *gozxing.BitMatrix, x, y, centre int) bool {
	h := m.GetHeight()
	var r [5]int
	i := y
	for ; i >= 0 && m.Get(x, i); i-- {
		r[2]++
	}
	for _, k := range []int{1, 0} {
		want := k == 0 // run 1 is light, run 0 dark
		for ; i >= 0 && m.Get(x, i) == want && r[k] <= 3*centre; i-- {
			r[k]++
		}
	}
	for i = y + 1; i < h && m.Get(x, i); i++ {
		r[2]++
	}
	for _, k := range []int{3, 4} {
		want := k == 4
		for ; i < h && m.Get(x, i) == want && r[k] <= 3*centre; i++ {
			r[k]++
		}
	}
	return ratioOK(r)
}

// addCenter adds c unless it is the same pattern as one already found
// (within two of its modules); it reports whether c was new.
func addCenter(found *[]finderCenter, c finderCenter) bool {
	for _, f := range *found {
		d := 2 * max(f.module, c.module)
		if abs(f.x-c.x) <= d && abs(f.y-c.y) <= d+3*max(f.module, c.module) {
			return false
		}
	}
	*found = append(*found, c)
	return true
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}
