package bundles

// PolicyError is a problem in a policy (syntax, type, metadata, sandbox,
// conflict). Msg is one line naming file:line; All holds every problem found.
type PolicyError struct {
	Msg string
	All []string
}

func (e *PolicyError) Error() string { return e.Msg }
