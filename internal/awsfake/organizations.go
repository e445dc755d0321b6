package awsfake

// A built-in AWS Organizations and STS, answering from a model of an
// organization (SetOrganization) rather than from routes, so that a test can
// describe a thousand accounts in a few lines of Go:
//
//   - sts:GetCallerIdentity answers with the caller's account (from the
//     access key, see accounts.go).
//   - sts:AssumeRole hands out temporary credentials of the role's account
//     when that account is in the organization, ACTIVE, has the role, the
//     role trusts the caller's account and the external id (if the role
//     requires one) is given; otherwise it refuses with AccessDenied (403),
//     as AWS does, including for a suspended account.
//   - Organizations (JSON 1.1, X-Amz-Target AWSOrganizationsV20161128.*):
//     DescribeOrganization (any member), and, for the management account and
//     delegated administrators only (others get AccessDeniedException),
//     ListRoots, ListOrganizationalUnitsForParent, ListAccounts,
//     ListAccountsForParent, ListParents, ListChildren, ListPolicies,
//     DescribePolicy, ListTargetsForPolicy, ListPoliciesForTarget,
//     ListDelegatedAdministrators and ListDelegatedServicesForAccount, every
//     list paginated (MaxResults, NextToken; at most Organization.PageSize
//     items a page).
//
// Routes still come first: a route that matches a request answers it (to
// inject throttling, say), and the model answers the rest.

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Organization is the model the built-in Organizations and STS answer from.
type Organization struct {
	ID                  string // o-...
	ManagementAccountID string
	RootID              string   // r-...
	PolicyTypes         []string // enabled on the root: SERVICE_CONTROL_POLICY, RESOURCE_CONTROL_POLICY
	Units               []OrgUnit
	Accounts            []OrgAccount // the management account included
	Policies            []OrgPolicy
	DelegatedAdmins     []DelegatedAdmin
	// DefaultRoles are the roles of every account whose Roles is nil (e.g.
	// OrganizationAccountAccessRole trusting the management account).
	DefaultRoles []Role
	// PageSize is the most items a list returns per page (default 5).
	PageSize int
}

// OrgUnit is an organizational unit.
type OrgUnit struct{ ID, Name, ParentID string }

// OrgAccount is an account of the organization. Status is ACTIVE (default),
// SUSPENDED or PENDING_CLOSURE.
type OrgAccount struct {
	ID, Name, Email, Status string
	ParentID                string // root or OU id (default the root)
	Roles                   []Role // nil: Organization.DefaultRoles
}

// Role is an IAM role that can be assumed: by principals of TrustedAccounts,
// with ExternalID when it is set.
type Role struct {
	Name            string
	TrustedAccounts []string
	ExternalID      string
}

// OrgPolicy is a Service or Resource Control Policy and its targets.
type OrgPolicy struct {
	ID, Name, Description string
	Type                  string // SERVICE_CONTROL_POLICY (default) or RESOURCE_CONTROL_POLICY
	AWSManaged            bool
	Content               string // the policy document
	Targets               []string
}

// DelegatedAdmin is an account registered as delegated administrator of a service.
type DelegatedAdmin struct{ AccountID, ServicePrincipal string }

// orgState is an Organization with its lookups and the STS sessions handed out.
type orgState struct {
	Organization
	accounts map[string]*OrgAccount
	units    map[string]*OrgUnit
	policies map[string]*OrgPolicy
	sessions map[string]string // session token -> assumed-role ARN
	seq      int
}

// SetOrganization makes the server answer STS and Organizations from o (see
// above). It may be called once, before requests are made.
func (s *Server) SetOrganization(o Organization) {
	st := &orgState{Organization: o, accounts: map[string]*OrgAccount{}, units: map[string]*OrgUnit{},
		policies: map[string]*OrgPolicy{}, sessions: map[string]string{}}
	if st.PageSize <= 0 {
		st.PageSize = 5
	}
	for i := range st.Accounts {
		a := &st.Accounts[i]
		if a.Status == "" {
			a.Status = "ACTIVE"
		}
		if a.ParentID == "" {
			a.ParentID = st.RootID
		}
		st.accounts[a.ID] = a
	}
	for i := range st.Units {
		st.units[st.Units[i].ID] = &st.Units[i]
	}
	for i := range st.Policies {
		p := &st.Policies[i]
		if p.Type == "" {
			p.Type = "SERVICE_CONTROL_POLICY"
		}
		st.policies[p.ID] = p
	}
	s.mu.Lock()
	s.org = st
	s.mu.Unlock()
}

