package orgscan

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/trailguard/trailguard/snapshot"
)

// policyTypes are the organization policy types read, when enabled.
var policyTypes = []orgtypes.PolicyType{orgtypes.PolicyTypeServiceControlPolicy, orgtypes.PolicyTypeResourceControlPolicy}

// tree is the organization as read from AWS Organizations.
type tree struct {
	mu       sync.Mutex // guards the maps while the walk is under way
	org      *snapshot.OrgDetails
	accounts map[string]*snapshot.OrgAccount // every account, with its parent in parent
	parent   map[string]string               // account or OU id -> parent id
	typeRead map[string]bool                 // policy type -> every policy and target of it was read
	partial  bool                            // some OU or account listing failed: accounts may be missing
}

// path returns the parents of an account or OU, root first.
func (t *tree) path(id string) []snapshot.OUPathEntry {
	var out []snapshot.OUPathEntry
	for p := t.parent[id]; p != ""; p = t.parent[p] {
		e := snapshot.OUPathEntry{ID: p, Type: "ORGANIZATIONAL_UNIT"}
		if p == t.org.RootID {
			e.Type, e.Name = "ROOT", "Root"
		} else if u := t.org.Units[p]; u != nil {
			e.Name = u.Name
		}
		out = append(out, e)
		if len(out) > 10 { // AWS allows five levels of OUs: a loop is a bug
			break
		}
	}
	slices.Reverse(out)
	return out
}

