package awsfake

import (
	"net/http"
)

// handler answers a request that no route answers, from state the test set
// up through methods of Server (objects.go, publickeys.go). It reports
// whether it answered; if it did, status is the HTTP status it wrote.
type handler func(w http.ResponseWriter, req *request, reqID string) (status int, ok bool)

// addHandler appends h to the handlers consulted, in order, after the routes.
func (s *Server) addHandler(h handler) {
	s.mu.Lock()
	s.handlers = append(s.handlers, h)
	s.mu.Unlock()
}

// handle lets the handlers answer req; it reports whether one did.
func (s *Server) handle(w http.ResponseWriter, req *request, reqID string, status *int) bool {
	s.mu.Lock()
	hs := s.handlers
	s.mu.Unlock()
	for _, h := range hs {
		if st, ok := h(w, req, reqID); ok {
			*status = st
			return true
		}
	}
	return false
}
