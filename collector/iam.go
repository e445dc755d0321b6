package collector

import (
	"context"
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/trailguard/trailguard/snapshot"
)

type iamAPI interface {
	iam.GetAccountAuthorizationDetailsAPIClient
	GetAccountSummary(context.Context, *iam.GetAccountSummaryInput, ...func(*iam.Options)) (*iam.GetAccountSummaryOutput, error)
	ListMFADevices(context.Context, *iam.ListMFADevicesInput, ...func(*iam.Options)) (*iam.ListMFADevicesOutput, error)
	GetLoginProfile(context.Context, *iam.GetLoginProfileInput, ...func(*iam.Options)) (*iam.GetLoginProfileOutput, error)
	rootCredentialsAPI
}

// trailActions are the CloudTrail actions that stop, delete or narrow what a
// trail records. A user allowed any of them (or holding AWSCloudTrail_FullAccess)
// is a CloudTrail administrator whose MFA and console access are read.
// The checks' list is policies/trailguard/lib/cloudtrail_actions.rego
// (trail_actions, then event_data_store_actions); the collector knows nothing of
// Rego, so it keeps this lower-cased copy, which TestTrailActionsMatchRego keeps equal.
var trailActions = []string{
	"cloudtrail:stoplogging", "cloudtrail:deletetrail", "cloudtrail:updatetrail", "cloudtrail:puteventselectors",
	"cloudtrail:deleteeventdatastore", "cloudtrail:stopeventdatastoreingestion", "cloudtrail:updateeventdatastore",
}

// screenActions are the actions AWS-managed policies are screened for: the
// actions that blind a trail (stop, delete or weaken it, its bucket, key, log
// group and alarms), the IAM and STS actions that lead to them in one step
// (assuming a role, attaching or writing policies, credentials for another
// user, passing a role) and the compute actions a passed role is used with.
// An AWS-managed policy is kept with its document when one of its statements,
// Allow or Deny, may match one of them (AdministratorAccess, PowerUserAccess,
// AWSCloudTrail_FullAccess, ...); the others (ReadOnlyAccess, large and
// irrelevant) are listed without it, and the snapshot records this list
// (iam.aws_managed_screen) so that an analysis knows what their absence means.
var screenActions = []string{
	"cloudtrail:stoplogging", "cloudtrail:deletetrail", "cloudtrail:updatetrail", "cloudtrail:puteventselectors",
	"cloudtrail:deleteeventdatastore", "cloudtrail:stopeventdatastoreingestion", "cloudtrail:updateeventdatastore",
	"s3:deleteobject", "s3:deleteobjectversion", "s3:putbucketpolicy", "s3:deletebucketpolicy",
	"s3:putlifecycleconfiguration", "s3:putbucketversioning", "s3:deletebucket",
	"kms:disablekey", "kms:schedulekeydeletion", "kms:putkeypolicy",
	"logs:deleteloggroup", "logs:deletemetricfilter", "logs:putretentionpolicy",
	"cloudwatch:deletealarms", "cloudwatch:disablealarmactions",
	"sts:assumerole",
	"iam:attachuserpolicy", "iam:putuserpolicy", "iam:attachrolepolicy", "iam:putrolepolicy",
	"iam:attachgrouppolicy", "iam:putgrouppolicy", "iam:createpolicyversion", "iam:setdefaultpolicyversion",
	"iam:addusertogroup", "iam:updateassumerolepolicy", "iam:createaccesskey", "iam:createloginprofile",
	"iam:updateloginprofile", "iam:passrole",
	"ec2:runinstances", "lambda:createfunction", "ecs:runtask", "cloudformation:createstack",
	"codebuild:createproject", "glue:createdevendpoint", "sagemaker:createnotebookinstance",
}

// ScreenActions returns the actions AWS-managed policies are screened for (a
// copy): what a snapshot records as iam.aws_managed_screen.
func ScreenActions() []string { return slices.Clone(screenActions) }

