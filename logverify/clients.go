package logverify

import (
	"context"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// CloudTrailAPI is the part of the CloudTrail client verification calls.
type CloudTrailAPI interface {
	GetTrail(context.Context, *cloudtrail.GetTrailInput, ...func(*cloudtrail.Options)) (*cloudtrail.GetTrailOutput, error)
	GetTrailStatus(context.Context, *cloudtrail.GetTrailStatusInput, ...func(*cloudtrail.Options)) (*cloudtrail.GetTrailStatusOutput, error)
	DescribeTrails(context.Context, *cloudtrail.DescribeTrailsInput, ...func(*cloudtrail.Options)) (*cloudtrail.DescribeTrailsOutput, error)
	ListPublicKeys(context.Context, *cloudtrail.ListPublicKeysInput, ...func(*cloudtrail.Options)) (*cloudtrail.ListPublicKeysOutput, error)
}

// S3API is the part of the S3 client verification calls.
type S3API interface {
	s3.ListObjectsV2APIClient
	GetObject(context.Context, *s3.GetObjectInput, ...func(*s3.Options)) (*s3.GetObjectOutput, error)
	GetBucketLocation(context.Context, *s3.GetBucketLocationInput, ...func(*s3.Options)) (*s3.GetBucketLocationOutput, error)
}

// OrganizationsAPI finds the organization id of an organization trail.
type OrganizationsAPI interface {
	DescribeOrganization(context.Context, *organizations.DescribeOrganizationInput, ...func(*organizations.Options)) (*organizations.DescribeOrganizationOutput, error)
}

// Clients makes the SDK clients, one per service and region.
type Clients struct {
	CloudTrail    func(region string) CloudTrailAPI
	S3            func(region string) S3API
	Organizations func() OrganizationsAPI
}

// NewClients builds clients from an SDK configuration (its credentials,
// retryer and endpoint). pathStyle addresses S3 by path, for custom endpoints.
func NewClients(cfg aws.Config, pathStyle bool) Clients {
	var mu sync.Mutex
	cts := map[string]CloudTrailAPI{}
	s3s := map[string]S3API{}
	var org OrganizationsAPI
	return Clients{
		CloudTrail: func(region string) CloudTrailAPI {
			mu.Lock()
			defer mu.Unlock()
			if c, ok := cts[region]; ok {
				return c
			}
			c := cloudtrail.NewFromConfig(cfg, func(o *cloudtrail.Options) { o.Region = region })
			cts[region] = c
			return c
		},
		S3: func(region string) S3API {
			mu.Lock()
			defer mu.Unlock()
			if c, ok := s3s[region]; ok {
				return c
			}
			c := s3.NewFromConfig(cfg, func(o *s3.Options) {
				o.Region, o.UsePathStyle = region, pathStyle
				// CloudTrail objects carry no S3 checksum; the SDK would log that for every object.
				o.DisableLogOutputChecksumValidationSkipped = true
				o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
			})
			s3s[region] = c
			return c
		},
		Organizations: func() OrganizationsAPI {
			mu.Lock()
			defer mu.Unlock()
			if org == nil {
				org = organizations.NewFromConfig(cfg)
			}
			return org
		},
	}
}
