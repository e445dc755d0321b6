package collector

import (
	"context"
	"fmt"
	"net/http"
	"os"
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
			return retry.NewAdaptiveMode(func(a *retry.AdaptiveModeOptions) {
				a.StandardOptions = append(a.StandardOptions, func(s *retry.StandardOptions) { s.MaxAttempts = attempts })
			})
		}),
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
