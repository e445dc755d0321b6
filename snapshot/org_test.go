package snapshot

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadAnyFileOrganization(t *testing.T) {
	doc, err := ReadAnyFile("../testdata/org.json")
	if err != nil {
		t.Fatal(err)
	}
	if !IsOrganization(doc) {
		t.Fatal("testdata/org.json is not read as an organization snapshot")
	}
	if _, err := ReadFile("../testdata/org.json"); err == nil || !strings.Contains(err.Error(), "organization snapshot") {
		t.Errorf("ReadFile on an organization snapshot: got %v, want a clear refusal", err)
	}
	single, err := ReadAnyFile("../testdata/compliant.json")
	if err != nil || IsOrganization(single) {
		t.Fatalf("compliant.json: %v, organization %v", err, IsOrganization(single))
	}
}

func TestOrganizationSchemaErrors(t *testing.T) {
	orig, err := os.ReadFile("../testdata/org.json")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ name, from, to, want string }{
		{"bad account snapshot", `"is_logging": true`, `"is_logging": "yes"`, "does not match the organization snapshot schema: at /accounts/"},
		{"scanned without snapshot", `"scanned": false`, `"scanned": true`, "does not match the organization snapshot schema: at /accounts/"},
		{"unknown kind", `"kind": "organization"`, `"kind": "org"`, `kind org is unknown`},
		{"truncated", `"shared": {`, `"shared": {{`, "invalid JSON"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data := strings.Replace(string(orig), c.from, c.to, 1)
			if data == string(orig) {
				t.Fatalf("%q not found in org.json", c.from)
			}
			p := filepath.Join(t.TempDir(), "org.json")
			os.WriteFile(p, []byte(data), 0o644)
			_, err := ReadAnyFile(p)
			if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("got %v, want one line containing %q", err, c.want)
			}
		})
	}
}

func TestAccountInputs(t *testing.T) {
	doc, err := ReadAnyFile("../testdata/org.json")
	if err != nil {
		t.Fatal(err)
	}
	ins := AccountInputs(doc)
	byID := map[string]AccountInput{}
	for _, in := range ins {
		byID[in.ID] = in
	}
	if len(ins) != 7 {
		t.Fatalf("got %d accounts, want 7", len(ins))
	}
	const bucket = "aws-cloudtrail-logs-333344445555-7c41e9d2"
	const key = "arn:aws:kms:us-east-1:333344445555:key/1d7f3b9e-5c2a-4e8d-a6f0-3b9c7e1d5a24"
	for _, in := range ins {
		if in.Scanned {
			if err := Validate(in.Doc); err != nil {
				t.Errorf("the joined input of %s does not match the snapshot schema: %v", in.ID, err)
			}
		}
	}
	member := byID["222233334444"]
	if !member.Scanned || member.Doc == nil {
		t.Fatal("222233334444 is not scanned")
	}
	if _, ok := object(member.Doc, "buckets")[bucket]; !ok {
		t.Error("the member's input lacks the shared bucket")
	}
	if _, ok := object(member.Doc, "kms_keys")[key]; !ok {
		t.Error("the member's input lacks the shared key")
	}
	for _, e := range member.Doc["errors"].([]any) {
		if r := str(e.(map[string]any), "resource"); r == bucket || r == key {
			t.Errorf("the member's error about %s is still there", r)
		}
	}
	if len(object(member.Doc, "alarms")) == 0 {
		t.Error("the member's input lacks the management account's alarms on the shared log group")
	}
	// The original snapshot is untouched.
	orig := object(object(object(doc, "accounts"), "222233334444"), "snapshot")
	if _, ok := object(orig, "buckets")[bucket]; ok {
		t.Error("joining changed the account's own snapshot")
	}
	org := object(member.Doc, "organization")
	scps, _ := org["service_control_policies"].([]any)
	if len(scps) != 3 {
		t.Fatalf("member SCP levels: got %d, want root, OU, account", len(scps))
	}
	levels := []string{}
	for _, l := range scps {
		m := l.(map[string]any)
		levels = append(levels, str(m, "target_type")+":"+str(m, "target_id")+":"+strings.Repeat("p", len(m["policies"].([]any))))
	}
	if got, want := strings.Join(levels, " "), "ROOT:r-k3x9:p ORGANIZATIONAL_UNIT:ou-k3x9-9d1e4c7a:pp ACCOUNT:222233334444:p"; got != want {
		t.Errorf("SCP levels: got %s, want %s", got, want)
	}
	if org["account_name"] != "workload-prod" || org["is_management_account"] != false {
		t.Errorf("organization: %v", org)
	}
	mgmt := object(byID["111111111111"].Doc, "organization")
	if mgmt["is_management_account"] != true || len(mgmt["service_control_policies"].([]any)) != 0 {
		t.Errorf("management account: SCPs must have no effect, got %v", mgmt["service_control_policies"])
	}
	sandbox := byID["777788889999"]
	if sandbox.Scanned || sandbox.Doc != nil || !strings.Contains(sandbox.NotScannedReason(), "sts AssumeRole: AccessDenied: User: arn:aws:sts::111111111111") {
		t.Errorf("sandbox: %+v: %s", sandbox, sandbox.NotScannedReason())
	}
	if r := byID["888899990000"].NotScannedReason(); !strings.Contains(r, "status SUSPENDED") {
		t.Errorf("suspended: %s", r)
	}
}

