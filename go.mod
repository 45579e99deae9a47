module github.com/twofold-app/twofold

go 1.26.0

require (
	github.com/awnumar/memguard v0.23.0
	github.com/fxamacker/cbor/v2 v2.9.6
	github.com/keys-pub/go-libfido2 v1.5.3
	github.com/pquerna/otp v1.5.0
	github.com/rogpeppe/go-internal v1.16.0
	github.com/tobischo/argon2 v0.1.0
	github.com/tobischo/gokeepasslib/v3 v3.7.0
	golang.org/x/crypto v0.54.0
	golang.org/x/sys v0.49.0
	golang.org/x/term v0.47.0
	gopkg.in/macaroon.v2 v2.1.0
)

require (
	github.com/awnumar/memcall v0.4.0 // indirect
	github.com/boombuler/barcode v1.0.1-0.20190219062509-6c824513bacc // indirect
	github.com/pkg/errors v0.9.1 // indirect
	github.com/x448/float16 v0.8.4 // indirect
	golang.org/x/tools v0.26.0 // indirect
)
