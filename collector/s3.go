package collector

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/trailguard/trailguard/snapshot"
)

type s3API interface {
	s3.ListBucketsAPIClient
	GetBucketLocation(context.Context, *s3.GetBucketLocationInput, ...func(*s3.Options)) (*s3.GetBucketLocationOutput, error)
	HeadBucket(context.Context, *s3.HeadBucketInput, ...func(*s3.Options)) (*s3.HeadBucketOutput, error)
	GetBucketPolicy(context.Context, *s3.GetBucketPolicyInput, ...func(*s3.Options)) (*s3.GetBucketPolicyOutput, error)
	GetBucketPolicyStatus(context.Context, *s3.GetBucketPolicyStatusInput, ...func(*s3.Options)) (*s3.GetBucketPolicyStatusOutput, error)
	GetBucketAcl(context.Context, *s3.GetBucketAclInput, ...func(*s3.Options)) (*s3.GetBucketAclOutput, error)
	GetPublicAccessBlock(context.Context, *s3.GetPublicAccessBlockInput, ...func(*s3.Options)) (*s3.GetPublicAccessBlockOutput, error)
	GetBucketVersioning(context.Context, *s3.GetBucketVersioningInput, ...func(*s3.Options)) (*s3.GetBucketVersioningOutput, error)
	GetBucketEncryption(context.Context, *s3.GetBucketEncryptionInput, ...func(*s3.Options)) (*s3.GetBucketEncryptionOutput, error)
	GetBucketLogging(context.Context, *s3.GetBucketLoggingInput, ...func(*s3.Options)) (*s3.GetBucketLoggingOutput, error)
	GetObjectLockConfiguration(context.Context, *s3.GetObjectLockConfigurationInput, ...func(*s3.Options)) (*s3.GetObjectLockConfigurationOutput, error)
	GetBucketLifecycleConfiguration(context.Context, *s3.GetBucketLifecycleConfigurationInput, ...func(*s3.Options)) (*s3.GetBucketLifecycleConfigurationOutput, error)
}

// globalRegion is where a partition's bucket-location questions are asked.
func globalRegion(partition, fallback string) string {
	switch partition {
	case "aws":
		return "us-east-1"
	case "aws-cn":
		return "cn-north-1"
	case "aws-us-gov":
		return "us-gov-west-1"
	}
	return fallback
}