// iam reads every principal and managed policy in one paginated
// GetAccountAuthorizationDetails, the root user's MFA, keys and password (see
// root.go, with the organization's root access features), and the MFA
// devices and console password of every user that can switch CloudTrail off.
// A listing that fails part-way is dropped whole: a principal missing from a
// partial list could be the one that holds the keys.
func (r *run) iam(ctx context.Context) {
	client := r.clients.iam()
	account := &snapshot.IAM{}
	r.spawn(func() {
		out, err := do(r, ctx, client.GetAccountSummary, &iam.GetAccountSummaryInput{})
		if err != nil {
			r.fail(ctx, "iam", "GetAccountSummary", r.cfg.Region, r.snap.AccountID, err)
			return
		}
		root := &snapshot.Root{
			MFAEnabled:        out.SummaryMap["AccountMFAEnabled"] == 1,
			AccessKeysPresent: out.SummaryMap["AccountAccessKeysPresent"] == 1,
		}
		if n, ok := out.SummaryMap["AccountPasswordPresent"]; ok {
			root.PasswordEnabled = aws.Bool(n == 1)
		}
		r.locked(func(*snapshot.Snapshot) { account.Root = root })
		r.rootPassword(ctx, client, root)
	})
	r.spawn(func() { r.organizationFeatures(ctx, client, account) })
	r.locked(func(s *snapshot.Snapshot) { s.IAM = account })

	details, err := r.authorizationDetails(ctx, client)
	if err != nil {
		r.fail(ctx, "iam", "GetAccountAuthorizationDetails", r.cfg.Region, r.snap.AccountID, err)
		return
	}
	p := r.principals(ctx, details)
	r.locked(func(*snapshot.Snapshot) {
		account.Users, account.Groups, account.Roles, account.Policies = p.users, p.groups, p.roles, p.policies
		account.AWSManagedScreen = slices.Clone(screenActions)
	})
	for _, u := range p.admins {
		r.spawn(func() { r.userCredentials(ctx, client, u) })
	}
}

// authorizationDetails reads every page of GetAccountAuthorizationDetails.
func (r *run) authorizationDetails(ctx context.Context, client iamAPI) (*iam.GetAccountAuthorizationDetailsOutput, error) {
	p := iam.NewGetAccountAuthorizationDetailsPaginator(client, &iam.GetAccountAuthorizationDetailsInput{
		MaxItems: aws.Int32(1000), // the largest page: accounts with thousands of roles take few round trips
		Filter: []iamtypes.EntityType{
			iamtypes.EntityTypeUser, iamtypes.EntityTypeRole, iamtypes.EntityTypeGroup,
			iamtypes.EntityTypeLocalManagedPolicy, iamtypes.EntityTypeAWSManagedPolicy,
		},
	})
	all := &iam.GetAccountAuthorizationDetailsOutput{}
	for p.HasMorePages() {
		out, err := nextPage(r, ctx, p.NextPage)
		if err != nil {
			return nil, err
		}
		all.UserDetailList = append(all.UserDetailList, out.UserDetailList...)
		all.GroupDetailList = append(all.GroupDetailList, out.GroupDetailList...)
		all.RoleDetailList = append(all.RoleDetailList, out.RoleDetailList...)
		all.Policies = append(all.Policies, out.Policies...)
	}
	return all, nil
}

// principals are the account's IAM entities as the snapshot records them,
// keyed by ARN, and the users that can switch CloudTrail off (whose
// credentials are read next), sorted by ARN.
type principals struct {
	users    map[string]*snapshot.IAMUser
	groups   map[string]*snapshot.IAMGroup
	roles    map[string]*snapshot.IAMRole
	policies map[string]*snapshot.IAMPolicy
	admins   []*snapshot.IAMUser
}

