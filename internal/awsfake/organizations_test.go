package awsfake

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

const (
	mgmtID   = "111111111111"
	memberID = "222222222222"
	lockedID = "333333333333" // no role
	suspID   = "444444444444" // suspended
)

func testOrg() Organization {
	o := Organization{
		ID: "o-a1b2c3d4e5", ManagementAccountID: mgmtID, RootID: "r-ab12",
		PolicyTypes:  []string{"SERVICE_CONTROL_POLICY"},
		Units:        []OrgUnit{{ID: "ou-ab12-security", Name: "Security", ParentID: "r-ab12"}, {ID: "ou-ab12-workloads", Name: "Workloads", ParentID: "r-ab12"}},
		DefaultRoles: []Role{{Name: "OrganizationAccountAccessRole", TrustedAccounts: []string{mgmtID}}},
		Policies: []OrgPolicy{
			{ID: "p-FullAWSAccess", Name: "FullAWSAccess", AWSManaged: true, Content: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`, Targets: []string{"r-ab12"}},
			{ID: "p-protecttrail", Name: "ProtectTrail", Content: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"cloudtrail:StopLogging","Resource":"*"}]}`, Targets: []string{"ou-ab12-workloads"}},
		},
		PageSize: 2,
		Accounts: []OrgAccount{
			{ID: mgmtID, Name: "management", Email: "root@example.com"},
			{ID: memberID, Name: "member", Email: "member@example.com", ParentID: "ou-ab12-workloads"},
			{ID: lockedID, Name: "locked", Email: "locked@example.com", ParentID: "ou-ab12-workloads", Roles: []Role{}},
			{ID: suspID, Name: "suspended", Email: "susp@example.com", ParentID: "ou-ab12-workloads", Status: "SUSPENDED"},
		},
	}
	return o
}

func accountConfig(t *testing.T, s *Server, id string) aws.Config {
	cfg := sdkConfig(t, s, "us-east-1", 1)
	cfg.Credentials = CredentialsProvider(id)
	return cfg
}

func TestAccountsFromCredentials(t *testing.T) {
	s := New(t)
	s.SetOrganization(testOrg())
	s.Add(
		Route{Service: "cloudtrail", Account: memberID, Operation: "DescribeTrails", Body: `{"trailList":[{"Name":"member-trail"}]}`},
		Route{Service: "cloudtrail", Operation: "DescribeTrails", Body: `{"trailList":[{"Name":"anyone"}]}`},
	)
	ctx := context.Background()
	mgmt := accountConfig(t, s, mgmtID)

	// The management account's own identity, then a role in the member.
	id, err := sts.NewFromConfig(mgmt).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(id.Account) != mgmtID {
		t.Fatalf("GetCallerIdentity: %v %v", id, err)
	}
	member := mgmt.Copy()
	member.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(sts.NewFromConfig(mgmt), "arn:aws:iam::"+memberID+":role/OrganizationAccountAccessRole"))
	id, err = sts.NewFromConfig(member).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(id.Account) != memberID || aws.ToString(id.Arn) == "" {
		t.Fatalf("GetCallerIdentity as the member: %v %v", id, err)
	}
	// Account-specific routes answer only their account.
	for cfg, want := range map[*aws.Config]string{&member: "member-trail", &mgmt: "anyone"} {
		out, err := cloudtrail.NewFromConfig(*cfg).DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{})
		if err != nil || len(out.TrailList) != 1 || aws.ToString(out.TrailList[0].Name) != want {
			t.Errorf("DescribeTrails: %v %v, want %s", out, err, want)
		}
	}

	// Refusals: no role, suspended, not in the organization, untrusted caller.
	for _, c := range []struct{ name, caller, role string }{
		{"role missing", mgmtID, "arn:aws:iam::" + lockedID + ":role/OrganizationAccountAccessRole"},
		{"suspended", mgmtID, "arn:aws:iam::" + suspID + ":role/OrganizationAccountAccessRole"},
		{"outside the organization", mgmtID, "arn:aws:iam::999999999999:role/OrganizationAccountAccessRole"},
		{"caller not trusted", memberID, "arn:aws:iam::" + mgmtID + ":role/OrganizationAccountAccessRole"},
		{"other role name", mgmtID, "arn:aws:iam::" + memberID + ":role/AWSControlTowerExecution"},
	} {
		_, err := sts.NewFromConfig(accountConfig(t, s, c.caller)).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(c.role), RoleSessionName: aws.String("t")})
		if apiCode(err) != "AccessDenied" {
			t.Errorf("%s: AssumeRole error %v, want AccessDenied", c.name, err)
		}
	}
}

