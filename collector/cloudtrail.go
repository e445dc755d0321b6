package collector

import (
	"context"
	"slices"
	"sort"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"

	"github.com/trailguard/trailguard/snapshot"
)

type cloudTrailAPI interface {
	DescribeTrails(context.Context, *cloudtrail.DescribeTrailsInput, ...func(*cloudtrail.Options)) (*cloudtrail.DescribeTrailsOutput, error)
	GetTrailStatus(context.Context, *cloudtrail.GetTrailStatusInput, ...func(*cloudtrail.Options)) (*cloudtrail.GetTrailStatusOutput, error)
	GetEventSelectors(context.Context, *cloudtrail.GetEventSelectorsInput, ...func(*cloudtrail.Options)) (*cloudtrail.GetEventSelectorsOutput, error)
	GetInsightSelectors(context.Context, *cloudtrail.GetInsightSelectorsInput, ...func(*cloudtrail.Options)) (*cloudtrail.GetInsightSelectorsOutput, error)
	ListTags(context.Context, *cloudtrail.ListTagsInput, ...func(*cloudtrail.Options)) (*cloudtrail.ListTagsOutput, error)
	GetEventDataStore(context.Context, *cloudtrail.GetEventDataStoreInput, ...func(*cloudtrail.Options)) (*cloudtrail.GetEventDataStoreOutput, error)
	cloudtrail.ListEventDataStoresAPIClient
}

// describeTrails lists the trails visible in region, shadow copies included,
// and starts the reads of every trail, bucket, key and log group not seen yet.
// A multi-region or organization trail is read once, in its home region.
func (r *run) describeTrails(ctx context.Context, region string) {
	defer func() {
		r.regionsDone.Add(1)
		r.progress()
	}()
	out, err := do(r, ctx, r.clients.cloudtrail(region).DescribeTrails, &cloudtrail.DescribeTrailsInput{IncludeShadowTrails: aws.Bool(true)})
	if err != nil {
		r.fail(ctx, "cloudtrail", "DescribeTrails", region, region, err)
		return
	}
	for _, t := range out.TrailList {
		trailARN := aws.ToString(t.TrailARN)
		if trailARN == "" {
			continue
		}
		if r.first("trail:" + trailARN) {
			// Synchronously: the trail's log group must be registered before
			// this region counts as listed (see matchAlarms).
			r.trail(ctx, t, region)
		}
	}
}

// trail records a trail and reads its status, selectors and tags, and starts
// the reads of its bucket, key and log group.
func (r *run) trail(ctx context.Context, t cttypes.Trail, seenIn string) {
	trailARN := aws.ToString(t.TrailARN)
	home := aws.ToString(t.HomeRegion)
	if home == "" {
		home = seenIn
	}
	tr := &snapshot.Trail{
		ARN:                        trailARN,
		Name:                       aws.ToString(t.Name),
		HomeRegion:                 home,
		IsMultiRegion:              t.IsMultiRegionTrail,
		IsOrganizationTrail:        t.IsOrganizationTrail,
		LogFileValidationEnabled:   t.LogFileValidationEnabled,
		KMSKeyID:                   aws.ToString(t.KmsKeyId),
		S3BucketName:               aws.ToString(t.S3BucketName),
		S3KeyPrefix:                aws.ToString(t.S3KeyPrefix),
		SNSTopicARN:                aws.ToString(t.SnsTopicARN),
		CloudWatchLogsLogGroupARN:  aws.ToString(t.CloudWatchLogsLogGroupArn),
		CloudWatchLogsRoleARN:      aws.ToString(t.CloudWatchLogsRoleArn),
		IncludeGlobalServiceEvents: t.IncludeGlobalServiceEvents,
		HasCustomEventSelectors:    t.HasCustomEventSelectors,
		HasInsightSelectors:        t.HasInsightSelectors,
	}
	if a, err := arn.Parse(trailARN); err == nil {
		tr.OwnerAccountID = a.AccountID
	}
	// Only a trail's owner may read its tags: ListTags refuses another
	// account's trail (the organization trail seen from a member) with
	// CloudTrailARNInvalidException. Such a trail's tags are not asked for;
	// the snapshot says they are its owner's to read.
	foreign := tr.OwnerAccountID != "" && r.snap.AccountID != "" && tr.OwnerAccountID != r.snap.AccountID
	tr.TagsFromOwner = foreign
	r.locked(func(s *snapshot.Snapshot) { s.Trails[trailARN] = tr })

	if tr.S3BucketName != "" {
		r.once("bucket:"+tr.S3BucketName, func() { r.bucket(ctx, tr.S3BucketName, home) })
	}
	if tr.KMSKeyID != "" {
		r.once("key:"+tr.KMSKeyID, func() { r.kmsKey(ctx, tr.KMSKeyID, home) })
	}
	if tr.CloudWatchLogsLogGroupARN != "" {
		r.logGroup(ctx, tr.CloudWatchLogsLogGroupARN)
	}
	// Tags are read in one call per home region and owner: they wait for the
	// region's listing, so that all its trails go in the same call.
	if !foreign {
		r.once("tags:"+home+":"+tr.OwnerAccountID, func() { r.tags(ctx, home, tr.OwnerAccountID) })
	}

	r.spawn(func() { r.trailStatus(ctx, tr, home) })
	r.spawn(func() { r.trailEventSelectors(ctx, tr, home) })
	r.spawn(func() { r.trailInsightSelectors(ctx, tr, home) })
}

