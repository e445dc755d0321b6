package collector

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/trailguard/trailguard/snapshot"
)

type logsAPI interface {
	cloudwatchlogs.DescribeLogGroupsAPIClient
	cloudwatchlogs.DescribeMetricFiltersAPIClient
}

type cloudwatchAPI interface {
	cloudwatch.DescribeAlarmsAPIClient
}

type snsAPI interface {
	sns.ListSubscriptionsByTopicAPIClient
}

// logGroup registers a trail's CloudWatch Logs group and starts reading it,
// and its region's alarms. A group in another account (an organization trail
// seen from a member account) cannot be read from this one: that is recorded
// as an error and nothing is called.
func (r *run) logGroup(ctx context.Context, groupARN string) {
	key := strings.TrimSuffix(groupARN, ":*")
	a, err := arn.Parse(key)
	name := strings.TrimPrefix(a.Resource, "log-group:")
	if err != nil || !strings.HasPrefix(a.Resource, "log-group:") {
		r.once("lg:"+key, func() {
			r.locked(func(s *snapshot.Snapshot) { s.LogGroups[key] = &snapshot.LogGroup{ARN: key, Name: key} })
			r.fail(ctx, "logs", "DescribeLogGroups", "", key, fmt.Errorf("not a log group ARN: %q", groupARN))
		})
		return
	}
	if a.AccountID != r.snap.AccountID {
		r.once("lg:"+key, func() {
			r.locked(func(s *snapshot.Snapshot) {
				s.LogGroups[key] = &snapshot.LogGroup{ARN: key, Name: name, Region: a.Region}
				s.Errors = append(s.Errors, snapshot.CollectionError{
					Service: "logs", Operation: "DescribeLogGroups", Region: a.Region, Resource: key, Code: "OtherAccount",
					Message: fmt.Sprintf("the log group belongs to account %s; collect from that account to read it", a.AccountID),
				})
			})
		})
		return
	}
	r.mu.Lock()
	if !slices.Contains(r.alarmRegions[a.Region], key) {
		r.alarmRegions[a.Region] = append(r.alarmRegions[a.Region], key)
	}
	r.mu.Unlock()
	r.once("alarms:"+a.Region, func() { r.describeAlarms(ctx, a.Region) })
	if !r.first("lg:" + key) {
		return
	}
	lg := &snapshot.LogGroup{ARN: key, Name: name, Region: a.Region}
	r.locked(func(s *snapshot.Snapshot) { s.LogGroups[key] = lg })
	client := r.clients.logs(a.Region)
	r.spawn(func() { r.describeLogGroup(ctx, client, lg) })
	// The alarms of the region wait for the filters only (see matchAlarms).
	r.once("filters:"+key, func() { r.metricFilters(ctx, client, lg) })
}

// describeLogGroup reads whether a log group exists, its retention and key.
func (r *run) describeLogGroup(ctx context.Context, client logsAPI, lg *snapshot.LogGroup) {
	key, name, region := lg.ARN, lg.Name, lg.Region
	p := cloudwatchlogs.NewDescribeLogGroupsPaginator(client, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(name)})
	for p.HasMorePages() {
		out, err := nextPage(r, ctx, p.NextPage)
		if err != nil {
			r.fail(ctx, "logs", "DescribeLogGroups", region, key, err)
			return
		}
		for _, g := range out.LogGroups {
			if aws.ToString(g.LogGroupName) == name {
				r.locked(func(*snapshot.Snapshot) {
					lg.Exists = aws.Bool(true)
					lg.RetentionInDays = snapshot.Retention{Known: true, Days: g.RetentionInDays}
					lg.KMSKeyID = aws.ToString(g.KmsKeyId)
				})
				return
			}
		}
	}
	r.locked(func(*snapshot.Snapshot) { lg.Exists = aws.Bool(false) })
}

// metricFilters reads the metric filters of a log group.
func (r *run) metricFilters(ctx context.Context, client logsAPI, lg *snapshot.LogGroup) {
	key, name, region := lg.ARN, lg.Name, lg.Region
	p := cloudwatchlogs.NewDescribeMetricFiltersPaginator(client, &cloudwatchlogs.DescribeMetricFiltersInput{LogGroupName: aws.String(name)})
	filters := []snapshot.MetricFilter{}
	for p.HasMorePages() {
		out, err := nextPage(r, ctx, p.NextPage)
		if isCode(err, "ResourceNotFoundException") {
			return // the group does not exist: DescribeLogGroups says so
		}
		if err != nil {
			r.fail(ctx, "logs", "DescribeMetricFilters", region, key, err)
			return
		}
		for _, f := range out.MetricFilters {
			mf := snapshot.MetricFilter{Name: aws.ToString(f.FilterName), Pattern: aws.ToString(f.FilterPattern), MetricTransformations: []snapshot.MetricTransformation{}}
			for _, t := range f.MetricTransformations {
				mf.MetricTransformations = append(mf.MetricTransformations, snapshot.MetricTransformation{
					MetricName: aws.ToString(t.MetricName), MetricNamespace: aws.ToString(t.MetricNamespace), MetricValue: aws.ToString(t.MetricValue), DefaultValue: t.DefaultValue,
				})
			}
			filters = append(filters, mf)
		}
	}
	sort.SliceStable(filters, func(i, j int) bool { return filters[i].Name < filters[j].Name })
	r.locked(func(*snapshot.Snapshot) { lg.MetricFilters = filters })
}