// principals converts the authorization details into the snapshot's maps and
// finds the users that can switch CloudTrail off. Customer-managed policies
// are kept with their documents; AWS-managed ones with their documents only
// when they allow a CloudTrail action that switches logging off (the others,
// such as ReadOnlyAccess, are large and say nothing about CloudTrail).
func (r *run) principals(ctx context.Context, d *iam.GetAccountAuthorizationDetailsOutput) principals {
	c := &principalConverter{r: r, ctx: ctx, grants: map[string]bool{}, groupARNs: map[string]string{}, groupAdmin: map[string]bool{}}
	var p principals
	p.policies = c.managedPolicies(d.Policies)
	p.groups = c.groups(d.GroupDetailList)
	p.users, p.admins = c.users(d.UserDetailList)
	p.roles = c.roles(d.RoleDetailList)
	return p
}

// principalConverter converts authorization details, remembering what the
// later entities need of the earlier: which managed policies allow a trail
// action (for groups, users), and the groups (for their users).
type principalConverter struct {
	r          *run
	ctx        context.Context
	grants     map[string]bool   // managed policy ARN -> allows a trail action
	groupARNs  map[string]string // group name -> ARN
	groupAdmin map[string]bool   // group ARN -> its policies allow a trail action
}

// fail records a policy document of owner that does not parse.
func (c *principalConverter) fail(owner string, err error) {
	c.r.fail(c.ctx, "iam", "GetAccountAuthorizationDetails", c.r.cfg.Region, owner, err)
}

// managedPolicies converts the managed policies, with their default versions.
func (c *principalConverter) managedPolicies(list []iamtypes.ManagedPolicyDetail) map[string]*snapshot.IAMPolicy {
	policies := map[string]*snapshot.IAMPolicy{}
	for _, p := range list {
		policyARN := aws.ToString(p.Arn)
		awsManaged := accountOf(policyARN) == "aws"
		policy := &snapshot.IAMPolicy{ARN: policyARN, Name: aws.ToString(p.PolicyName), AWSManaged: awsManaged}
		for _, v := range p.PolicyVersionList {
			if !v.IsDefaultVersion {
				continue
			}
			doc, err := policyDocument(aws.ToString(v.Document))
			if err != nil {
				c.fail(policyARN, err)
				continue
			}
			c.grants[policyARN] = allowsTrailAction(doc)
			if !awsManaged || mentions(doc, screenActions) {
				policy.Document = doc
			}
		}
		policies[policyARN] = policy
	}
	return policies
}

// inline converts an entity's inline policies and tells whether any allows a
// trail action.
func (c *principalConverter) inline(list []iamtypes.PolicyDetail, owner string) (map[string]any, bool) {
	out, allows := map[string]any{}, false
	for _, p := range list {
		doc, err := policyDocument(aws.ToString(p.PolicyDocument))
		if err != nil {
			c.fail(owner, err)
			continue
		}
		out[aws.ToString(p.PolicyName)] = doc
		allows = allows || allowsTrailAction(doc)
	}
	return out, allows
}

// attached lists an entity's managed policies, sorted, and tells whether any
// allows a trail action.
func (c *principalConverter) attached(list []iamtypes.AttachedPolicy) ([]string, bool) {
	out, allows := []string{}, false
	for _, p := range list {
		a := aws.ToString(p.PolicyArn)
		out = append(out, a)
		allows = allows || c.grants[a] || isFullAccess(a)
	}
	sort.Strings(out)
	return out, allows
}

// groups converts the groups.
func (c *principalConverter) groups(list []iamtypes.GroupDetail) map[string]*snapshot.IAMGroup {
	groups := map[string]*snapshot.IAMGroup{}
	for _, g := range list {
		groupARN := aws.ToString(g.Arn)
		group := &snapshot.IAMGroup{ARN: groupARN, Name: aws.ToString(g.GroupName)}
		var a, b bool
		group.AttachedPolicies, a = c.attached(g.AttachedManagedPolicies)
		group.InlinePolicies, b = c.inline(g.GroupPolicyList, groupARN)
		groups[groupARN] = group
		c.groupARNs[group.Name] = groupARN
		c.groupAdmin[groupARN] = a || b
	}
	return groups
}