// bucket reads a trail bucket: its region first (the SDK does not follow
// S3's redirects, so every other call must go to the right region), then all
// its settings in parallel. A bucket that does not exist is recorded as such,
// not as an error: anyone may create a bucket with that name.
func (r *run) bucket(ctx context.Context, name, trailRegion string) {
	b := &snapshot.Bucket{Name: name, ARN: "arn:" + r.snap.Partition + ":s3:::" + name}
	r.locked(func(s *snapshot.Snapshot) { s.Buckets[name] = b })

	owner := make(chan string, 1)
	r.spawn(func() {
		id := ""
		defer func() { owner <- id }() // also if bucketOwner panics: the reader below must not wait forever
		id = r.bucketOwner(ctx, name)
	})
	region, exists, ok := r.bucketRegion(ctx, name)
	r.spawn(func() {
		if id := <-owner; id != "" && exists {
			r.locked(func(*snapshot.Snapshot) { b.OwnerAccountID = id })
		}
	})
	if !exists {
		r.locked(func(*snapshot.Snapshot) { b.Exists = aws.Bool(false) })
		return
	}
	if !ok {
		// Unknown region: the trail's home region is the best guess; a wrong
		// guess makes every call fail with a redirect, recorded as an error.
		region = trailRegion
	} else {
		r.locked(func(*snapshot.Snapshot) { b.Region = region; b.Exists = aws.Bool(true) })
	}
	client := r.clients.s3(region)
	in := aws.String(name)
	get := func(op string, fn func(ctx context.Context) error, missing map[string]func()) {
		r.spawn(func() {
			err := r.call(ctx, fn)
			if err == nil {
				return
			}
			for code, set := range missing {
				if isCode(err, code) {
					r.locked(func(*snapshot.Snapshot) { set() })
					return
				}
			}
			r.fail(ctx, "s3", op, region, name, err)
		})
	}
	get("GetBucketPolicy", func(ctx context.Context) error {
		out, err := client.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: in})
		if err == nil {
			doc, perr := parsePolicy(aws.ToString(out.Policy))
			if perr != nil {
				return perr
			}
			r.locked(func(*snapshot.Snapshot) { b.Policy = &snapshot.BucketPolicy{Exists: true, Document: doc} })
		}
		return err
	}, map[string]func(){"NoSuchBucketPolicy": func() { b.Policy = &snapshot.BucketPolicy{Exists: false} }})
	get("GetBucketPolicyStatus", func(ctx context.Context) error {
		out, err := client.GetBucketPolicyStatus(ctx, &s3.GetBucketPolicyStatusInput{Bucket: in})
		if err == nil && out.PolicyStatus != nil {
			r.locked(func(*snapshot.Snapshot) {
				b.PolicyStatus = &snapshot.PolicyStatus{IsPublic: aws.ToBool(out.PolicyStatus.IsPublic)}
			})
		}
		return err
	}, map[string]func(){"NoSuchBucketPolicy": func() { b.PolicyStatus = &snapshot.PolicyStatus{IsPublic: false} }})
	get("GetBucketAcl", func(ctx context.Context) error {
		out, err := client.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: in})
		if err == nil {
			acl := &snapshot.ACL{Grants: []snapshot.Grant{}}
			if out.Owner != nil {
				acl.OwnerID = aws.ToString(out.Owner.ID)
			}
			for _, g := range out.Grants {
				grant := snapshot.Grant{Permission: string(g.Permission)}
				if g.Grantee != nil {
					grant.GranteeType = string(g.Grantee.Type)
					grant.GranteeID = aws.ToString(g.Grantee.ID)
					grant.GranteeURI = aws.ToString(g.Grantee.URI)
					grant.GranteeEmail = aws.ToString(g.Grantee.EmailAddress)
				}
				acl.Grants = append(acl.Grants, grant)
			}
			r.locked(func(*snapshot.Snapshot) { b.ACL = acl })
		}
		return err
	}, nil)
	get("GetPublicAccessBlock", func(ctx context.Context) error {
		out, err := client.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: in})
		if err == nil && out.PublicAccessBlockConfiguration != nil {
			c := out.PublicAccessBlockConfiguration
			pab := publicAccessBlock(c.BlockPublicAcls, c.IgnorePublicAcls, c.BlockPublicPolicy, c.RestrictPublicBuckets)
			r.locked(func(*snapshot.Snapshot) { b.PublicAccessBlock = pab })
		}
		return err
	}, map[string]func(){"NoSuchPublicAccessBlockConfiguration": func() { b.PublicAccessBlock = &snapshot.PublicAccessBlock{} }})
	get("GetBucketVersioning", func(ctx context.Context) error {
		out, err := client.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: in})
		if err == nil {
			r.locked(func(*snapshot.Snapshot) {
				b.Versioning = &snapshot.Versioning{Status: string(out.Status), MFADelete: string(out.MFADelete)}
			})
		}
		return err
	}, nil)
	get("GetBucketEncryption", func(ctx context.Context) error {
		out, err := client.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: in})
		if err == nil {
			enc := &snapshot.Encryption{Rules: []snapshot.EncryptionRule{}}
			if out.ServerSideEncryptionConfiguration != nil {
				for _, rule := range out.ServerSideEncryptionConfiguration.Rules {
					er := snapshot.EncryptionRule{BucketKeyEnabled: rule.BucketKeyEnabled}
					if d := rule.ApplyServerSideEncryptionByDefault; d != nil {
						er.SSEAlgorithm = string(d.SSEAlgorithm)
						er.KMSMasterKeyID = aws.ToString(d.KMSMasterKeyID)
					}
					enc.Rules = append(enc.Rules, er)
				}
			}
			r.locked(func(*snapshot.Snapshot) { b.Encryption = enc })
		}
		return err
	}, map[string]func(){"ServerSideEncryptionConfigurationNotFoundError": func() { b.Encryption = &snapshot.Encryption{Rules: []snapshot.EncryptionRule{}} }})
	get("GetBucketLogging", func(ctx context.Context) error {
		out, err := client.GetBucketLogging(ctx, &s3.GetBucketLoggingInput{Bucket: in})
		if err == nil {
			l := &snapshot.BucketLogging{}
			if le := out.LoggingEnabled; le != nil {
				l = &snapshot.BucketLogging{Enabled: true, TargetBucket: aws.ToString(le.TargetBucket), TargetPrefix: aws.ToString(le.TargetPrefix)}
			}
			r.locked(func(*snapshot.Snapshot) { b.Logging = l })
		}
		return err
	}, nil)
	get("GetObjectLockConfiguration", func(ctx context.Context) error {
		out, err := client.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: in})
		if err == nil {
			lock := &snapshot.ObjectLock{}
			if c := out.ObjectLockConfiguration; c != nil {
				lock.Enabled = c.ObjectLockEnabled == s3types.ObjectLockEnabledEnabled
				if c.Rule != nil && c.Rule.DefaultRetention != nil {
					d := c.Rule.DefaultRetention
					lock.Mode, lock.Days, lock.Years = string(d.Mode), d.Days, d.Years
				}
			}
			r.locked(func(*snapshot.Snapshot) { b.ObjectLock = lock })
		}
		return err
	}, map[string]func(){"ObjectLockConfigurationNotFoundError": func() { b.ObjectLock = &snapshot.ObjectLock{Enabled: false} }})
	get("GetBucketLifecycleConfiguration", func(ctx context.Context) error {
		out, err := client.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: in})
		if err == nil {
			lc := &snapshot.Lifecycle{Rules: []snapshot.LifecycleRule{}}
			for _, rule := range out.Rules {
				lc.Rules = append(lc.Rules, lifecycleRule(rule))
			}
			r.locked(func(*snapshot.Snapshot) { b.Lifecycle = lc })
		}
		return err
	}, map[string]func(){"NoSuchLifecycleConfiguration": func() { b.Lifecycle = &snapshot.Lifecycle{Rules: []snapshot.LifecycleRule{}} }})
}