// describeAlarms lists the metric alarms of a region that holds a trail log group.
func (r *run) describeAlarms(ctx context.Context, region string) {
	p := cloudwatch.NewDescribeAlarmsPaginator(r.clients.cloudwatch(region), &cloudwatch.DescribeAlarmsInput{
		AlarmTypes: []cwtypes.AlarmType{cwtypes.AlarmTypeMetricAlarm},
		MaxRecords: aws.Int32(100), // the largest page
	})
	var alarms []cwtypes.MetricAlarm
	for p.HasMorePages() {
		out, err := nextPage(r, ctx, p.NextPage)
		if err != nil {
			r.fail(ctx, "cloudwatch", "DescribeAlarms", region, region, err)
			return
		}
		alarms = append(alarms, out.MetricAlarms...)
	}
	r.mu.Lock()
	r.regionAlarms[region] = alarms
	r.mu.Unlock()
}

// matchAlarms keeps, in every region that holds trail log groups, the alarms
// on a metric that one of those groups' filters publishes, and reads the
// subscriptions of the topics they notify. It runs once every trail is known.
func (r *run) matchAlarms(ctx context.Context) {
	r.mu.Lock()
	regions := make(map[string][]string, len(r.alarmRegions))
	for region, groups := range r.alarmRegions {
		regions[region] = slices.Clone(groups)
	}
	r.mu.Unlock()
	for region, groups := range regions {
		r.spawn(func() {
			r.wait("alarms:" + region)
			metrics := map[[2]string]bool{}
			for _, key := range groups {
				r.wait("filters:" + key)
				r.locked(func(s *snapshot.Snapshot) {
					for _, f := range s.LogGroups[key].MetricFilters {
						for _, t := range f.MetricTransformations {
							metrics[[2]string{t.MetricNamespace, t.MetricName}] = true
						}
					}
				})
			}
			r.mu.Lock()
			alarms := r.regionAlarms[region]
			r.mu.Unlock()
			for _, a := range alarms {
				ns, name, ok := alarmMetric(a, metrics)
				if !ok {
					continue
				}
				alarm := &snapshot.Alarm{
					ARN:                aws.ToString(a.AlarmArn),
					Name:               aws.ToString(a.AlarmName),
					Region:             region,
					MetricName:         name,
					Namespace:          ns,
					Statistic:          string(a.Statistic),
					ComparisonOperator: string(a.ComparisonOperator),
					Threshold:          a.Threshold,
					EvaluationPeriods:  a.EvaluationPeriods,
					DatapointsToAlarm:  a.DatapointsToAlarm,
					Period:             a.Period,
					ActionsEnabled:     a.ActionsEnabled,
					AlarmActions:       nonNil(a.AlarmActions),
					State:              string(a.StateValue),
				}
				if alarm.Statistic == "" {
					alarm.Statistic = aws.ToString(a.ExtendedStatistic)
				}
				r.locked(func(s *snapshot.Snapshot) { s.Alarms[alarm.ARN] = alarm })
				for _, action := range alarm.AlarmActions {
					if t, err := arn.Parse(action); err == nil && t.Service == "sns" {
						r.once("sns:"+action, func() { r.topic(ctx, action, t.Region) })
					}
				}
			}
		})
	}
}

// alarmMetric returns the metric of alarm a that is in metrics: its own, or
// one of the metrics of its metric-math expression.
func alarmMetric(a cwtypes.MetricAlarm, metrics map[[2]string]bool) (namespace, name string, ok bool) {
	if ns, n := aws.ToString(a.Namespace), aws.ToString(a.MetricName); metrics[[2]string{ns, n}] {
		return ns, n, true
	}
	for _, q := range a.Metrics {
		if q.MetricStat == nil || q.MetricStat.Metric == nil {
			continue
		}
		m := q.MetricStat.Metric
		if ns, n := aws.ToString(m.Namespace), aws.ToString(m.MetricName); metrics[[2]string{ns, n}] {
			return ns, n, true
		}
	}
	return "", "", false
}

// topic reads the subscriptions of an SNS topic that an alarm notifies.
func (r *run) topic(ctx context.Context, topicARN, region string) {
	topic := &snapshot.SNSTopic{ARN: topicARN, Region: region}
	r.locked(func(s *snapshot.Snapshot) { s.SNSTopics[topicARN] = topic })
	p := sns.NewListSubscriptionsByTopicPaginator(r.clients.sns(region), &sns.ListSubscriptionsByTopicInput{TopicArn: aws.String(topicARN)})
	subs := []snapshot.Subscription{}
	for p.HasMorePages() {
		out, err := nextPage(r, ctx, p.NextPage)
		if err != nil {
			r.fail(ctx, "sns", "ListSubscriptionsByTopic", region, topicARN, err)
			return
		}
		for _, s := range out.Subscriptions {
			subARN := aws.ToString(s.SubscriptionArn)
			subs = append(subs, snapshot.Subscription{
				ARN:       subARN,
				Protocol:  aws.ToString(s.Protocol),
				Endpoint:  endpoint(aws.ToString(s.Endpoint)),
				Confirmed: subARN != "PendingConfirmation" && subARN != "Deleted" && subARN != "",
			})
		}
	}
	slices.SortFunc(subs, func(a, b snapshot.Subscription) int {
		if n := strings.Compare(a.Protocol+"\x00"+a.Endpoint, b.Protocol+"\x00"+b.Endpoint); n != 0 {
			return n
		}
		return strings.Compare(a.ARN, b.ARN)
	})
	r.locked(func(*snapshot.Snapshot) { topic.Subscriptions = subs })
}

// endpoint returns a subscription endpoint without the query string and user
// information of an HTTP(S) URL, which often carry integration keys.
func endpoint(e string) string {
	u, err := url.Parse(e)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return e
	}
	u.RawQuery, u.User, u.Fragment = "", nil, ""
	return u.String()
}
