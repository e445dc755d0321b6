package main

import (
	"encoding/json"
	"testing"

	"github.com/trailguard/trailguard/findings"
	"github.com/trailguard/trailguard/internal/orgfixture"
)

// A partner account outside the organization that the log archive's bucket
// policy lets delete the log files can blind the trail, unless the
// organization's data-perimeter RCP denies principals outside it: the scan
// reads the RCPs in effect on each account and lists the organization's
// accounts, so TG-IAM-007 knows the partner is outside and denied.
func TestPerimeterRCPStopsAPartnerOutsideTheOrganization(t *testing.T) {
	const partner = "123456789012"
	partnerRoot := "arn:aws:iam::" + partner + ":root"
	for _, c := range []struct {
		name      string
		rcp       bool
		reported  bool
		wantState findings.Status
	}{
		{"without RCPs", false, true, findings.Fail},
		{"with the perimeter RCP", true, false, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := fakeOrg(t, orgfixture.Spec{PartnerGrant: partner, PerimeterRCP: c.rcp})
			code, stdout, stderr := runCLI(t, "scan", "--org", "--endpoint-url", srv.URL(), "--regions", "us-east-1",
				"--role-name", "AWSControlTowerExecution", "--accounts", orgfixture.LogArchiveID,
				"-f", "json", "--fail-on", "none", "--check", "TG-IAM-007")
			if code != exitOK {
				t.Fatalf("exit %d, stderr %q", code, stderr)
			}
			var rep struct{ Findings []findings.Finding }
			if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
				t.Fatal(err)
			}
			var got *findings.Finding
			n := 0
			for i, f := range rep.Findings {
				if f.Account == orgfixture.LogArchiveID {
					n++
					if f.Resource == partnerRoot {
						got = &rep.Findings[i]
					}
				}
			}
			if n == 0 {
				t.Fatalf("no TG-IAM-007 finding for the log archive account: %s", stdout)
			}
			if (got != nil) != c.reported || (got != nil && got.Status != c.wantState) {
				t.Errorf("the partner's finding: %+v; want reported %v (%s)", got, c.reported, c.wantState)
			}
		})
	}
}
