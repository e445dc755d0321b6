package collector

import (
	"context"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	smithyendpoints "github.com/aws/smithy-go/endpoints"
)

// clients builds one SDK client per service and region, on first use. Each
// collector file depends only on the narrow interface of the methods it calls.
type clients struct {
	cfg       aws.Config
	pathStyle bool

	mu    sync.Mutex
	cache map[[2]string]any
}

func newClients(cfg aws.Config, pathStyle bool) *clients {
	return &clients{cfg: cfg, pathStyle: pathStyle, cache: map[[2]string]any{}}
}

// get returns the cached client for service in region, building it with build.
func get[T any](c *clients, service, region string, build func(aws.Config) T) T {
	c.mu.Lock()
	defer c.mu.Unlock()
	key := [2]string{service, region}
	if v, ok := c.cache[key]; ok {
		return v.(T)
	}
	cfg := c.cfg.Copy()
	if region != "" {
		cfg.Region = region
	}
	v := build(cfg)
	c.cache[key] = v
	return v
}

func (c *clients) sts() stsAPI {
	return get(c, "sts", "", func(cfg aws.Config) stsAPI { return sts.NewFromConfig(cfg) })
}

func (c *clients) account() accountAPI {
	return get(c, "account", "", func(cfg aws.Config) accountAPI { return account.NewFromConfig(cfg) })
}

func (c *clients) organizations() organizationsAPI {
	return get(c, "organizations", "", func(cfg aws.Config) organizationsAPI { return organizations.NewFromConfig(cfg) })
}

func (c *clients) s3control() s3controlAPI {
	return get(c, "s3control", "", func(cfg aws.Config) s3controlAPI {
		return s3control.NewFromConfig(cfg, func(o *s3control.Options) {
			if c.pathStyle {
				o.EndpointResolverV2 = unprefixedEndpoint{s3control.NewDefaultEndpointResolverV2()}
			}
		})
	})
}

// unprefixedEndpoint resolves S3 Control endpoints without the account-id
// host prefix the SDK puts before a custom endpoint ("111122223333.localhost"),
// which LocalStack and moto serve but a plain hostname does not resolve.
type unprefixedEndpoint struct{ s3control.EndpointResolverV2 }

func (u unprefixedEndpoint) ResolveEndpoint(ctx context.Context, p s3control.EndpointParameters) (smithyendpoints.Endpoint, error) {
	e, err := u.EndpointResolverV2.ResolveEndpoint(ctx, p)
	if err == nil && p.Endpoint != nil && p.AccountId != nil {
		e.URI.Host = strings.TrimPrefix(e.URI.Host, *p.AccountId+".")
	}
	return e, err
}

func (c *clients) cloudtrail(region string) cloudTrailAPI {
	return get(c, "cloudtrail", region, func(cfg aws.Config) cloudTrailAPI { return cloudtrail.NewFromConfig(cfg) })
}

func (c *clients) s3(region string) s3API {
	return get(c, "s3", region, func(cfg aws.Config) s3API {
		return s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = c.pathStyle })
	})
}

func (c *clients) kms(region string) kmsAPI {
	return get(c, "kms", region, func(cfg aws.Config) kmsAPI { return kms.NewFromConfig(cfg) })
}

func (c *clients) logs(region string) logsAPI {
	return get(c, "logs", region, func(cfg aws.Config) logsAPI { return cloudwatchlogs.NewFromConfig(cfg) })
}

func (c *clients) cloudwatch(region string) cloudwatchAPI {
	return get(c, "cloudwatch", region, func(cfg aws.Config) cloudwatchAPI { return cloudwatch.NewFromConfig(cfg) })
}

func (c *clients) sns(region string) snsAPI {
	return get(c, "sns", region, func(cfg aws.Config) snsAPI { return sns.NewFromConfig(cfg) })
}

func (c *clients) iam() iamAPI {
	return get(c, "iam", "", func(cfg aws.Config) iamAPI { return iam.NewFromConfig(cfg) })
}
