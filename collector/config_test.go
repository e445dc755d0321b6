package collector

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/middleware"
)

// isolateEnv hides the machine's AWS configuration from LoadConfig.
func isolateEnv(t *testing.T) {
	t.Helper()
	dir := t.TempDir()
	for _, k := range []string{"AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_CA_BUNDLE"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
}

func TestLoadConfig(t *testing.T) {
	isolateEnv(t)
	cfg, custom, err := LoadConfig(context.Background(), ConfigOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Region != "us-east-1" || custom {
		t.Errorf("region %q custom endpoint %v; want us-east-1 and no custom endpoint", cfg.Region, custom)
	}
	r := cfg.Retryer()
	if w, ok := r.(unreachableNotRetried); !ok {
		t.Errorf("retryer is %T, want the SDK's adaptive mode wrapped", r)
	} else if _, ok := w.RetryerV2.(*retry.AdaptiveMode); !ok {
		t.Errorf("retryer is %T, want the SDK's adaptive mode", r)
	}
	if r.MaxAttempts() != 10 {
		t.Errorf("max attempts %d, want 10", r.MaxAttempts())
	}

	t.Setenv("AWS_ENDPOINT_URL_S3", "http://localhost:4566")
	if _, custom, err := LoadConfig(context.Background(), ConfigOptions{Region: "eu-west-1"}); err != nil || !custom {
		t.Errorf("AWS_ENDPOINT_URL_S3 should make S3 path-style: custom %v err %v", custom, err)
	}
}

// A custom CA bundle (corporate proxies) must work with the collector's own
// HTTP client settings.
func TestLoadConfigWithCABundle(t *testing.T) {
	isolateEnv(t)
	bundle := "/etc/ssl/certs/ca-certificates.crt"
	if _, err := os.Stat(bundle); err != nil {
		t.Skip("no system CA bundle on this machine")
	}
	t.Setenv("AWS_CA_BUNDLE", bundle)
	if _, _, err := LoadConfig(context.Background(), ConfigOptions{EndpointURL: "http://127.0.0.1:9"}); err != nil {
		t.Fatalf("LoadConfig with AWS_CA_BUNDLE: %v", err)
	}
}

// With a custom endpoint, S3 Control calls go to that host, not to
// "<account>.<host>" (which only resolves under LocalStack's wildcard DNS).
func TestS3ControlCustomEndpointHasNoAccountPrefix(t *testing.T) {
	params := s3control.EndpointParameters{
		Region: aws.String("us-east-1"), Endpoint: aws.String("http://localhost:4566"),
		AccountId: aws.String("111122223333"), RequiresAccountId: aws.Bool(true),
	}
	def, err := s3control.NewDefaultEndpointResolverV2().ResolveEndpoint(context.Background(), params)
	if err != nil {
		t.Fatal(err)
	}
	if def.URI.Host != "111122223333.localhost:4566" {
		t.Skipf("the SDK no longer prefixes the account id (%s): the workaround can go", def.URI.Host)
	}
	got, err := unprefixedEndpoint{s3control.NewDefaultEndpointResolverV2()}.ResolveEndpoint(context.Background(), params)
	if err != nil || got.URI.Host != "localhost:4566" {
		t.Errorf("host %q err %v, want localhost:4566", got.URI.Host, err)
	}
	// Against AWS itself the resolver is not replaced, and it would leave the
	// account prefix alone without a custom endpoint.
	params.Endpoint = nil
	real, err := unprefixedEndpoint{s3control.NewDefaultEndpointResolverV2()}.ResolveEndpoint(context.Background(), params)
	if err != nil || real.URI.Host != "111122223333.s3-control.us-east-1.amazonaws.com" {
		t.Errorf("AWS endpoint %q err %v", real.URI.Host, err)
	}
}

func TestLoadConfigRefusesMalformedEndpoint(t *testing.T) {
	isolateEnv(t)
	for url, want := range map[string]string{
		"localhost:4566":      `is not an http:// or https:// URL`,
		"ftp://example.com":   `is not an http:// or https:// URL`,
		"http://":             `names no host`,
		"http://host:99999":   `port 99999 is not a port number`,
		"http://exa mple.com": `is not a URL`,
	} {
		_, _, err := LoadConfig(context.Background(), ConfigOptions{EndpointURL: url})
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "--endpoint-url") {
			t.Errorf("%q: err = %v, want %q", url, err, want)
		}
	}
	if _, _, err := LoadConfig(context.Background(), ConfigOptions{EndpointURL: "http://localhost:4566"}); err != nil {
		t.Errorf("a good endpoint is refused: %v", err)
	}
}

func TestLoadConfigMissingProfile(t *testing.T) {
	isolateEnv(t)
	_, _, err := LoadConfig(context.Background(), ConfigOptions{Profile: "audit"})
	if err == nil || !strings.Contains(err.Error(), `AWS profile "audit" does not exist`) || !strings.Contains(err.Error(), "--profile") {
		t.Errorf("err = %v", err)
	}
}

// A refused connection is reported after one attempt, not after ten with backoff.
func TestRefusedConnectionIsNotRetried(t *testing.T) {
	isolateEnv(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there any more: connections are refused
	cfg, _, err := LoadConfig(context.Background(), ConfigOptions{EndpointURL: "http://" + addr})
	if err != nil {
		t.Fatal(err)
	}
	attempts := 0
	client := sts.NewFromConfig(cfg, func(o *sts.Options) {
		o.APIOptions = append(o.APIOptions, func(st *middleware.Stack) error {
			return st.Finalize.Add(middleware.FinalizeMiddlewareFunc("count", func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
				attempts++
				return next.HandleFinalize(ctx, in)
			}), middleware.After)
		})
	})
	_, err = client.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err == nil || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("err = %v", err)
	}
	if attempts != 1 {
		t.Errorf("%d attempts, want 1", attempts)
	}
}
