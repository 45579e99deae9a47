package fido

import (
	"encoding/hex"
	"encoding/json"
	"strings"
	"sync"

	assets "github.com/twofold-app/twofold/assets/fido"
)

var (
	modelsOnce sync.Once
	models     map[AAGUID]string
)

// ModelName looks an AAGUID up in the bundled table of well-known models;
// "" when unknown.
func ModelName(a AAGUID) string {
	modelsOnce.Do(func() { models = parseModels(assets.AAGUIDs) })
	return models[a]
}

func parseModels(b []byte) map[AAGUID]string {
	var raw map[string]string
	if err := json.Unmarshal(b, &raw); err != nil {
		panic("fido: bundled aaguids.json: " + err.Error()) // caught by tests
	}
	out := make(map[AAGUID]string, len(raw))
	for k, name := range raw {
		a, err := ParseAAGUID(k)
		if err != nil {
			panic("fido: bundled aaguids.json: " + err.Error())
		}
		out[a] = name
	}
	return out
}

// ParseAAGUID parses a UUID-formatted or plain hex AAGUID.
func ParseAAGUID(s string) (AAGUID, error) {
	var a AAGUID
	b, err := hex.DecodeString(strings.ReplaceAll(s, "-", ""))
	if err != nil || len(b) != len(a) {
		return a, &aaguidError{s}
	}
	copy(a[:], b)
	return a, nil
}

type aaguidError struct{ s string }

func (e *aaguidError) Error() string { return "invalid AAGUID " + e.s }
