package softkey

// bioSamples is how many good samples an enrolment takes.
const bioSamples = 4

type bioState struct {
	templates []bioTemplate
	uvRetries int
}

type bioTemplate struct {
	id   []byte
	name string
}

func (a *Authenticator) bioEnrollment(*call, []byte) ([]byte, error) {
	return nil, errInvalidCommand
}

func (a *Authenticator) uvRetries() ([]byte, error) {
	if !a.cfg.Bio {
		return nil, errInvalidSubcommand
	}
	n := a.bio.uvRetries
	return marshal(clientPINResponse{UVRetries: &n}), nil
}

func (a *Authenticator) uvToken(*call, pinProtocol, *clientPINRequest) ([]byte, error) {
	return nil, errInvalidSubcommand
}