// bucketOwner returns the audited account's id when it owns the bucket:
// ListBuckets lists the caller's own buckets only, so a trail bucket missing
// from the listing of its name belongs to another account (whose id S3 does
// not tell; "" is returned then, and when the listing fails).
func (r *run) bucketOwner(ctx context.Context, name string) string {
	global := globalRegion(r.snap.Partition, r.cfg.Region)
	p := s3.NewListBucketsPaginator(r.clients.s3(global), &s3.ListBucketsInput{Prefix: aws.String(name), MaxBuckets: aws.Int32(1000)})
	for p.HasMorePages() {
		out, err := nextPage(r, ctx, p.NextPage)
		if err != nil {
			r.fail(ctx, "s3", "ListBuckets", global, name, err)
			return ""
		}
		for _, b := range out.Buckets {
			if aws.ToString(b.Name) == name {
				return r.snap.AccountID
			}
		}
	}
	return ""
}

// bucketRegion finds a bucket's region. exists is false only when S3 said the
// bucket does not exist; ok is false when the region could not be learnt
// (the failure is recorded).
func (r *run) bucketRegion(ctx context.Context, name string) (region string, exists, ok bool) {
	global := globalRegion(r.snap.Partition, r.cfg.Region)
	client := r.clients.s3(global)
	out, err := do(r, ctx, client.GetBucketLocation, &s3.GetBucketLocationInput{Bucket: aws.String(name)})
	switch {
	case err == nil:
		switch loc := string(out.LocationConstraint); loc {
		case "":
			return "us-east-1", true, true
		case "EU":
			return "eu-west-1", true, true
		default:
			return loc, true, true
		}
	case isCode(err, "NoSuchBucket"):
		return "", false, false
	}
	locErr := err
	// GetBucketLocation is often denied on another account's bucket; S3 still
	// names the region in the x-amz-bucket-region header of HeadBucket's
	// answer, even when that answer is 403 or 301.
	head, err := do(r, ctx, client.HeadBucket, &s3.HeadBucketInput{Bucket: aws.String(name)})
	if err == nil && aws.ToString(head.BucketRegion) != "" {
		return aws.ToString(head.BucketRegion), true, true
	}
	if err != nil && httpStatus(err) == 404 {
		return "", false, false
	}
	r.fail(ctx, "s3", "GetBucketLocation", global, name, locErr)
	if region := responseHeader(err, "x-amz-bucket-region"); region != "" {
		return region, true, true
	}
	if err != nil {
		r.fail(ctx, "s3", "HeadBucket", global, name, err)
	}
	return "", true, false
}

func lifecycleRule(rule s3types.LifecycleRule) snapshot.LifecycleRule {
	lr := snapshot.LifecycleRule{ID: aws.ToString(rule.ID), Status: string(rule.Status), Prefix: aws.ToString(rule.Prefix)}
	if f := rule.Filter; f != nil {
		if f.Prefix != nil {
			lr.Prefix = aws.ToString(f.Prefix)
		} else if f.And != nil && f.And.Prefix != nil {
			lr.Prefix = aws.ToString(f.And.Prefix)
		}
	}
	if rule.Expiration != nil {
		lr.ExpirationDays = rule.Expiration.Days
	}
	if rule.NoncurrentVersionExpiration != nil {
		lr.NoncurrentVersionExpirationDays = rule.NoncurrentVersionExpiration.NoncurrentDays
	}
	for _, t := range rule.Transitions {
		lr.Transitions = append(lr.Transitions, snapshot.Transition{Days: t.Days, StorageClass: string(t.StorageClass)})
	}
	return lr
}
