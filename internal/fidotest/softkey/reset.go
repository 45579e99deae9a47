package softkey

// reset wipes the key (authenticatorReset), but only within ResetWindow of
// power-up and after a touch, as real keys do.
func (a *Authenticator) reset(c *call, _ []byte) ([]byte, error) {
	if a.cfg.Now().Sub(a.poweredAt) > ResetWindow {
		return nil, errNotAllowed
	}
	if err := a.userPresence(c, PresenceRequest{Command: "reset"}); err != nil {
		return nil, err
	}
	a.resetState()
	return nil, nil
}

// selection is authenticatorSelection: the user touches the key they mean.
func (a *Authenticator) selection(c *call, _ []byte) ([]byte, error) {
	return nil, a.userPresence(c, PresenceRequest{Command: "selection"})
}
