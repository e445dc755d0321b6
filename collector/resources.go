package collector

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/trailguard/trailguard/snapshot"
)

// Resources names resources of one account to read on their own, with that
// account's credentials: the trail buckets, KMS keys and log groups that
// other accounts of an organization use (see package orgscan).
type Resources struct {
	Buckets   []string // bucket names
	KMSKeys   []string // key ARNs
	LogGroups []string // log group ARNs
}

// CollectResources reads exactly the named resources, with the same calls
// as Collect makes for a trail's bucket, key and log group (a log group's
// metric filters, the alarms of its region on their metrics, and those
// alarms' topics included). The snapshot holds those resources and the
// errors about them; it has no trails, regions, IAM or account settings.
// Errors and interruption are as for Collect.
func CollectResources(ctx context.Context, cfg aws.Config, opts Options, res Resources) (*snapshot.Snapshot, error) {
	r := newRun(cfg, opts)
	if err := r.identify(ctx); err != nil {
		return nil, err
	}
	r.snap.Regions = []string{}
	for _, name := range res.Buckets {
		r.once("bucket:"+name, func() { r.bucket(ctx, name, cfg.Region) })
	}
	for _, id := range res.KMSKeys {
		r.once("key:"+id, func() { r.kmsKey(ctx, id, cfg.Region) })
	}
	for _, lg := range res.LogGroups {
		r.logGroup(ctx, lg) // registers the group synchronously
	}
	if len(res.LogGroups) > 0 {
		r.spawn(func() { r.matchAlarms(ctx) })
	}
	r.wg.Wait()
	return r.result(ctx)
}
