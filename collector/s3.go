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
	region, exists := r.locateBucket(ctx, b, trailRegion)
	if exists {
		r.bucketSettings(ctx, b, region)
	}
}

// locateBucket records whether the bucket exists, its region and (in the
// background) its owner, and returns the region to send its calls to.
func (r *run) locateBucket(ctx context.Context, b *snapshot.Bucket, trailRegion string) (region string, exists bool) {
	owner := make(chan string, 1)
	r.spawn(func() {
		id := ""
		defer func() { owner <- id }() // also if bucketOwner panics: the reader below must not wait forever
		id = r.bucketOwner(ctx, b.Name)
	})
	region, exists, ok := r.bucketRegion(ctx, b.Name)
	found := exists // not the named result, which the return statements write
	r.spawn(func() {
		if id := <-owner; id != "" && found {
			r.locked(func(*snapshot.Snapshot) { b.OwnerAccountID = id })
		}
	})
	if !exists {
		r.locked(func(*snapshot.Snapshot) { b.Exists = aws.Bool(false) })
		return "", false
	}
	if !ok {
		// Unknown region: the trail's home region is the best guess; a wrong
		// guess makes every call fail with a redirect, recorded as an error.
		return trailRegion, true
	}
	r.locked(func(*snapshot.Snapshot) { b.Region = region; b.Exists = aws.Bool(true) })
	return region, true
}

// bucketSettings reads the bucket's settings in parallel, each call in its
// own goroutine: who may reach the bucket, then how its objects are kept.
func (r *run) bucketSettings(ctx context.Context, b *snapshot.Bucket, region string) {
	br := bucketReads{r: r, ctx: ctx, b: b, region: region, client: r.clients.s3(region), in: aws.String(b.Name)}
	br.access()
	br.protection()
}

// bucketReads are the calls that read one bucket's settings.
type bucketReads struct {
	r      *run
	ctx    context.Context
	b      *snapshot.Bucket
	region string
	client s3API
	in     *string // the bucket name, as the SDK takes it
}

// get runs fn in its own goroutine. A setting that is not configured (S3
// answers with one of the error codes of missing, such as
// NoSuchBucketPolicy) is recorded as absent by that code's function; any
// other error is recorded as a failed call, leaving the setting unknown.
func (br bucketReads) get(op string, fn func(ctx context.Context) error, missing map[string]func()) {
	br.r.spawn(func() {
		err := br.r.call(br.ctx, fn)
		if err == nil {
			return
		}
		for code, set := range missing {
			if isCode(err, code) {
				br.r.locked(func(*snapshot.Snapshot) { set() })
				return
			}
		}
		br.r.fail(br.ctx, "s3", op, br.region, br.b.Name, err)
	})
}

// set records a setting read from a successful call.
func (br bucketReads) set(fn func()) { br.r.locked(func(*snapshot.Snapshot) { fn() }) }

// access reads who may reach the bucket: its policy, whether that makes it
// public, its ACL and its public access block.
func (br bucketReads) access() {
	get, set, client, in, b := br.get, br.set, br.client, br.in, br.b
	get("GetBucketPolicy", func(ctx context.Context) error {
		out, err := client.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: in})
		if err == nil {
			doc, perr := parsePolicy(aws.ToString(out.Policy))
			if perr != nil {
				return perr
			}
			set(func() { b.Policy = &snapshot.BucketPolicy{Exists: true, Document: doc} })
		}
		return err
	}, map[string]func(){"NoSuchBucketPolicy": func() { b.Policy = &snapshot.BucketPolicy{Exists: false} }})
	get("GetBucketPolicyStatus", func(ctx context.Context) error {
		out, err := client.GetBucketPolicyStatus(ctx, &s3.GetBucketPolicyStatusInput{Bucket: in})
		if err == nil && out.PolicyStatus != nil {
			set(func() { b.PolicyStatus = &snapshot.PolicyStatus{IsPublic: aws.ToBool(out.PolicyStatus.IsPublic)} })
		}
		return err
	}, map[string]func(){"NoSuchBucketPolicy": func() { b.PolicyStatus = &snapshot.PolicyStatus{IsPublic: false} }})
	get("GetBucketAcl", func(ctx context.Context) error {
		out, err := client.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: in})
		if err == nil {
			acl := bucketACL(out)
			set(func() { b.ACL = acl })
		}
		return err
	}, nil)
	get("GetPublicAccessBlock", func(ctx context.Context) error {
		out, err := client.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: in})
		if err == nil && out.PublicAccessBlockConfiguration != nil {
			c := out.PublicAccessBlockConfiguration
			pab := publicAccessBlock(c.BlockPublicAcls, c.IgnorePublicAcls, c.BlockPublicPolicy, c.RestrictPublicBuckets)
			set(func() { b.PublicAccessBlock = pab })
		}
		return err
	}, map[string]func(){"NoSuchPublicAccessBlockConfiguration": func() { b.PublicAccessBlock = &snapshot.PublicAccessBlock{} }})
}