const joined = 1609459200.0 // 2021-01-01, the accounts' JoinedTimestamp

// ---------------------------------------------------------------- STS

func (o *orgState) sts(req *request) *answer {
	switch req.operation {
	case "GetCallerIdentity":
		if req.account == "" {
			return nil
		}
		return &answer{body: fmt.Appendf(nil, `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>%s</Arn>
    <UserId>AIDAFAKE%s</UserId>
    <Account>%s</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata><RequestId>4a1d3f2e-0000-4000-8000-000000000000</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>`, xmlEscape(o.callerARN(req)), req.account, req.account)}
	case "AssumeRole":
		return o.assumeRole(req)
	}
	return nil
}

// callerARN is the ARN of the principal that signed req.
func (o *orgState) callerARN(req *request) string {
	if a, ok := o.sessions[req.sessionToken]; ok && req.sessionToken != "" {
		return a
	}
	return "arn:aws:iam::" + req.account + ":user/awsfake"
}

func (o *orgState) assumeRole(req *request) *answer {
	roleARN, session := req.params["RoleArn"], req.params["RoleSessionName"]
	if roleARN == "" || session == "" {
		return errorAnswer(400, "ValidationError", "RoleArn and RoleSessionName are required")
	}
	denied := errorAnswer(403, "AccessDenied", fmt.Sprintf("User: %s is not authorized to perform: sts:AssumeRole on resource: %s", o.callerARN(req), roleARN))
	// arn:aws:iam::123456789012:role/Name (a path before the name is allowed).
	parts := strings.SplitN(roleARN, ":", 6)
	if len(parts) != 6 || parts[2] != "iam" || !strings.HasPrefix(parts[5], "role/") {
		return errorAnswer(400, "ValidationError", fmt.Sprintf("%s is not a valid role ARN", roleARN))
	}
	target, name := parts[4], parts[5][strings.LastIndexByte(parts[5], '/')+1:]
	acct := o.accounts[target]
	if req.account == "" || acct == nil || acct.Status != "ACTIVE" {
		return denied
	}
	roles := acct.Roles
	if roles == nil {
		roles = o.DefaultRoles
	}
	i := slices.IndexFunc(roles, func(r Role) bool { return r.Name == name })
	if i < 0 || !slices.Contains(roles[i].TrustedAccounts, req.account) ||
		(roles[i].ExternalID != "" && roles[i].ExternalID != req.params["ExternalId"]) {
		return denied
	}
	o.seq++
	token := fmt.Sprintf("awsfake-session/%s/%s/%d", target, name, o.seq)
	arn := "arn:aws:sts::" + target + ":assumed-role/" + name + "/" + session
	o.sessions[token] = arn
	expires := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	return &answer{body: fmt.Appendf(nil, `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <AssumedRoleUser>
      <Arn>%s</Arn>
      <AssumedRoleId>AROAFAKE%s:%s</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>%s</AccessKeyId>
      <SecretAccessKey>awsfake-temporary-secret</SecretAccessKey>
      <SessionToken>%s</SessionToken>
      <Expiration>%s</Expiration>
    </Credentials>
    <PackedPolicySize>0</PackedPolicySize>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>7b2e4c6a-0000-4000-8000-000000000000</RequestId></ResponseMetadata>
</AssumeRoleResponse>`, xmlEscape(arn), target, xmlEscape(session), temporaryPrefix+target, xmlEscape(token), expires)}
}

// ---------------------------------------------------------------- Organizations

type obj = map[string]any