func TestOrgDocument(t *testing.T) {
	s := &OrgSnapshot{
		SchemaVersion: "1", Kind: OrgSnapshotKind, Partition: "aws", CollectedAt: "2026-11-24T06:00:00Z",
		Organization: &OrgDetails{ID: "o-abcdefghij", ManagementAccountID: "111111111111"},
		Accounts: map[string]*OrgAccount{"222222222222": {ID: "222222222222", Name: "locked",
			Error: &CollectionError{Service: "sts", Operation: "AssumeRole", Code: "AccessDenied", Message: "not authorized"}}},
		Errors: []CollectionError{},
	}
	doc, err := OrgDocument(s)
	if err != nil {
		t.Fatal(err)
	}
	ins := AccountInputs(doc)
	if !IsOrganization(doc) || len(ins) != 1 || ins[0].Scanned ||
		ins[0].NotScannedReason() != "account 222222222222 (locked) was not scanned: sts AssumeRole: AccessDenied: not authorized" {
		t.Errorf("got %+v", ins)
	}
	s.Organization.ID = "not-an-org-id"
	if _, err := OrgDocument(s); err == nil || !strings.Contains(err.Error(), "at /organization/id") {
		t.Errorf("an invalid organization id: got %v", err)
	}
}

func TestAccountInputsCompleteTheOrganizationTrail(t *testing.T) {
	// A member may not call ListTags on the organization trail
	// (CloudTrailARNInvalidException): the management account read it.
	doc, err := ReadAnyFile("../testdata/org-collected.json")
	if err != nil {
		t.Fatal(err)
	}
	const trail = "arn:aws:cloudtrail:us-east-1:111111111111:trail/aws-controltower-BaselineCloudTrail"
	own := object(object(object(object(doc, "accounts"), "444444444444"), "snapshot"), "trails")[trail].(map[string]any)
	if _, ok := own["tags"]; ok || !hasErrorsAbout(object(object(object(doc, "accounts"), "444444444444"), "snapshot"), trail) {
		t.Fatal("the fixture changed: the member's copy of the organization trail should lack its tags, with an error")
	}
	for _, in := range AccountInputs(doc) {
		if in.ID != "444444444444" {
			continue
		}
		got := object(in.Doc, "trails")[trail].(map[string]any)
		if len(object(got, "tags")) == 0 {
			t.Error("the organization trail's tags were not taken from the management account's snapshot")
		}
		if hasErrorsAbout(in.Doc, trail) {
			t.Error("the member's error about the organization trail is still there")
		}
	}
}

// A member that could not read the organization's root access features gets
// the management account's answer, only when it names this organization,
// and never in place of its own answer.
func TestAccountInputsOrganizationFeatures(t *testing.T) {
	const mgmt, member, own = "111111111111", "222233334444", "333344445555"
	for _, c := range []struct {
		name, orgID string
		want        bool
	}{
		{"the organization's answer", "o-7h2kq9x4mz", true},
		{"another organization's answer", "o-zzzzzzzzzz", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			doc := readOrg(t)
			snap := func(id string) map[string]any {
				return object(object(object(doc, "accounts"), id), "snapshot")
			}
			object(snap(mgmt), "iam")["organization_features"] = map[string]any{"organization_id": c.orgID, "enabled_features": []any{"RootCredentialsManagement"}}
			object(snap(own), "iam")["organization_features"] = map[string]any{"organization_id": c.orgID, "enabled_features": []any{}}
			snap(member)["errors"] = append(list(snap(member), "errors"), map[string]any{"service": "iam", "operation": "ListOrganizationsFeatures", "resource": member, "code": "AccountNotManagementOrDelegatedAdministratorException"})
			ins := map[string]Document{}
			for _, in := range AccountInputs(doc) {
				ins[in.ID] = in.Doc
			}
			f := object(object(ins[member], "iam"), "organization_features")
			if got := f != nil; got != c.want {
				t.Fatalf("member's organization_features %v, want filled: %v", f, c.want)
			}
			if c.want && fmt.Sprint(f["enabled_features"]) != "[RootCredentialsManagement]" {
				t.Errorf("member's organization_features %v, want the management account's", f)
			}
			stillErr := strings.Contains(fmt.Sprint(ins[member]["errors"]), "ListOrganizationsFeatures")
			if stillErr == c.want {
				t.Errorf("member's ListOrganizationsFeatures error kept: %v (features filled: %v)", stillErr, c.want)
			}
			if got := fmt.Sprint(object(object(ins[own], "iam"), "organization_features")["enabled_features"]); got != "[]" {
				t.Errorf("an account's own answer was replaced: %s", got)
			}
		})
	}
}

