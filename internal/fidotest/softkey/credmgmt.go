package softkey

// credentialManagement is not written yet; getInfo does not offer credMgmt.
func (a *Authenticator) credentialManagement(*call, []byte) ([]byte, error) {
	return nil, errInvalidCommand
}
