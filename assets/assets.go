// Package assets holds Twofold's artwork: the application icon and the
// service tiles shown next to accounts (see services/generate.mjs for
// where they come from).
package assets

import (
	"embed"
	"encoding/json"
	"strings"
)

// IconSVG is the application icon, scalable.
//
//go:embed icon.svg
var IconSVG []byte

// IconPNG is the application icon, 512×512.
//
//go:embed icon.png
var IconPNG []byte

//go:embed services/*.svg services/services.json
var services embed.FS

// Service returns the tile for a service slug ("github", "pypi"…) and
// whether there is one.
func Service(slug string) ([]byte, bool) {
	if slug == "" || strings.ContainsAny(slug, "/.") {
		return nil, false
	}
	b, err := services.ReadFile("services/" + slug + ".svg")
	return b, err == nil
}

// Services maps each bundled slug to the brand's name ("github": "GitHub").
func Services() map[string]string {
	b, err := services.ReadFile("services/services.json")
	if err != nil {
		panic(err) // embedded at build time
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		panic(err)
	}
	return m
}