// A member's collector leaves the organization trail's tags to its owner
// (tags_from_owner, no ListTags call, no error): the join takes them from
// the owner's snapshot.
func TestAccountInputsTagsFromOwner(t *testing.T) {
	doc, err := ReadAnyFile("../testdata/org-collected.json")
	if err != nil {
		t.Fatal(err)
	}
	const member, trailARN = "444444444444", "arn:aws:cloudtrail:us-east-1:111111111111:trail/aws-controltower-BaselineCloudTrail"
	snap := object(object(object(doc, "accounts"), member), "snapshot")
	var kept []any
	for _, e := range list(snap, "errors") {
		if str(asObject(e), "operation") != "ListTags" {
			kept = append(kept, e)
		}
	}
	snap["errors"] = kept
	trail := object(object(snap, "trails"), trailARN)
	if _, has := trail["tags"]; has {
		t.Fatal("the member's trail already has tags")
	}
	for _, fromOwner := range []bool{false, true} {
		if fromOwner {
			trail["tags_from_owner"] = true
		}
		for _, in := range AccountInputs(doc) {
			if in.ID != member {
				continue
			}
			tags := object(object(object(in.Doc, "trails"), trailARN), "tags")
			if got := tags != nil; got != fromOwner {
				t.Errorf("tags_from_owner %v: tags joined %v (%v), want %v", fromOwner, got, tags, fromOwner)
			}
		}
	}
}

// The organization's account list reaches every account's input as
// account_ids when the snapshot has it. An older snapshot (or one whose OU
// tree was not read in full) has none: the accounts it holds are given as
// known_account_ids, members but maybe not all of them (an account left out
// by --accounts or --ou is not there), never as account_ids, which would
// make every other account an outsider.
func TestAccountInputsAccountList(t *testing.T) {
	const audit = "555566667777"
	all := []any{"111111111111", "222233334444", "333344445555", audit, "666677778888", "777788889999", "888899990000"}
	withoutAudit := []any{"111111111111", "222233334444", "333344445555", "666677778888", "777788889999", "888899990000"}
	for _, c := range []struct {
		name          string
		listed        []any // organization.account_ids of the snapshot; nil: absent
		leaveOutAudit bool
		wantIDs       []any // account_ids of each input; nil: absent
		wantKnown     []any // known_account_ids of each input; nil: absent
	}{
		{"older snapshot of every account", nil, false, nil, all},
		{"older snapshot collected with --accounts", nil, true, nil, withoutAudit},
		{"listed organization", all, false, all, nil},
		{"listed organization collected with --accounts", all, true, all, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			doc := readOrg(t)
			if _, ok := object(doc, "organization")["account_ids"]; ok {
				t.Fatal("testdata/org.json has organization.account_ids: it no longer stands for an older snapshot")
			}
			if c.listed != nil {
				object(doc, "organization")["account_ids"] = c.listed
			}
			if c.leaveOutAudit {
				delete(object(doc, "accounts"), audit)
			}
			scanned := 0
			for _, in := range AccountInputs(doc) {
				if !in.Scanned {
					continue
				}
				scanned++
				org := object(in.Doc, "organization")
				ids, hasIDs := org["account_ids"]
				known, hasKnown := org["known_account_ids"]
				if hasIDs != (c.wantIDs != nil) || c.wantIDs != nil && fmt.Sprint(ids) != fmt.Sprint(c.wantIDs) {
					t.Errorf("%s: account_ids %v (present %v), want %v", in.ID, ids, hasIDs, c.wantIDs)
				}
				if hasKnown != (c.wantKnown != nil) || c.wantKnown != nil && fmt.Sprint(known) != fmt.Sprint(c.wantKnown) {
					t.Errorf("%s: known_account_ids %v (present %v), want %v", in.ID, known, hasKnown, c.wantKnown)
				}
				if err := Validate(in.Doc); err != nil {
					t.Errorf("the input of %s does not match the snapshot schema: %v", in.ID, err)
				}
			}
			if scanned == 0 {
				t.Fatal("no scanned account")
			}
		})
	}
}