// trailStatus reads whether the trail is logging and its latest deliveries.
func (r *run) trailStatus(ctx context.Context, tr *snapshot.Trail, home string) {
	out, err := do(r, ctx, r.clients.cloudtrail(home).GetTrailStatus, &cloudtrail.GetTrailStatusInput{Name: aws.String(tr.ARN)})
	if err != nil {
		r.fail(ctx, "cloudtrail", "GetTrailStatus", home, tr.ARN, err)
		return
	}
	status := &snapshot.TrailStatus{
		IsLogging:                         out.IsLogging,
		LatestDeliveryError:               aws.ToString(out.LatestDeliveryError),
		LatestDeliveryTime:                timestamp(out.LatestDeliveryTime),
		LatestNotificationError:           aws.ToString(out.LatestNotificationError),
		LatestCloudWatchLogsDeliveryError: aws.ToString(out.LatestCloudWatchLogsDeliveryError),
		LatestCloudWatchLogsDeliveryTime:  timestamp(out.LatestCloudWatchLogsDeliveryTime),
		LatestDigestDeliveryError:         aws.ToString(out.LatestDigestDeliveryError),
		LatestDigestDeliveryTime:          timestamp(out.LatestDigestDeliveryTime),
		StartLoggingTime:                  timestamp(out.StartLoggingTime),
		StopLoggingTime:                   timestamp(out.StopLoggingTime),
	}
	r.locked(func(*snapshot.Snapshot) { tr.Status = status })
}

// trailEventSelectors reads the trail's event selectors: advanced ones when
// it has them, else classic ones.
func (r *run) trailEventSelectors(ctx context.Context, tr *snapshot.Trail, home string) {
	out, err := do(r, ctx, r.clients.cloudtrail(home).GetEventSelectors, &cloudtrail.GetEventSelectorsInput{TrailName: aws.String(tr.ARN)})
	if err != nil {
		r.fail(ctx, "cloudtrail", "GetEventSelectors", home, tr.ARN, err)
		return
	}
	classic, advanced := eventSelectors(out.EventSelectors), advancedSelectors(out.AdvancedEventSelectors)
	r.locked(func(*snapshot.Snapshot) {
		if len(out.AdvancedEventSelectors) > 0 {
			tr.AdvancedEventSelectors = advanced
		} else {
			tr.EventSelectors = classic
		}
	})
}

// trailInsightSelectors reads the trail's Insights selectors (none when
// Insights is not enabled).
func (r *run) trailInsightSelectors(ctx context.Context, tr *snapshot.Trail, home string) {
	out, err := do(r, ctx, r.clients.cloudtrail(home).GetInsightSelectors, &cloudtrail.GetInsightSelectorsInput{TrailName: aws.String(tr.ARN)})
	selectors := []snapshot.InsightSelector{}
	switch {
	case isCode(err, "InsightNotEnabledException"):
	case err != nil:
		r.fail(ctx, "cloudtrail", "GetInsightSelectors", home, tr.ARN, err)
		return
	default:
		for _, s := range out.InsightSelectors {
			var cats []string
			for _, c := range s.EventCategories {
				cats = append(cats, string(c))
			}
			selectors = append(selectors, snapshot.InsightSelector{InsightType: string(s.InsightType), EventCategories: cats})
		}
	}
	r.locked(func(*snapshot.Snapshot) { tr.InsightSelectors = selectors })
}

// tags reads the tags of the trails of one home region and owner, 20 ARNs per
// call (the API's limit). It waits until every region has been listed.
func (r *run) tags(ctx context.Context, home, owner string) {
	for _, region := range r.snap.Regions {
		r.wait("trails:" + region)
	}
	var arns []string
	r.locked(func(s *snapshot.Snapshot) {
		for a, t := range s.Trails {
			if t.HomeRegion == home && t.OwnerAccountID == owner {
				arns = append(arns, a)
			}
		}
	})
	sort.Strings(arns)
	for batch := range slices.Chunk(arns, 20) {
		out, err := do(r, ctx, r.clients.cloudtrail(home).ListTags, &cloudtrail.ListTagsInput{ResourceIdList: batch})
		if err != nil {
			for _, a := range batch {
				r.fail(ctx, "cloudtrail", "ListTags", home, a, err)
			}
			continue
		}
		r.locked(func(s *snapshot.Snapshot) {
			for _, rt := range out.ResourceTagList {
				t := s.Trails[aws.ToString(rt.ResourceId)]
				if t == nil {
					continue
				}
				t.Tags = map[string]string{}
				for _, tag := range rt.TagsList {
					t.Tags[aws.ToString(tag.Key)] = aws.ToString(tag.Value)
				}
			}
		})
	}
}