// users converts the users and returns those whose own or groups' policies
// allow a trail action, sorted by ARN.
func (c *principalConverter) users(list []iamtypes.UserDetail) (map[string]*snapshot.IAMUser, []*snapshot.IAMUser) {
	users := map[string]*snapshot.IAMUser{}
	var admins []*snapshot.IAMUser
	for _, u := range list {
		userARN := aws.ToString(u.Arn)
		user := &snapshot.IAMUser{ARN: userARN, Name: aws.ToString(u.UserName), Groups: []string{}}
		var a, b bool
		user.AttachedPolicies, a = c.attached(u.AttachedManagedPolicies)
		user.InlinePolicies, b = c.inline(u.UserPolicyList, userARN)
		user.PermissionsBoundary = boundary(u.PermissionsBoundary)
		admin := a || b
		for _, name := range u.GroupList {
			groupARN, ok := c.groupARNs[name]
			if !ok {
				// Not in the listing (it changed while it was read): build the
				// ARN from the user's own path-free account ARN.
				groupARN = groupARNFor(userARN, name)
			}
			user.Groups = append(user.Groups, groupARN)
			admin = admin || c.groupAdmin[groupARN]
		}
		sort.Strings(user.Groups)
		users[userARN] = user
		if admin {
			admins = append(admins, user)
		}
	}
	slices.SortFunc(admins, func(a, b *snapshot.IAMUser) int { return strings.Compare(a.ARN, b.ARN) })
	return users, admins
}

// roles converts the roles, with their trust policies.
func (c *principalConverter) roles(list []iamtypes.RoleDetail) map[string]*snapshot.IAMRole {
	roles := map[string]*snapshot.IAMRole{}
	for _, role := range list {
		roleARN := aws.ToString(role.Arn)
		rl := &snapshot.IAMRole{
			ARN:           roleARN,
			Name:          aws.ToString(role.RoleName),
			ServiceLinked: strings.HasPrefix(aws.ToString(role.Path), "/aws-service-role/"),
		}
		rl.AttachedPolicies, _ = c.attached(role.AttachedManagedPolicies)
		rl.InlinePolicies, _ = c.inline(role.RolePolicyList, roleARN)
		rl.PermissionsBoundary = boundary(role.PermissionsBoundary)
		if text := aws.ToString(role.AssumeRolePolicyDocument); text != "" {
			if doc, err := policyDocument(text); err != nil {
				c.fail(roleARN, err)
			} else {
				rl.TrustPolicy = doc
			}
		}
		roles[roleARN] = rl
	}
	return roles
}

// userCredentials reads whether a user has MFA devices and a console password.
func (r *run) userCredentials(ctx context.Context, client iamAPI, u *snapshot.IAMUser) {
	r.spawn(func() {
		out, err := do(r, ctx, client.ListMFADevices, &iam.ListMFADevicesInput{UserName: aws.String(u.Name)})
		if err != nil {
			r.fail(ctx, "iam", "ListMFADevices", r.cfg.Region, u.ARN, err)
			return
		}
		r.locked(func(*snapshot.Snapshot) { u.MFAEnabled = aws.Bool(len(out.MFADevices) > 0) })
	})
	_, err := do(r, ctx, client.GetLoginProfile, &iam.GetLoginProfileInput{UserName: aws.String(u.Name)})
	switch {
	case err == nil:
		r.locked(func(*snapshot.Snapshot) { u.ConsoleAccess = aws.Bool(true) })
	case isCode(err, "NoSuchEntity"):
		r.locked(func(*snapshot.Snapshot) { u.ConsoleAccess = aws.Bool(false) })
	default:
		r.fail(ctx, "iam", "GetLoginProfile", r.cfg.Region, u.ARN, err)
	}
}

