package collector

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/logging"
)

// ConfigOptions choose credentials and endpoints the way every AWS tool does.
type ConfigOptions struct {
	Profile     string // shared config profile ("" = AWS_PROFILE or default)
	Region      string // region for global calls ("" = AWS_REGION, the profile's, or us-east-1)
	RoleARN     string // role to assume with the loaded credentials
	ExternalID  string // external id for RoleARN
	EndpointURL string // endpoint for every service (AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> work too)
	MaxAttempts int    // attempts per call, retries of throttling included (default 10)
	Concurrency int    // calls in flight (Options.Concurrency): idle connections kept per host
}

// LoadConfig loads the SDK's configuration: the default credential chain
// (environment, shared config and credentials files, SSO, web identity,
// container and instance roles), adaptive retry for throttling, and the role
// to assume. It also reports whether a custom endpoint is in use, in which
// case S3 must use path-style addressing.
func LoadConfig(ctx context.Context, o ConfigOptions) (cfg aws.Config, customEndpoint bool, err error) {
	attempts := o.MaxAttempts
	if attempts <= 0 {
		attempts = 10
	}
	idle := o.Concurrency
	if idle <= 0 {
		idle = 64
	}
	opts := []func(*config.LoadOptions) error{
		// The SDK's own log lines (e.g. "falling back to IMDSv1" while it
		// looks for credentials) would break the one-line error contract.
		config.WithLogger(logging.Nop{}),
		// Keep as many idle connections per endpoint as calls may be in
		// flight (the SDK keeps 10), so that a burst of calls to one service
		// and region does not open and close a TLS connection per call.
		config.WithHTTPClient(awshttp.NewBuildableClient().WithTransportOptions(func(t *http.Transport) {
			t.MaxIdleConnsPerHost = idle
		})),
		config.WithRetryer(func() aws.Retryer {
			return unreachableNotRetried{retry.NewAdaptiveMode(func(a *retry.AdaptiveModeOptions) {
				a.StandardOptions = append(a.StandardOptions, func(s *retry.StandardOptions) { s.MaxAttempts = attempts })
			})}
		}),
	}
	if err := checkEndpointURL("--endpoint-url", o.EndpointURL); err != nil {
		return cfg, false, err
	}
	if err := checkEndpointURL("AWS_ENDPOINT_URL", os.Getenv("AWS_ENDPOINT_URL")); err != nil {
		return cfg, false, err
	}
	if o.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(o.Profile))
	}
	if o.Region != "" {
		opts = append(opts, config.WithRegion(o.Region))
	}
	if o.EndpointURL != "" {
		opts = append(opts, config.WithBaseEndpoint(o.EndpointURL))
	}
	cfg, err = config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		var missing config.SharedConfigProfileNotExistError
		if errors.As(err, &missing) {
			files := strings.Join(missing.Filename, ", ")
			if files == "" {
				files = config.DefaultSharedConfigFilename() + ", " + config.DefaultSharedCredentialsFilename()
			}
			return cfg, false, fmt.Errorf("AWS profile %q does not exist in the shared config or credentials files (%s): check --profile or AWS_PROFILE, or run aws configure --profile %s", missing.Profile, files, missing.Profile)
		}
		return cfg, false, fmt.Errorf("loading the AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if o.RoleARN != "" {
		provider := stscreds.NewAssumeRoleProvider(sts.NewFromConfig(cfg), o.RoleARN, func(a *stscreds.AssumeRoleOptions) {
			a.RoleSessionName = "trailguard-" + time.Now().UTC().Format("20060102T150405Z")
			if o.ExternalID != "" {
				a.ExternalID = aws.String(o.ExternalID)
			}
		})
		cfg.Credentials = aws.NewCredentialsCache(provider)
	}
	customEndpoint = cfg.BaseEndpoint != nil || os.Getenv("AWS_ENDPOINT_URL_S3") != "" || os.Getenv("AWS_ENDPOINT_URL") != ""
	return cfg, customEndpoint, nil
}

// checkEndpointURL refuses an endpoint that is not an absolute http(s) URL
// with a host, before any call is made.
func checkEndpointURL(what, raw string) error {
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return fmt.Errorf("%s %q is not a URL: %v", what, raw, errors.Unwrap(err))
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("%s %q is not an http:// or https:// URL (e.g. http://localhost:4566)", what, raw)
	case u.Host == "" || u.Hostname() == "":
		return fmt.Errorf("%s %q names no host (e.g. http://localhost:4566)", what, raw)
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("%s %q: port %s is not a port number", what, raw, p)
		}
	}
	return nil
}

// unreachableNotRetried is the SDK's retryer, except that a connection that
// is refused and a host name that does not resolve are not retried: they do
// not heal in the seconds the retries wait, and ten attempts with backoff
// would make a wrong --endpoint-url take 20 s to report. Timeouts, resets,
// throttling and 5xx are retried as before.
type unreachableNotRetried struct{ aws.RetryerV2 }

func (r unreachableNotRetried) IsErrorRetryable(err error) bool {
	var dns *net.DNSError
	if errors.As(err, &dns) && dns.IsNotFound {
		return false
	}
	if errors.Is(err, syscall.ECONNREFUSED) {
		return false
	}
	return r.RetryerV2.IsErrorRetryable(err)
}
