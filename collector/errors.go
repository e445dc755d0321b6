package collector

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"strings"

	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// describeError turns a failed call into the error code and message stored in
// the snapshot: AWS's own code and message when AWS answered, else a short
// classification of what went wrong on the way. Request ids are left out (they
// would make two snapshots of the same account differ) and so are URL query
// strings (they could carry signatures).
func describeError(err error) (code, message string) {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		code, message = apiErr.ErrorCode(), apiErr.ErrorMessage()
	}
	var respErr *smithyhttp.ResponseError
	if errors.As(err, &respErr) && (code == "" || code == "UnknownError") {
		// HEAD answers have no body: the status is all there is.
		code = strings.ReplaceAll(http.StatusText(respErr.HTTPStatusCode()), " ", "")
		if message == "" {
			message = respErr.Response.Status
		}
	}
	var malformed malformedPolicy
	switch {
	case code != "":
	case errors.As(err, &malformed):
		code, message = "MalformedPolicyDocument", malformed.msg
	case errors.Is(err, context.DeadlineExceeded):
		code, message = "Timeout", "the call did not finish within the per-call timeout"
	case errors.Is(err, context.Canceled):
		code, message = "Canceled", "the collection was cancelled"
	default:
		code, message = "RequestError", innermost(err)
	}
	return code, scrub(message)
}

// innermost is the message of the deepest wrapped error, which says what
// failed without the SDK's "operation error ..." prefixes.
func innermost(err error) string {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err.Error()
		}
		err = next
	}
}

var urlQuery = regexp.MustCompile(`(https?://[^\s"?]+)\?[^\s"]*`)

// scrub removes URL query strings from a message.
func scrub(message string) string {
	return urlQuery.ReplaceAllString(message, "$1")
}

// errorCode returns the AWS error code of err, "" when AWS did not answer.
func errorCode(err error) string {
	code, _ := describeError(err)
	return code
}

// isCode reports whether err is an AWS error with one of codes.
func isCode(err error, codes ...string) bool {
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		return false
	}
	for _, c := range codes {
		if apiErr.ErrorCode() == c {
			return true
		}
	}
	return false
}

// httpStatus returns the HTTP status of a failed call, 0 when there was none.
func httpStatus(err error) int {
	var respErr *smithyhttp.ResponseError
	if errors.As(err, &respErr) {
		return respErr.HTTPStatusCode()
	}
	return 0
}

// responseHeader returns a header of a failed call's response.
func responseHeader(err error, name string) string {
	var respErr *smithyhttp.ResponseError
	if errors.As(err, &respErr) && respErr.Response != nil {
		return respErr.Response.Header.Get(name)
	}
	return ""
}

// DescribeError is the error code and message a snapshot stores for a failed
// call (see describeError): AWS's own when AWS answered, else a short
// classification, without request ids or URL query strings.
func DescribeError(err error) (code, message string) { return describeError(err) }