// policyDocument decodes an IAM policy document: URL-encoded JSON, as IAM
// returns it.
func policyDocument(text string) (any, error) {
	if !strings.HasPrefix(strings.TrimSpace(text), "{") {
		// RFC 3986 percent-encoding: '+' is a plus sign, not a space.
		if decoded, err := url.PathUnescape(text); err == nil {
			text = decoded
		}
	}
	return parsePolicy(text)
}

// boundary returns the ARN of a permissions boundary, "" when there is none.
func boundary(b *iamtypes.AttachedPermissionsBoundary) *string {
	if b == nil {
		return aws.String("")
	}
	return aws.String(aws.ToString(b.PermissionsBoundaryArn))
}

// isFullAccess reports whether a managed policy is AWSCloudTrail_FullAccess
// (or its deprecated predecessor).
func isFullAccess(policyARN string) bool {
	a, err := arn.Parse(policyARN)
	return err == nil && a.AccountID == "aws" && (a.Resource == "policy/AWSCloudTrail_FullAccess" || a.Resource == "policy/AWSCloudTrailFullAccess")
}

// groupARNFor builds the ARN of a group of the user's account from its name.
func groupARNFor(userARN, name string) string {
	a, err := arn.Parse(userARN)
	if err != nil {
		return name
	}
	return arn.ARN{Partition: a.Partition, Service: "iam", AccountID: a.AccountID, Resource: "group/" + name}.String()
}

// allowsTrailAction reports whether a policy document may allow one of the
// trail actions: an Allow statement whose Action matches one, or that uses
// NotAction. It over-approximates (conditions and resources are ignored): it
// only decides whose MFA and console access are read.
func allowsTrailAction(doc any) bool {
	m, _ := doc.(map[string]any)
	for _, st := range asList(m["Statement"]) {
		stmt, _ := st.(map[string]any)
		if stmt["Effect"] != "Allow" {
			continue
		}
		if _, ok := stmt["NotAction"]; ok {
			return true
		}
		for _, a := range asList(stmt["Action"]) {
			pattern, _ := a.(string)
			for _, action := range trailActions {
				if wildcardMatch(strings.ToLower(pattern), action) {
					return true
				}
			}
		}
	}
	return false
}

// mentions reports whether a policy document has a statement, Allow or Deny,
// whose Action may match one of actions (lower case), or that uses NotAction
// (which matches all but a few). Conditions and resources are ignored: it only
// decides which AWS-managed documents are worth keeping.
func mentions(doc any, actions []string) bool {
	m, _ := doc.(map[string]any)
	for _, st := range asList(m["Statement"]) {
		stmt, _ := st.(map[string]any)
		if _, ok := stmt["NotAction"]; ok {
			return true
		}
		for _, a := range asList(stmt["Action"]) {
			pattern, _ := a.(string)
			for _, action := range actions {
				if wildcardMatch(strings.ToLower(pattern), action) {
					return true
				}
			}
		}
	}
	return false
}

// asList returns v as a list: IAM allows a single value where a list is expected.
func asList(v any) []any {
	switch v := v.(type) {
	case []any:
		return v
	case nil:
		return nil
	default:
		return []any{v}
	}
}

// wildcardMatch matches s against an IAM pattern with * and ?.
func wildcardMatch(pattern, s string) bool {
	if pattern == "" {
		return s == ""
	}
	switch pattern[0] {
	case '*':
		for i := 0; i <= len(s); i++ {
			if wildcardMatch(pattern[1:], s[i:]) {
				return true
			}
		}
		return false
	case '?':
		return s != "" && wildcardMatch(pattern[1:], s[1:])
	default:
		return s != "" && s[0] == pattern[0] && wildcardMatch(pattern[1:], s[1:])
	}
}