// protection reads how the bucket keeps its objects: versioning, default
// encryption, server access logging, Object Lock and lifecycle rules.
func (br bucketReads) protection() {
	get, set, client, in, b := br.get, br.set, br.client, br.in, br.b
	get("GetBucketVersioning", func(ctx context.Context) error {
		out, err := client.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: in})
		if err == nil {
			set(func() {
				b.Versioning = &snapshot.Versioning{Status: string(out.Status), MFADelete: string(out.MFADelete)}
			})
		}
		return err
	}, nil)
	get("GetBucketEncryption", func(ctx context.Context) error {
		out, err := client.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: in})
		if err == nil {
			enc := bucketEncryption(out)
			set(func() { b.Encryption = enc })
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
			set(func() { b.Logging = l })
		}
		return err
	}, nil)
	get("GetObjectLockConfiguration", func(ctx context.Context) error {
		out, err := client.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: in})
		if err == nil {
			lock := bucketObjectLock(out)
			set(func() { b.ObjectLock = lock })
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
			set(func() { b.Lifecycle = lc })
		}
		return err
	}, map[string]func(){"NoSuchLifecycleConfiguration": func() { b.Lifecycle = &snapshot.Lifecycle{Rules: []snapshot.LifecycleRule{}} }})
}

// bucketACL is the bucket's ACL as the snapshot records it.
func bucketACL(out *s3.GetBucketAclOutput) *snapshot.ACL {
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
	return acl
}

// bucketEncryption is the bucket's default encryption as the snapshot records it.
func bucketEncryption(out *s3.GetBucketEncryptionOutput) *snapshot.Encryption {
	enc := &snapshot.Encryption{Rules: []snapshot.EncryptionRule{}}
	if out.ServerSideEncryptionConfiguration == nil {
		return enc
	}
	for _, rule := range out.ServerSideEncryptionConfiguration.Rules {
		er := snapshot.EncryptionRule{BucketKeyEnabled: rule.BucketKeyEnabled}
		if d := rule.ApplyServerSideEncryptionByDefault; d != nil {
			er.SSEAlgorithm = string(d.SSEAlgorithm)
			er.KMSMasterKeyID = aws.ToString(d.KMSMasterKeyID)
		}
		enc.Rules = append(enc.Rules, er)
	}
	return enc
}

// bucketObjectLock is the bucket's Object Lock configuration as the snapshot records it.
func bucketObjectLock(out *s3.GetObjectLockConfigurationOutput) *snapshot.ObjectLock {
	lock := &snapshot.ObjectLock{}
	if c := out.ObjectLockConfiguration; c != nil {
		lock.Enabled = c.ObjectLockEnabled == s3types.ObjectLockEnabledEnabled
		if c.Rule != nil && c.Rule.DefaultRetention != nil {
			d := c.Rule.DefaultRetention
			lock.Mode, lock.Days, lock.Years = string(d.Mode), d.Days, d.Years
		}
	}
	return lock
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