// eventDataStores lists the CloudTrail Lake event data stores of region and
// reads each one (ListEventDataStores leaves out the key and the selectors).
func (r *run) eventDataStores(ctx context.Context, region string) {
	client := r.clients.cloudtrail(region)
	p := cloudtrail.NewListEventDataStoresPaginator(client, &cloudtrail.ListEventDataStoresInput{})
	for p.HasMorePages() {
		out, err := nextPage(r, ctx, p.NextPage)
		if err != nil {
			r.fail(ctx, "cloudtrail", "ListEventDataStores", region, region, err)
			return
		}
		for _, eds := range out.EventDataStores {
			storeARN := aws.ToString(eds.EventDataStoreArn)
			home := region
			if a, err := arn.Parse(storeARN); err == nil && a.Region != "" {
				home = a.Region
			}
			r.once("eds:"+storeARN, func() { r.eventDataStore(ctx, storeARN, home) })
		}
	}
}

func (r *run) eventDataStore(ctx context.Context, storeARN, region string) {
	out, err := do(r, ctx, r.clients.cloudtrail(region).GetEventDataStore, &cloudtrail.GetEventDataStoreInput{EventDataStore: aws.String(storeARN)})
	if err != nil {
		r.fail(ctx, "cloudtrail", "GetEventDataStore", region, storeARN, err)
		r.locked(func(s *snapshot.Snapshot) {
			s.EventDataStores[storeARN] = &snapshot.EventDataStore{ARN: storeARN, Region: region}
		})
		return
	}
	store := &snapshot.EventDataStore{
		ARN:                          storeARN,
		Name:                         aws.ToString(out.Name),
		Region:                       region,
		Status:                       string(out.Status),
		MultiRegionEnabled:           out.MultiRegionEnabled,
		OrganizationEnabled:          out.OrganizationEnabled,
		TerminationProtectionEnabled: out.TerminationProtectionEnabled,
		RetentionPeriod:              out.RetentionPeriod,
		KMSKeyID:                     aws.ToString(out.KmsKeyId),
		AdvancedEventSelectors:       advancedSelectors(out.AdvancedEventSelectors),
	}
	r.locked(func(s *snapshot.Snapshot) { s.EventDataStores[storeARN] = store })
	if store.KMSKeyID != "" {
		r.once("key:"+store.KMSKeyID, func() { r.kmsKey(ctx, store.KMSKeyID, region) })
	}
}

func eventSelectors(in []cttypes.EventSelector) []snapshot.EventSelector {
	out := make([]snapshot.EventSelector, 0, len(in))
	for _, s := range in {
		sel := snapshot.EventSelector{
			ReadWriteType:                 string(s.ReadWriteType),
			IncludeManagementEvents:       s.IncludeManagementEvents,
			ExcludeManagementEventSources: nonNil(s.ExcludeManagementEventSources),
			DataResources:                 []snapshot.DataResource{},
		}
		for _, d := range s.DataResources {
			sel.DataResources = append(sel.DataResources, snapshot.DataResource{Type: aws.ToString(d.Type), Values: nonNil(d.Values)})
		}
		out = append(out, sel)
	}
	return out
}

func advancedSelectors(in []cttypes.AdvancedEventSelector) []snapshot.AdvancedEventSelector {
	if in == nil {
		return nil
	}
	out := make([]snapshot.AdvancedEventSelector, 0, len(in))
	for _, s := range in {
		sel := snapshot.AdvancedEventSelector{Name: aws.ToString(s.Name), FieldSelectors: []snapshot.FieldSelector{}}
		for _, f := range s.FieldSelectors {
			sel.FieldSelectors = append(sel.FieldSelectors, snapshot.FieldSelector{
				Field:         aws.ToString(f.Field),
				Equals:        f.Equals,
				NotEquals:     f.NotEquals,
				StartsWith:    f.StartsWith,
				NotStartsWith: f.NotStartsWith,
				EndsWith:      f.EndsWith,
				NotEndsWith:   f.NotEndsWith,
			})
		}
		out = append(out, sel)
	}
	return out
}

// timestamp formats an AWS time as RFC 3339 in UTC ("" when absent).
func timestamp(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// nonNil returns s, or an empty slice for nil (so that it encodes as []).
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// regionOf returns the region of an ARN, or fallback when it has none.
func regionOf(s, fallback string) string {
	if a, err := arn.Parse(s); err == nil && a.Region != "" {
		return a.Region
	}
	return fallback
}

// accountOf returns the account of an ARN ("" when s is not an ARN).
func accountOf(s string) string {
	if a, err := arn.Parse(s); err == nil {
		return a.AccountID
	}
	return ""
}