// levels returns the policies of type typ in effect on account id, one
// level per root, OU and the account itself; nil when they were not all read.
func (t *tree) levels(id, typ string) []snapshot.OrgPolicyLevel {
	if !t.typeRead[typ] {
		return nil
	}
	targets := t.path(id)
	targets = append(targets, snapshot.OUPathEntry{ID: id, Type: "ACCOUNT"})
	out := make([]snapshot.OrgPolicyLevel, 0, len(targets))
	for _, target := range targets {
		level := snapshot.OrgPolicyLevel{TargetID: target.ID, TargetType: target.Type, Policies: []snapshot.OrgPolicy{}}
		for pid, ts := range t.org.PolicyTargets {
			if t.org.PolicyTypes[pid] == typ && slices.Contains(ts, target.ID) {
				level.Policies = append(level.Policies, *t.org.Policies[pid])
			}
		}
		slices.SortFunc(level.Policies, func(a, b snapshot.OrgPolicy) int { return cmpString(a.ID, b.ID) })
		out = append(out, level)
	}
	return out
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// readOrganization reads the organization: its description and root (a
// failure there ends the run: nothing can be scanned), then the OU tree with
// its accounts, the policies and the delegated administrators, concurrently.
// Failures after the root are recorded and make the snapshot incomplete.
func (w *walk) readOrganization(ctx context.Context, t *tree, found func(id string)) error {
	client := organizations.NewFromConfig(w.cfg)
	if err := w.readOrgRoot(ctx, client, t); err != nil {
		return err
	}
	mu := &t.mu
	var wg sync.WaitGroup
	// The OU tree, breadth first: each parent's OUs and accounts.
	var visit func(parent string)
	visit = func(parent string) {
		wg.Go(func() { w.childUnits(ctx, client, t, parent, visit) })
		wg.Go(func() { w.childAccounts(ctx, client, t, parent, found) })
	}
	visit(t.org.RootID)

	for _, typ := range policyTypes {
		if !slices.Contains(t.org.PolicyTypesEnabled, string(typ)) {
			continue
		}
		wg.Go(func() {
			if w.readPolicies(ctx, client, t, mu, typ) {
				mu.Lock()
				t.typeRead[string(typ)] = true
				mu.Unlock()
			}
		})
	}
	wg.Go(func() { w.delegatedAdmins(ctx, client, t, mu) })
	wg.Wait()
	if ctx.Err() != nil {
		return errors.Join(ErrInterrupted, ctx.Err())
	}
	return nil
}

// readOrgRoot reads the organization (id, ARN, management account) and its
// root (id, enabled policy types). Either failing ends the walk.
func (w *walk) readOrgRoot(ctx context.Context, client *organizations.Client, t *tree) error {
	var desc *organizations.DescribeOrganizationOutput
	err := w.call(ctx, func(ctx context.Context) (err error) {
		desc, err = client.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
		return err
	})
	if err != nil {
		return w.fatal(ctx, "DescribeOrganization", err)
	}
	o := desc.Organization
	t.org.ID, t.org.ARN, t.org.ManagementAccountID = aws.ToString(o.Id), aws.ToString(o.Arn), aws.ToString(o.MasterAccountId)
	w.snap.Organization = t.org

	var roots *organizations.ListRootsOutput
	err = w.call(ctx, func(ctx context.Context) (err error) {
		roots, err = client.ListRoots(ctx, &organizations.ListRootsInput{})
		return err
	})
	if err != nil {
		return w.fatal(ctx, "ListRoots", err)
	}
	if len(roots.Roots) == 0 {
		return fmt.Errorf("organizations:ListRoots: organization %s has no root", t.org.ID)
	}
	root := roots.Roots[0]
	t.org.RootID = aws.ToString(root.Id)
	t.org.PolicyTypesEnabled = []string{}
	for _, pt := range root.PolicyTypes {
		if pt.Status == orgtypes.PolicyTypeStatusEnabled {
			t.org.PolicyTypesEnabled = append(t.org.PolicyTypesEnabled, string(pt.Type))
		}
	}
	sort.Strings(t.org.PolicyTypesEnabled)
	return nil
}

// childUnits records the OUs under parent and visits each. A failed listing
// marks the tree partial.
func (w *walk) childUnits(ctx context.Context, client *organizations.Client, t *tree, parent string, visit func(string)) {
	p := organizations.NewListOrganizationalUnitsForParentPaginator(client, &organizations.ListOrganizationalUnitsForParentInput{ParentId: aws.String(parent)})
	for p.HasMorePages() {
		out, err := nextPage(w, ctx, p.NextPage)
		if err != nil {
			w.fail(ctx, "organizations", "ListOrganizationalUnitsForParent", parent, err)
			t.markPartial()
			return
		}
		for _, u := range out.OrganizationalUnits {
			id := aws.ToString(u.Id)
			t.mu.Lock()
			t.org.Units[id] = &snapshot.OrgUnit{ID: id, Name: aws.ToString(u.Name), ParentID: parent}
			t.parent[id] = parent
			t.mu.Unlock()
			visit(id)
		}
	}
}

// childAccounts records the accounts directly under parent, calling found
// (when not nil) for each. A failed listing marks the tree partial.
func (w *walk) childAccounts(ctx context.Context, client *organizations.Client, t *tree, parent string, found func(string)) {
	p := organizations.NewListAccountsForParentPaginator(client, &organizations.ListAccountsForParentInput{ParentId: aws.String(parent)})
	for p.HasMorePages() {
		out, err := nextPage(w, ctx, p.NextPage)
		if err != nil {
			w.fail(ctx, "organizations", "ListAccountsForParent", parent, err)
			t.markPartial()
			return
		}
		for _, a := range out.Accounts {
			id := aws.ToString(a.Id)
			t.mu.Lock()
			t.accounts[id] = &snapshot.OrgAccount{ID: id, Name: aws.ToString(a.Name), Email: aws.ToString(a.Email), Status: string(a.Status)}
			t.parent[id] = parent
			t.mu.Unlock()
			if found != nil {
				found(id)
			}
		}
	}
}

// markPartial records that part of the OU tree could not be listed.
func (t *tree) markPartial() {
	t.mu.Lock()
	t.partial = true
	t.mu.Unlock()
}

func newTree() *tree {
	return &tree{
		org: &snapshot.OrgDetails{
			Units: map[string]*snapshot.OrgUnit{}, Policies: map[string]*snapshot.OrgPolicy{},
			PolicyTargets: map[string][]string{}, PolicyTypes: map[string]string{},
		},
		accounts: map[string]*snapshot.OrgAccount{},
		parent:   map[string]string{},
		typeRead: map[string]bool{},
	}
}

// fatal turns the failure of a call without which nothing can be scanned
// into the run's error.
func (w *walk) fatal(ctx context.Context, op string, err error) error {
	if ctx.Err() != nil {
		return errors.Join(ErrInterrupted, ctx.Err())
	}
	e := collectionError("organizations", op, w.cfg.Region, "", err)
	hint := ""
	switch e.Code {
	case "AWSOrganizationsNotInUseException":
		hint = ": account " + w.caller + " is not in an organization"
	case "AccessDeniedException", "AccessDenied":
		hint = ": run with credentials of the management account or of a delegated administrator of AWS Organizations, allowed the calls of trailguard iam-policy"
	}
	return fmt.Errorf("organizations:%s failed for account %s: %s: %s%s", op, w.caller, e.Code, e.Message, hint)
}

// readPolicies reads every policy of one type with its document and
// targets. It reports whether all of them were read.
func (w *walk) readPolicies(ctx context.Context, client *organizations.Client, t *tree, mu *sync.Mutex, typ orgtypes.PolicyType) bool {
	var ids []orgtypes.PolicySummary
	p := organizations.NewListPoliciesPaginator(client, &organizations.ListPoliciesInput{Filter: typ})
	for p.HasMorePages() {
		out, err := nextPage(w, ctx, p.NextPage)
		if err != nil {
			w.fail(ctx, "organizations", "ListPolicies", string(typ), err)
			return false
		}
		ids = append(ids, out.Policies...)
	}
	ok := &flag{v: true}
	var wg sync.WaitGroup
	for _, sum := range ids {
		id := aws.ToString(sum.Id)
		pol := &snapshot.OrgPolicy{ID: id, ARN: aws.ToString(sum.Arn), Name: aws.ToString(sum.Name), AWSManaged: sum.AwsManaged}
		mu.Lock()
		t.org.Policies[id] = pol
		t.org.PolicyTypes[id] = string(typ)
		t.org.PolicyTargets[id] = []string{}
		mu.Unlock()
		wg.Go(func() {
			var out *organizations.DescribePolicyOutput
			err := w.call(ctx, func(ctx context.Context) (err error) {
				out, err = client.DescribePolicy(ctx, &organizations.DescribePolicyInput{PolicyId: aws.String(id)})
				return err
			})
			var doc any
			if err == nil && out.Policy != nil {
				doc, err = parseDocument(aws.ToString(out.Policy.Content))
			}
			if err != nil {
				w.fail(ctx, "organizations", "DescribePolicy", id, err)
				ok.set(false)
				return
			}
			mu.Lock()
			pol.Document = doc
			mu.Unlock()
		})
		wg.Go(func() {
			p := organizations.NewListTargetsForPolicyPaginator(client, &organizations.ListTargetsForPolicyInput{PolicyId: aws.String(id)})
			var targets []string
			for p.HasMorePages() {
				out, err := nextPage(w, ctx, p.NextPage)
				if err != nil {
					w.fail(ctx, "organizations", "ListTargetsForPolicy", id, err)
					ok.set(false)
					return
				}
				for _, tg := range out.Targets {
					targets = append(targets, aws.ToString(tg.TargetId))
				}
			}
			sort.Strings(targets)
			mu.Lock()
			t.org.PolicyTargets[id] = append([]string{}, targets...)
			mu.Unlock()
		})
	}
	wg.Wait()
	return ok.get() && ctx.Err() == nil
}

// flag is a boolean set from several goroutines.
type flag struct {
	mu sync.Mutex
	v  bool
}

func (f *flag) set(v bool) { f.mu.Lock(); f.v = v; f.mu.Unlock() }
func (f *flag) get() bool  { f.mu.Lock(); defer f.mu.Unlock(); return f.v }

// delegatedAdmins reads the delegated administrators and their services.
func (w *walk) delegatedAdmins(ctx context.Context, client *organizations.Client, t *tree, mu *sync.Mutex) {
	var admins []string
	p := organizations.NewListDelegatedAdministratorsPaginator(client, &organizations.ListDelegatedAdministratorsInput{})
	for p.HasMorePages() {
		out, err := nextPage(w, ctx, p.NextPage)
		if err != nil {
			w.fail(ctx, "organizations", "ListDelegatedAdministrators", "", err)
			return
		}
		for _, a := range out.DelegatedAdministrators {
			admins = append(admins, aws.ToString(a.Id))
		}
	}
	list := []snapshot.DelegatedAdmin{}
	var wg sync.WaitGroup
	for _, id := range admins {
		wg.Go(func() {
			p := organizations.NewListDelegatedServicesForAccountPaginator(client, &organizations.ListDelegatedServicesForAccountInput{AccountId: aws.String(id)})
			for p.HasMorePages() {
				out, err := nextPage(w, ctx, p.NextPage)
				if err != nil {
					w.fail(ctx, "organizations", "ListDelegatedServicesForAccount", id, err)
					mu.Lock()
					list = append(list, snapshot.DelegatedAdmin{AccountID: id})
					mu.Unlock()
					return
				}
				mu.Lock()
				for _, s := range out.DelegatedServices {
					list = append(list, snapshot.DelegatedAdmin{AccountID: id, ServicePrincipal: aws.ToString(s.ServicePrincipal)})
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	slices.SortFunc(list, func(a, b snapshot.DelegatedAdmin) int {
		if n := cmpString(a.AccountID, b.AccountID); n != 0 {
			return n
		}
		return cmpString(a.ServicePrincipal, b.ServicePrincipal)
	})
	mu.Lock()
	t.org.DelegatedAdministrators = list
	mu.Unlock()
}

// parseDocument parses a policy document, keeping numbers exact.
func parseDocument(text string) (any, error) {
	dec := json.NewDecoder(bytes.NewReader([]byte(text)))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, malformedPolicy{fmt.Sprintf("the policy document is not JSON: %v", err)}
	}
	return doc, nil
}

// malformedPolicy is a policy document AWS returned that is not JSON.
type malformedPolicy struct{ msg string }

func (e malformedPolicy) Error() string { return e.msg }

// nextPage reads the next page of an SDK paginator through the run's slots.
func nextPage[O, T any](w *walk, ctx context.Context, next func(context.Context, ...func(*O)) (T, error)) (T, error) {
	var out T
	err := w.call(ctx, func(ctx context.Context) (err error) {
		out, err = next(ctx)
		return err
	})
	return out, err
}
