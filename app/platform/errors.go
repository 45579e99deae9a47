package platform

import "errors"

// ErrUnavailable: there is no X server to talk to, or no screenshot
// portal answered. The caller should offer to open an image file instead.
var ErrUnavailable = errors.New("no screen or clipboard access here (no X server and no screenshot portal): open an image file of the QR code instead")

// ErrNoImage: the clipboard holds no image. The wrapping error says what
// it holds instead, e.g. "no image on the clipboard: it holds text".
var ErrNoImage = errors.New("no image on the clipboard")

// ErrCancelled: the person dismissed the desktop's screenshot dialog.
var ErrCancelled = errors.New("the screenshot was cancelled")

// ErrTooLarge: the clipboard or screenshot holds more than MaxTransfer
// bytes or MaxPixels pixels.
var ErrTooLarge = errors.New("the image is too large")

// MaxTransfer caps what is read from the clipboard or a screenshot file.
const MaxTransfer = 64 << 20

// MaxPixels caps a decoded image: four 4K screens (about 130 MB as RGBA).
const MaxPixels = 4 * 3840 * 2160
