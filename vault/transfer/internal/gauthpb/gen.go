// Package gauthpb is the generated code for Google Authenticator's
// migration payload (migration.proto).
//
// Regenerate with protoc (Debian: protobuf-compiler) and protoc-gen-go at
// the google.golang.org/protobuf version go.mod requires:
//
//	GOBIN=/tmp/bin go install google.golang.org/protobuf/cmd/protoc-gen-go@v1.36.12
//	PATH=/tmp/bin:$PATH go generate ./vault/transfer/internal/gauthpb
package gauthpb

//go:generate protoc --go_out=. --go_opt=paths=source_relative migration.proto
