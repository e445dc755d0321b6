package report

import (
	"fmt"
	"io"
	"testing"

	"github.com/trailguard/trailguard/compliance"
	"github.com/trailguard/trailguard/findings"
)

// syntheticReport builds a large report without OPA: six findings for each
// of trails trails (the trail, its bucket, its KMS key), over checks with
// framework mappings, with every status, and a compliance view.
func syntheticReport(trails int) Report {
	const account = "111122223333"
	rem := findings.Remediation{Console: "CloudTrail console > Trails > Edit", CLI: "aws cloudtrail update-trail --name <trail-arn> --enable-log-file-validation"}
	type spec struct {
		id, title, kind string
		sev             findings.Severity
		fw              map[string][]string
	}
	specs := []spec{
		{"TG-CT-005", "Log file validation is enabled", "trail", findings.Medium, map[string][]string{"cis-aws-v3.0.0": {"3.2"}, "securityhub": {"CloudTrail.4"}}},
		{"TG-CT-007", "Trail logs are encrypted with KMS", "trail", findings.High, map[string][]string{"cis-aws-v3.0.0": {"3.5"}, "securityhub": {"CloudTrail.2"}}},
		{"TG-CT-009", "Trail is integrated with CloudWatch Logs", "trail", findings.Low, map[string][]string{"cis-aws-v3.0.0": {"3.8"}}},
		{"TG-S3-001", "The trail's S3 bucket is not publicly accessible", "bucket", findings.Critical, map[string][]string{"cis-aws-v3.0.0": {"2.1.4"}}},
		{"TG-S3-004", "The trail's S3 bucket has access logging", "bucket", findings.Medium, map[string][]string{"cis-aws-v3.0.0": {"3.4"}, "securityhub": {"CloudTrail.7"}}},
		{"TG-KMS-002", "Automatic rotation is enabled", "key", findings.Low, map[string][]string{"cis-aws-v3.0.0": {"3.6"}, "securityhub": {"KMS.4"}}},
	}
	r := Report{Account: account, Snapshot: "bench.json", CollectedAt: "2026-01-02T03:04:05Z"}
	for _, s := range specs {
		r.Checks = append(r.Checks, findings.Check{ID: s.id, Title: s.title, Description: s.title + ".", Severity: s.sev,
			Remediation: rem, Frameworks: s.fw, Package: "trailguard.checks.x", File: "x.rego"})
	}
	statuses := []findings.Status{findings.Pass, findings.Fail, findings.Pass, findings.Unknown, findings.Fail, findings.Pass, findings.Waived}
	for i := range trails {
		region := []string{"us-east-1", "eu-west-1", "ap-south-1"}[i%3]
		res := map[string]string{
			"trail":  fmt.Sprintf("arn:aws:cloudtrail:%s:%s:trail/trail-%05d", region, account, i),
			"bucket": fmt.Sprintf("arn:aws:s3:::trail-logs-%05d", i),
			"key":    fmt.Sprintf("arn:aws:kms:%s:%s:key/%08x-0000-4000-8000-%012d", region, account, i, i),
		}
		for j, s := range specs {
			st := statuses[(i+j)%len(statuses)]
			f := findings.Finding{CheckID: s.id, Title: s.title, Status: st, Severity: s.sev, Resource: res[s.kind], Region: region,
				Account: account, Message: fmt.Sprintf("%s: %s on resource %d", st, s.title, i), Remediation: rem, Frameworks: s.fw}
			if st == findings.Waived {
				f.WaiverReason, f.WaiverExpires = "accepted risk", "2027-01-01"
			}
			r.Findings = append(r.Findings, f)
		}
	}
	fw, _ := compliance.Find(compliance.Catalog(r.Checks), "cis-aws-v3.0.0")
	res := compliance.Evaluate(fw, r.Findings)
	r.Compliance = &res
	return r
}

// BenchmarkWriters renders every format for 1,000 and 10,000 trails (6,000 and
// 60,000 findings): the ratio between the two shows whether a writer is linear.
//
//	go test ./report -run '^$' -bench BenchmarkWriters -benchtime 1x
func BenchmarkWriters(b *testing.B) {
	for _, trails := range []int{1000, 10000} {
		r := syntheticReport(trails)
		for _, format := range Formats() {
			w, err := New(format, Options{})
			if err != nil {
				b.Fatal(err)
			}
			b.Run(fmt.Sprintf("%s/trails=%d", format, trails), func(b *testing.B) {
				var cw countWriter
				for b.Loop() {
					if err := w.Write(&cw, r); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(len(r.Findings)), "findings")
				b.ReportMetric(float64(cw.n)/float64(b.N)/1e6, "MB/op")
			})
		}
	}
}

// countWriter discards what it is given and counts the bytes.
type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

var _ io.Writer = (*countWriter)(nil)