func (o *orgState) organizations(req *request) *answer {
	caller := o.accounts[req.account]
	if caller == nil {
		return errorAnswer(400, "AWSOrganizationsNotInUseException", "Your account is not a member of an organization.")
	}
	if req.operation == "DescribeOrganization" {
		types := []obj{}
		for _, t := range o.PolicyTypes {
			types = append(types, obj{"Type": t, "Status": "ENABLED"})
		}
		mgmt := o.accounts[o.ManagementAccountID]
		email := ""
		if mgmt != nil {
			email = mgmt.Email
		}
		return jsonAnswer(obj{"Organization": obj{
			"Id": o.ID, "Arn": o.arn("organization/" + o.ID), "FeatureSet": "ALL",
			"MasterAccountArn": o.arn("account/" + o.ID + "/" + o.ManagementAccountID), "MasterAccountId": o.ManagementAccountID,
			"MasterAccountEmail": email, "AvailablePolicyTypes": types,
		}})
	}
	if req.account != o.ManagementAccountID && !slices.ContainsFunc(o.DelegatedAdmins, func(d DelegatedAdmin) bool { return d.AccountID == req.account }) {
		return errorAnswer(400, "AccessDeniedException", "You don't have permissions to access this resource.")
	}
	p := req.params
	switch req.operation {
	case "ListRoots":
		types := []obj{}
		for _, t := range o.PolicyTypes {
			types = append(types, obj{"Type": t, "Status": "ENABLED"})
		}
		return o.page(req, "Roots", []any{obj{"Id": o.RootID, "Arn": o.arn("root/" + o.ID + "/" + o.RootID), "Name": "Root", "PolicyTypes": types}})
	case "ListOrganizationalUnitsForParent":
		if bad := o.checkParent(p["ParentId"]); bad != nil {
			return bad
		}
		var items []any
		for _, u := range o.Units {
			if u.ParentID == p["ParentId"] {
				items = append(items, o.unitJSON(u))
			}
		}
		return o.page(req, "OrganizationalUnits", items)
	case "ListAccounts", "ListAccountsForParent":
		if req.operation == "ListAccountsForParent" {
			if bad := o.checkParent(p["ParentId"]); bad != nil {
				return bad
			}
		}
		var items []any
		for _, a := range o.Accounts {
			if req.operation == "ListAccounts" || a.ParentID == p["ParentId"] {
				items = append(items, o.accountJSON(a))
			}
		}
		return o.page(req, "Accounts", items)
	case "ListParents":
		parent := ""
		if a := o.accounts[p["ChildId"]]; a != nil {
			parent = a.ParentID
		} else if u := o.units[p["ChildId"]]; u != nil {
			parent = u.ParentID
		} else {
			return errorAnswer(400, "ChildNotFoundException", "We can't find an organizational unit (OU) or AWS account with the ChildId that you specified.")
		}
		return o.page(req, "Parents", []any{obj{"Id": parent, "Type": o.targetType(parent)}})
	case "ListChildren":
		if bad := o.checkParent(p["ParentId"]); bad != nil {
			return bad
		}
		var items []any
		switch p["ChildType"] {
		case "ACCOUNT":
			for _, a := range o.Accounts {
				if a.ParentID == p["ParentId"] {
					items = append(items, obj{"Id": a.ID, "Type": "ACCOUNT"})
				}
			}
		case "ORGANIZATIONAL_UNIT":
			for _, u := range o.Units {
				if u.ParentID == p["ParentId"] {
					items = append(items, obj{"Id": u.ID, "Type": "ORGANIZATIONAL_UNIT"})
				}
			}
		default:
			return errorAnswer(400, "InvalidInputException", "ChildType must be ACCOUNT or ORGANIZATIONAL_UNIT")
		}
		return o.page(req, "Children", items)
	case "ListPolicies":
		var items []any
		for _, pol := range o.Policies {
			if pol.Type == p["Filter"] {
				items = append(items, o.policySummary(pol))
			}
		}
		return o.page(req, "Policies", items)
	case "DescribePolicy":
		pol := o.policies[p["PolicyId"]]
		if pol == nil {
			return errorAnswer(400, "PolicyNotFoundException", "We can't find a policy with the PolicyId that you specified.")
		}
		return jsonAnswer(obj{"Policy": obj{"PolicySummary": o.policySummary(*pol), "Content": pol.Content}})
	case "ListTargetsForPolicy":
		pol := o.policies[p["PolicyId"]]
		if pol == nil {
			return errorAnswer(400, "PolicyNotFoundException", "We can't find a policy with the PolicyId that you specified.")
		}
		var items []any
		for _, t := range pol.Targets {
			items = append(items, obj{"TargetId": t, "Arn": o.targetARN(t), "Name": o.targetName(t), "Type": o.targetType(t)})
		}
		return o.page(req, "Targets", items)
	case "ListPoliciesForTarget":
		var items []any
		for _, pol := range o.Policies {
			if pol.Type == p["Filter"] && slices.Contains(pol.Targets, p["TargetId"]) {
				items = append(items, o.policySummary(pol))
			}
		}
		return o.page(req, "Policies", items)
	case "ListDelegatedAdministrators":
		var items []any
		seen := map[string]bool{}
		for _, d := range o.DelegatedAdmins {
			if (p["ServicePrincipal"] != "" && d.ServicePrincipal != p["ServicePrincipal"]) || seen[d.AccountID] {
				continue
			}
			seen[d.AccountID] = true
			if a := o.accounts[d.AccountID]; a != nil {
				j := o.accountJSON(*a)
				j["DelegationEnabledDate"] = joined
				items = append(items, j)
			}
		}
		return o.page(req, "DelegatedAdministrators", items)
	case "ListDelegatedServicesForAccount":
		var items []any
		for _, d := range o.DelegatedAdmins {
			if d.AccountID == p["AccountId"] {
				items = append(items, obj{"ServicePrincipal": d.ServicePrincipal, "DelegationEnabledDate": joined})
			}
		}
		if items == nil {
			return errorAnswer(400, "AccountNotRegisteredException", "The provided account is not a registered delegated administrator for your organization.")
		}
		return o.page(req, "DelegatedServices", items)
	}
	return nil
}

