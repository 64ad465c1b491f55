package nxostest

import (
	"net/url"
	"slices"
)

// Request is one request the server received, for assertions.
type Request struct {
	Method string
	Path   string     // URL path as received
	DN     string     // DN of /api/mo/… requests, as written by the client
	Class  string     // class of /api/class/… requests
	Query  url.Values // query parameters
	Status int        // HTTP status answered; 0 when the connection was reset
	// Body is the body of POST /api/mo/… requests (login bodies are never kept).
	Body string
}

func (s *Server) record(r Request) {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	s.requests = append(s.requests, r)
}

// Requests returns the requests received so far, oldest first.
func (s *Server) Requests() []Request {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	return slices.Clone(s.requests)
}

// ResetRequests forgets the recorded requests.
func (s *Server) ResetRequests() {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	s.requests = nil
}
