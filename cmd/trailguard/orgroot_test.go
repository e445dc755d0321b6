package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/trailguard/trailguard/findings"
	"github.com/trailguard/trailguard/internal/orgfixture"
)

// Only the management account may call iam:ListOrganizationsFeatures; its
// answer says whether the organization manages its members' root
// credentials centrally, and so decides the root MFA check (TG-IAM-005) of
// a member whose root user has no MFA, no password and no access keys.
func TestOrgRootCredentialsManagementReachesMembers(t *testing.T) {
	const member = "444444444444"
	cases := []struct {
		name string
		spec orgfixture.Spec
		want findings.Status
		msg  string
	}{
		{"centrally managed", orgfixture.Spec{}, findings.Pass, "manages member accounts' root credentials centrally"},
		{"not centrally managed", orgfixture.Spec{RootManagementOff: true}, findings.Fail, "does not manage root credentials centrally"},
		{"features not read", orgfixture.Spec{RootFeaturesRefused: true}, findings.Unknown, "iam ListOrganizationsFeatures: AccountNotManagementOrDelegatedAdministratorException"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			spec := c.spec
			spec.Members = []string{member}
			spec.NoRootMFA = []string{orgfixture.MgmtID, member}
			srv := fakeOrg(t, spec)
			code, stdout, stderr := runCLI(t, "scan", "--org", "--endpoint-url", srv.URL(), "--regions", "us-east-1",
				"--role-name", "AWSControlTowerExecution", "-f", "json", "--fail-on", "none", "--check", "TG-IAM-005")
			if code != exitOK {
				t.Fatalf("exit %d, stderr %q", code, stderr)
			}
			var rep struct{ Findings []findings.Finding }
			if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
				t.Fatal(err)
			}
			got := map[string]findings.Finding{}
			for _, f := range rep.Findings {
				got[f.Account] = f
			}
			if f := got[member]; f.Status != c.want || !strings.Contains(f.Message, c.msg) {
				t.Errorf("member: %s %q, want %s with %q", f.Status, f.Message, c.want, c.msg)
			}
			// The management account's root user is never managed centrally.
			if f := got[orgfixture.MgmtID]; f.Status != findings.Fail || !strings.Contains(f.Message, "management account") {
				t.Errorf("management account: %s %q, want FAIL", f.Status, f.Message)
			}
			// Members with MFA pass whatever the organization says.
			if f := got[orgfixture.AuditID]; f.Status != findings.Pass {
				t.Errorf("audit account (root MFA on): %s %q", f.Status, f.Message)
			}
		})
	}
}