func TestExternalID(t *testing.T) {
	s := New(t)
	o := testOrg()
	o.DefaultRoles[0].ExternalID = "s3cret"
	s.SetOrganization(o)
	client := sts.NewFromConfig(accountConfig(t, s, mgmtID))
	in := &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::" + memberID + ":role/OrganizationAccountAccessRole"), RoleSessionName: aws.String("t")}
	if _, err := client.AssumeRole(context.Background(), in); apiCode(err) != "AccessDenied" {
		t.Errorf("without the external id: %v, want AccessDenied", err)
	}
	in.ExternalId = aws.String("s3cret")
	if _, err := client.AssumeRole(context.Background(), in); err != nil {
		t.Errorf("with the external id: %v", err)
	}
}

func TestOrganizationsPaginated(t *testing.T) {
	s := New(t)
	s.SetOrganization(testOrg())
	ctx := context.Background()
	client := organizations.NewFromConfig(accountConfig(t, s, mgmtID))

	var ids []string
	p := organizations.NewListAccountsPaginator(client, &organizations.ListAccountsInput{})
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, a := range out.Accounts {
			ids = append(ids, aws.ToString(a.Id)+":"+string(a.Status))
		}
	}
	if fmt.Sprint(ids) != "[111111111111:ACTIVE 222222222222:ACTIVE 333333333333:ACTIVE 444444444444:SUSPENDED]" || pages != 2 {
		t.Errorf("ListAccounts: %v in %d pages", ids, pages)
	}
	if s.Counts()["organizations:ListAccounts"] != 2 {
		t.Errorf("calls: %v", s.Counts())
	}

	roots, err := client.ListRoots(ctx, &organizations.ListRootsInput{})
	if err != nil || len(roots.Roots) != 1 || len(roots.Roots[0].PolicyTypes) != 1 {
		t.Fatalf("ListRoots: %v %v", roots, err)
	}
	ous, err := client.ListOrganizationalUnitsForParent(ctx, &organizations.ListOrganizationalUnitsForParentInput{ParentId: aws.String("r-ab12")})
	if err != nil || len(ous.OrganizationalUnits) != 2 {
		t.Fatalf("ListOrganizationalUnitsForParent: %v %v", ous, err)
	}
	pol, err := client.DescribePolicy(ctx, &organizations.DescribePolicyInput{PolicyId: aws.String("p-protecttrail")})
	if err != nil || aws.ToString(pol.Policy.Content) == "" || pol.Policy.PolicySummary.Type != orgtypes.PolicyTypeServiceControlPolicy {
		t.Fatalf("DescribePolicy: %v %v", pol, err)
	}
	targets, err := client.ListTargetsForPolicy(ctx, &organizations.ListTargetsForPolicyInput{PolicyId: aws.String("p-protecttrail")})
	if err != nil || len(targets.Targets) != 1 || targets.Targets[0].Type != orgtypes.TargetTypeOrganizationalUnit {
		t.Fatalf("ListTargetsForPolicy: %v %v", targets, err)
	}
	parents, err := client.ListParents(ctx, &organizations.ListParentsInput{ChildId: aws.String(memberID)})
	if err != nil || aws.ToString(parents.Parents[0].Id) != "ou-ab12-workloads" {
		t.Fatalf("ListParents: %v %v", parents, err)
	}
	if _, err := client.ListAccounts(ctx, &organizations.ListAccountsInput{NextToken: aws.String("bogus")}); apiCode(err) != "InvalidInputException" {
		t.Errorf("bad token: %v", err)
	}

	// A member can describe its organization but not list it.
	member := organizations.NewFromConfig(accountConfig(t, s, memberID))
	if d, err := member.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{}); err != nil || aws.ToString(d.Organization.MasterAccountId) != mgmtID {
		t.Errorf("DescribeOrganization from a member: %v %v", d, err)
	}
	if _, err := member.ListAccounts(ctx, &organizations.ListAccountsInput{}); apiCode(err) != "AccessDeniedException" {
		t.Errorf("ListAccounts from a member: %v, want AccessDeniedException", err)
	}
	outsider := organizations.NewFromConfig(accountConfig(t, s, "999999999999"))
	if _, err := outsider.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{}); apiCode(err) != "AWSOrganizationsNotInUseException" {
		t.Errorf("DescribeOrganization from outside: %v", err)
	}
}
