package collector

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/trailguard/trailguard/internal/awsfake"
	"github.com/trailguard/trailguard/snapshot"
)

func init() {
	// The fake server answers at once: poll a report in progress without waiting.
	credentialReportWait = time.Millisecond
}

func TestRootPasswordEnabled(t *testing.T) {
	const header = "user,arn,user_creation_time,password_enabled,password_last_used,mfa_active\n"
	for _, tc := range []struct {
		name, report string
		want         *bool
		err          bool
	}{
		{"no password (centrally managed root access)", header + "<root_account>,arn:aws:iam::1:root,2021-01-01T00:00:00+00:00,false,no_information,false\n", aws.Bool(false), false},
		{"password", header + "alice,arn:aws:iam::1:user/alice,x,true,x,true\n<root_account>,arn:aws:iam::1:root,x,true,x,false\n", aws.Bool(true), false},
		{"not supported", header + "<root_account>,arn:aws:iam::1:root,x,not_supported,x,true\n", nil, false},
		{"no root row", header + "alice,arn:aws:iam::1:user/alice,x,true,x,true\n", nil, true},
		{"no password column", "user,arn\n<root_account>,arn:aws:iam::1:root\n", nil, true},
		{"empty", "", nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := rootPasswordEnabled([]byte(tc.report))
			if (err != nil) != tc.err {
				t.Fatalf("err = %v, want error %v", err, tc.err)
			}
			if (got == nil) != (tc.want == nil) || (got != nil && *got != *tc.want) {
				t.Errorf("got %v, want %v", fmtBool(got), fmtBool(tc.want))
			}
		})
	}
}

func fmtBool(b *bool) string {
	if b == nil {
		return "nil"
	}
	if *b {
		return "true"
	}
	return "false"
}

// The root credential facts of each scenario: the member's root has no
// password (read after the report was generated on a second poll), but a
// member may not list its organization's root access features; a standalone
// account has none; a denied report leaves the password unknown.
func TestRootCredentialFacts(t *testing.T) {
	member, srv := collectScenario(t, "member", Options{})
	if got := member.IAM.Root.PasswordEnabled; got == nil || *got {
		t.Errorf("member root password_enabled = %s, want false", fmtBool(got))
	}
	if n := srv.Counts()["iam:GenerateCredentialReport"]; n != 2 {
		t.Errorf("GenerateCredentialReport called %d times, want 2 (STARTED, then COMPLETE)", n)
	}
	if member.IAM.OrganizationFeatures != nil || !hasError(member.Errors, "ListOrganizationsFeatures", "AccountNotManagementOrDelegatedAdministratorException") {
		t.Errorf("member: features %+v, errors %+v: want none read and the error recorded", member.IAM.OrganizationFeatures, member.Errors)
	}

	standalone, _ := collectScenario(t, "multiregion", Options{})
	if standalone.IAM.Root.PasswordEnabled != nil {
		t.Errorf("not_supported must leave password_enabled unset, got %s", fmtBool(standalone.IAM.Root.PasswordEnabled))
	}
	if f := standalone.IAM.OrganizationFeatures; f == nil || len(f.EnabledFeatures) != 0 {
		t.Errorf("standalone account: features %+v, want read and empty", f)
	}

	broken, _ := collectScenario(t, "broken", Options{})
	if broken.IAM.Root.PasswordEnabled != nil || !hasError(broken.Errors, "GenerateCredentialReport", "AccessDenied") || !hasError(broken.Errors, "ListOrganizationsFeatures", "AccessDenied") {
		t.Errorf("broken: password %s, errors %+v: want unknown and both denials recorded", fmtBool(broken.IAM.Root.PasswordEnabled), broken.Errors)
	}
}

func hasError(errs []snapshot.CollectionError, op, code string) bool {
	for _, e := range errs {
		if e.Operation == op && (code == "" || e.Code == code) {
			return true
		}
	}
	return false
}

// The management account (or the IAM delegated administrator) reads the
// organization's centralized root access features.
func TestOrganizationFeaturesRead(t *testing.T) {
	srv := awsfake.New(t)
	srv.Add(awsfake.Route{Service: "iam", Region: "us-east-1", Operation: "ListOrganizationsFeatures", Body: `<ListOrganizationsFeaturesResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <ListOrganizationsFeaturesResult>
    <OrganizationId>o-a1b2c3d4e5</OrganizationId>
    <EnabledFeatures>
      <member>RootCredentialsManagement</member>
      <member>RootSessions</member>
    </EnabledFeatures>
  </ListOrganizationsFeaturesResult>
  <ResponseMetadata><RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId></ResponseMetadata>
</ListOrganizationsFeaturesResponse>`})
	if err := srv.LoadDir(filepath.Join("testdata", "aws", "member")); err != nil {
		t.Fatal(err)
	}
	snap, err := Collect(context.Background(), testConfig(t, srv), Options{PathStyle: true, Now: func() time.Time { return collectedAt }})
	if err != nil {
		t.Fatal(err)
	}
	f := snap.IAM.OrganizationFeatures
	if f == nil || f.OrganizationID != "o-a1b2c3d4e5" || !slices.Equal(f.EnabledFeatures, []string{"RootCredentialsManagement", "RootSessions"}) {
		t.Errorf("features = %+v", f)
	}
	if hasError(snap.Errors, "ListOrganizationsFeatures", "") {
		t.Errorf("errors = %+v", snap.Errors)
	}
}