func (o *orgState) arn(resource string) string {
	return "arn:aws:organizations::" + o.ManagementAccountID + ":" + resource
}

func (o *orgState) checkParent(id string) *answer {
	if id != o.RootID && o.units[id] == nil {
		return errorAnswer(400, "ParentNotFoundException", "We can't find a root or OU with the ParentId that you specified.")
	}
	return nil
}

func (o *orgState) unitJSON(u OrgUnit) obj {
	return obj{"Id": u.ID, "Arn": o.arn("ou/" + o.ID + "/" + u.ID), "Name": u.Name}
}

func (o *orgState) accountJSON(a OrgAccount) obj {
	return obj{"Id": a.ID, "Arn": o.arn("account/" + o.ID + "/" + a.ID), "Email": a.Email, "Name": a.Name,
		"Status": a.Status, "State": a.Status, "JoinedMethod": "CREATED", "JoinedTimestamp": joined}
}

func (o *orgState) policySummary(p OrgPolicy) obj {
	arn := o.arn("policy/" + o.ID + "/" + strings.ToLower(p.Type) + "/" + p.ID)
	if p.AWSManaged {
		arn = "arn:aws:organizations::aws:policy/" + strings.ToLower(p.Type) + "/" + p.ID
	}
	return obj{"Id": p.ID, "Arn": arn, "Name": p.Name, "Description": p.Description, "Type": p.Type, "AwsManaged": p.AWSManaged}
}

func (o *orgState) targetType(id string) string {
	switch {
	case id == o.RootID:
		return "ROOT"
	case o.units[id] != nil:
		return "ORGANIZATIONAL_UNIT"
	}
	return "ACCOUNT"
}

func (o *orgState) targetARN(id string) string {
	switch o.targetType(id) {
	case "ROOT":
		return o.arn("root/" + o.ID + "/" + id)
	case "ORGANIZATIONAL_UNIT":
		return o.arn("ou/" + o.ID + "/" + id)
	}
	return o.arn("account/" + o.ID + "/" + id)
}

func (o *orgState) targetName(id string) string {
	if u := o.units[id]; u != nil {
		return u.Name
	}
	if a := o.accounts[id]; a != nil {
		return a.Name
	}
	return "Root"
}

// page answers one page of items under key, honouring MaxResults and
// NextToken. Tokens are opaque, bound to the operation and its parameters.
func (o *orgState) page(req *request, key string, items []any) *answer {
	size := o.PageSize
	if v := req.params["MaxResults"]; v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 20 {
			return errorAnswer(400, "InvalidInputException", "You provided a value that does not match the required pattern: MaxResults must be between 1 and 20.")
		}
		size = min(size, n)
	}
	scope := req.operation + "|" + req.params["ParentId"] + "|" + req.params["ChildId"] + "|" + req.params["ChildType"] +
		"|" + req.params["PolicyId"] + "|" + req.params["TargetId"] + "|" + req.params["Filter"] + "|" + req.params["ServicePrincipal"] + "|" + req.params["AccountId"]
	start := 0
	if t := req.params["NextToken"]; t != "" {
		raw, err := base64.StdEncoding.DecodeString(t)
		s, off, ok := strings.Cut(string(raw), "#")
		n, aerr := strconv.Atoi(off)
		if err != nil || !ok || s != scope || aerr != nil || n < 0 || n > len(items) {
			return errorAnswer(400, "InvalidInputException", "The provided NextToken is not valid.")
		}
		start = n
	}
	end := min(start+size, len(items))
	body := obj{key: append([]any{}, items[start:end]...)}
	if end < len(items) {
		body["NextToken"] = base64.StdEncoding.EncodeToString([]byte(scope + "#" + strconv.Itoa(end)))
	}
	return jsonAnswer(body)
}

func jsonAnswer(v any) *answer {
	b, err := json.Marshal(v)
	if err != nil {
		return errorAnswer(500, "AwsFakeInternal", err.Error())
	}
	return &answer{body: b}
}
