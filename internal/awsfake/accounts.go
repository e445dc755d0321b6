package awsfake

// One server, many accounts.
//
// The caller's account is read from the access key id of the SigV4
// credentials. Credentials(id) returns long-term keys of account id
// ("AKIAFAKE" + the 12-digit id); STS AssumeRole (see organizations.go)
// hands out temporary ones ("ASIAFAKE" + the target account's id, with a
// session token). Any other access key (AKIDEXAMPLE, AKIAIOSFODNN7EXAMPLE)
// names no account: the request's account is "", and only routes without
// an account answer it, exactly as before accounts existed.
//
// A route with "account" answers only that account's requests; a route
// without one answers every account. Among the routes that match, the one
// added first answers.

import (
	"net/http"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

const (
	longTermPrefix  = "AKIAFAKE"
	temporaryPrefix = "ASIAFAKE"
)

// Credentials returns long-term credentials of account id (12 digits): every
// request signed with them is a request of that account.
func Credentials(id string) aws.Credentials {
	return aws.Credentials{
		AccessKeyID:     longTermPrefix + id,
		SecretAccessKey: "awsfake-secret-" + id,
		Source:          "awsfake",
	}
}

// CredentialsProvider returns a provider of Credentials(id).
func CredentialsProvider(id string) aws.CredentialsProvider {
	c := Credentials(id)
	return credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey, "")
}

// accountOfKey returns the account an access key id belongs to, "" if none.
func accountOfKey(key string) string {
	for _, p := range []string{longTermPrefix, temporaryPrefix} {
		if id, ok := strings.CutPrefix(key, p); ok && isAccountID(id) {
			return id
		}
	}
	return ""
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// callerAccount returns the account of a request's credentials and its
// session token.
func callerAccount(hr *http.Request) (account, sessionToken string) {
	auth := hr.Header.Get("Authorization")
	i := strings.Index(auth, "Credential=")
	if i < 0 {
		return "", ""
	}
	key, _, _ := strings.Cut(auth[i+len("Credential="):], "/")
	return accountOfKey(key), hr.Header.Get("X-Amz-Security-Token")
}

// answer is a built-in handler's response: a wire-format body or an error.
type answer struct {
	body []byte
	err  *ErrorSpec
}

func errorAnswer(status int, code, message string) *answer {
	return &answer{err: &ErrorSpec{Status: status, Code: code, Message: message}}
}

// answerBuiltin answers a request no route answers, from the server's
// built-in models (STS and Organizations, once SetOrganization was called).
// It returns nil when it has no answer. s.mu is held.
func (s *Server) answerBuiltin(req *request) *answer {
	if s.org == nil {
		return nil
	}
	switch req.service {
	case "sts":
		return s.org.sts(req)
	case "organizations":
		return s.org.organizations(req)
	}
	return nil
}
