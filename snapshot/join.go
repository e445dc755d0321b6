package snapshot

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
)

// AccountInput is one account of an organization snapshot, ready to evaluate.
type AccountInput struct {
	ID     string
	Name   string
	Status string
	// OUPath names the account's parents, root first, e.g. "Root/Workloads".
	OUPath  string
	Scanned bool
	// Error is why the account was not scanned (the AWS error), when it was not.
	Error *CollectionError
	// Doc is the account's evaluation input when it was scanned: its own
	// snapshot joined with the shared resources it uses and its place in the
	// organization (see AccountInputs). Nil when the account was not scanned.
	Doc Document
}

// AccountInputs returns the accounts of the organization snapshot org (a
// parsed, validated document), sorted by id. The input of a scanned account
// is its own snapshot, plus:
//
//   - each bucket, KMS key and log group that its trails and event data
//     stores use and that the account could not read itself (absent, or read
//     with errors), taken from the organization's shared resources or, failing
//     that, from the snapshot of the account that owns it; the account's
//     errors about a resource so filled in are dropped, since the resource is
//     now known. A log group taken from elsewhere brings along its owner's
//     alarms on its metric filters and the SNS topics they notify (the
//     shared alarms and topics, else the owner's snapshot's);
//   - the fields of another account's trail (the organization trail) that
//     the account could not read, from the owner's own snapshot;
//   - iam.organization_features (whether the organization manages its
//     members' root credentials centrally), when the account could not read
//     it, from the account of the organization that did (the management
//     account, else a delegated administrator); the account's error about
//     iam:ListOrganizationsFeatures is then dropped;
//   - organization: the organization's id and management account, the
//     account's name and OU path (root first), every account of the
//     organization (account_ids) when the snapshot lists them, else the
//     accounts it holds (known_account_ids), the policy types enabled, and
//     the Service and Resource Control Policies in effect on it, one level
//     per entry (root, each OU, the account) with their documents. Absent
//     when the organization's policies were not read; empty for the
//     management account, on which organization policies have no effect.
//
// The documents share unchanged parts with org: treat them as read-only.
func AccountInputs(org Document) []AccountInput {
	j := newJoiner(org)
	accounts, _ := org["accounts"].(map[string]any)
	out := make([]AccountInput, 0, len(accounts))
	for _, id := range slices.Sorted(maps.Keys(accounts)) {
		acct, _ := accounts[id].(map[string]any)
		in := AccountInput{ID: id, Name: str(acct, "name"), Status: str(acct, "status"), OUPath: j.ouPath(acct)}
		snap, _ := acct["snapshot"].(map[string]any)
		if scanned, _ := acct["scanned"].(bool); scanned && snap != nil {
			in.Scanned = true
			in.Doc = j.join(id, acct, snap)
		} else {
			in.Error = collectionError(acct["error"])
		}
		out = append(out, in)
	}
	return out
}

// ouPath names the parents of acct, root first ("Root/Workloads"); an
// entry without a name is named after its unit, else its id.
func (j *joiner) ouPath(acct map[string]any) string {
	path, _ := acct["ou_path"].([]any)
	names := make([]string, 0, len(path))
	for _, p := range path {
		e, _ := p.(map[string]any)
		name := str(e, "name")
		if name == "" {
			name = str(object(object(j.org, "units"), str(e, "id")), "name")
		}
		if name == "" {
			name = str(e, "id")
		}
		names = append(names, name)
	}
	return strings.Join(names, "/")
}

// OrgIdentity returns the organization id and management account of an organization snapshot.
func OrgIdentity(org Document) (id, managementAccount string) {
	o := object(org, "organization")
	return str(o, "id"), str(o, "management_account_id")
}

// NotScannedReason is the one-line reason an account was not scanned.
func (a AccountInput) NotScannedReason() string {
	var b strings.Builder
	fmt.Fprintf(&b, "account %s", a.ID)
	if a.Name != "" {
		fmt.Fprintf(&b, " (%s)", a.Name)
	}
	b.WriteString(" was not scanned")
	if a.Status != "" && a.Status != "ACTIVE" {
		fmt.Fprintf(&b, " (status %s)", a.Status)
	}
	if e := a.Error; e != nil {
		fmt.Fprintf(&b, ": %s %s: %s", e.Service, e.Operation, e.Code)
		if e.Message != "" {
			fmt.Fprintf(&b, ": %s", strings.Join(strings.Fields(e.Message), " "))
		}
	} else {
		b.WriteString(": the snapshot does not say why")
	}
	return b.String()
}

func collectionError(v any) *CollectionError {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	return &CollectionError{Service: str(m, "service"), Operation: str(m, "operation"), Region: str(m, "region"),
		Resource: str(m, "resource"), Code: str(m, "code"), Message: str(m, "message")}
}

func str(m map[string]any, k string) string { s, _ := m[k].(string); return s }

func object(m map[string]any, k string) map[string]any { o, _ := m[k].(map[string]any); return o }

type joiner struct {
	org     map[string]any // the "organization" object
	idsOnce sync.Once
	ids     []any // knownAccountIDs
	// featuresOnce guards features, organizationFeatures' answer.
	featuresOnce sync.Once
	features     map[string]any
	shared       map[string]any
	accounts     map[string]any
}

func newJoiner(doc Document) *joiner {
	return &joiner{org: object(doc, "organization"), shared: object(doc, "shared"), accounts: object(doc, "accounts")}
}

// The resource kinds a member may use from another account: the map of the
// snapshot (and of shared) that holds them.
const (
	kindBuckets   = "buckets"
	kindKeys      = "kms_keys"
	kindLogGroups = "log_groups"
)

// join builds the evaluation input of a scanned account.
func (j *joiner) join(id string, acct, snap map[string]any) Document {
	doc := maps.Clone(snap)
	filled := map[string]bool{} // resource keys filled in from elsewhere
	cloned := map[string]bool{} // maps of doc already copied from snap
	for _, ref := range usedResources(snap) {
		own := object(snap, ref.kind)
		if _, ok := own[ref.key]; ok && !hasErrorsAbout(snap, ref.key) {
			continue // read by the account itself
		}
		res, owner := j.lookup(ref, id)
		if res == nil {
			continue
		}
		if !cloned[ref.kind] {
			m := maps.Clone(own)
			if m == nil {
				m = map[string]any{}
			}
			doc[ref.kind] = m
			cloned[ref.kind] = true
		}
		doc[ref.kind].(map[string]any)[ref.key] = res
		filled[ref.key] = true
		if ref.kind == kindLogGroups {
			if _, ok := j.shared["alarms"].(map[string]any); ok {
				j.addAlarms(doc, snap, res, j.shared) // read with the log group, by the organization walk
			} else if owner != nil {
				j.addAlarms(doc, snap, res, owner)
			}
		}
	}
	j.fillTrails(id, doc, snap, filled)
	featuresFilled := j.fillOrganizationFeatures(doc, snap)
	if len(filled) > 0 || featuresFilled {
		errs, _ := snap["errors"].([]any)
		kept := make([]any, 0, len(errs))
		for _, e := range errs {
			m, ok := e.(map[string]any)
			if ok && (filled[str(m, "resource")] || featuresFilled && str(m, "service") == "iam" && str(m, "operation") == opListOrganizationsFeatures) {
				continue
			}
			kept = append(kept, e)
		}
		doc["errors"] = kept
	}
	if j.org != nil {
		doc["organization"] = j.organization(id, acct, object(snap, "organization"))
	}
	return doc
}

// opListOrganizationsFeatures is the IAM call that says whether the
// organization manages its members' root credentials centrally.
const opListOrganizationsFeatures = "ListOrganizationsFeatures"

// fillOrganizationFeatures gives an account that could not read its
// organization's centralized root access features (iam:ListOrganizationsFeatures
// answers only the management account and IAM's delegated administrator) the
// answer another account of the same organization read in the scan: the
// management account's, else a delegated administrator's whose answer names
// this organization. The root user checks of every member then know whether
// root credentials are managed centrally. Nothing is filled when the
// account's IAM was not read, or when no account of the organization read the
// features (the checks stay UNKNOWN). It reports whether doc was changed.
func (j *joiner) fillOrganizationFeatures(doc, snap map[string]any) bool {
	iam := object(snap, "iam")
	if iam == nil {
		return false
	}
	if _, ok := iam["organization_features"]; ok {
		return false
	}
	f := j.organizationFeatures()
	if f == nil {
		return false
	}
	filled := maps.Clone(iam)
	filled["organization_features"] = f
	doc["iam"] = filled
	return true
}

// organizationFeatures is the organization's answer to
// iam:ListOrganizationsFeatures as read by one of its accounts in the scan
// (the management account first), computed once; nil when none read it.
func (j *joiner) organizationFeatures() map[string]any {
	j.featuresOnce.Do(func() {
		orgID, mgmt := str(j.org, "id"), str(j.org, "management_account_id")
		ids := slices.Sorted(maps.Keys(j.accounts))
		ids = slices.DeleteFunc(ids, func(id string) bool { return id == mgmt })
		for _, id := range append([]string{mgmt}, ids...) {
			f := object(object(object(object(j.accounts, id), "snapshot"), "iam"), "organization_features")
			if f != nil && orgID != "" && str(f, "organization_id") == orgID {
				j.features = f
				return
			}
		}
	})
	return j.features
}

type resourceRef struct{ kind, key string }

// usedResources lists the buckets, keys and log groups that the trails and
// event data stores of snap use, as keys of the snapshot's maps.
func usedResources(snap map[string]any) []resourceRef {
	var refs []resourceRef
	seen := map[resourceRef]bool{}
	add := func(kind, key string) {
		r := resourceRef{kind, key}
		if key != "" && !seen[r] {
			seen[r] = true
			refs = append(refs, r)
		}
	}
	trails := object(snap, "trails")
	for _, arn := range slices.Sorted(maps.Keys(trails)) {
		t, _ := trails[arn].(map[string]any)
		add(kindBuckets, str(t, "s3_bucket_name"))
		add(kindKeys, str(t, "kms_key_id"))
		add(kindLogGroups, strings.TrimSuffix(str(t, "cloudwatch_logs_log_group_arn"), ":*"))
	}
	stores := object(snap, "event_data_stores")
	for _, arn := range slices.Sorted(maps.Keys(stores)) {
		s, _ := stores[arn].(map[string]any)
		add(kindKeys, str(s, "kms_key_id"))
	}
	return refs
}

// fillTrails completes the trails of another account that account id sees
// (the organization trail as a member sees it) but could not read in full
// (errors recorded about the trail, e.g. ListTags refused to a member by
// older collectors, or tags_from_owner: the tags are the owner's to read): the
// fields it lacks are taken from the owner's own snapshot when the owner read
// the trail without errors, and the trail's keys are added to filled.
func (j *joiner) fillTrails(id string, doc, snap map[string]any, filled map[string]bool) {
	trails := object(snap, "trails")
	var out map[string]any
	for _, arn := range slices.Sorted(maps.Keys(trails)) {
		t, _ := trails[arn].(map[string]any)
		owner := cmpOr(str(t, "owner_account_id"), arnAccount(arn))
		if fromOwner, _ := t["tags_from_owner"].(bool); owner == id || !fromOwner && !hasErrorsAbout(snap, arn) {
			continue
		}
		ownerSnap := object(object(j.accounts, owner), "snapshot")
		full, ok := object(ownerSnap, "trails")[arn].(map[string]any)
		if !ok || hasErrorsAbout(ownerSnap, arn) {
			continue
		}
		merged := maps.Clone(t)
		for k, v := range full {
			if _, has := merged[k]; !has {
				merged[k] = v
			}
		}
		if out == nil {
			out = maps.Clone(trails)
			doc["trails"] = out
		}
		out[arn] = merged
		filled[arn] = true
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// hasErrorsAbout tells whether snap recorded a failed call about resource key.
func hasErrorsAbout(snap map[string]any, key string) bool {
	errs, _ := snap["errors"].([]any)
	for _, e := range errs {
		if m, ok := e.(map[string]any); ok && str(m, "resource") == key {
			return true
		}
	}
	return false
}

// lookup finds a resource that account self could not read: in the shared
// resources, else in the snapshot of another scanned account that read it
// without errors. It returns the resource and, when known, the snapshot of
// its owner.
func (j *joiner) lookup(ref resourceRef, self string) (res any, owner map[string]any) {
	if r, ok := object(j.shared, ref.kind)[ref.key]; ok {
		return r, j.ownerSnapshot(ref, r, self)
	}
	for _, id := range slices.Sorted(maps.Keys(j.accounts)) {
		if id == self {
			continue
		}
		snap := object(object(j.accounts, id), "snapshot")
		if r, ok := object(snap, ref.kind)[ref.key]; ok && !hasErrorsAbout(snap, ref.key) {
			return r, snap
		}
	}
	return nil, nil
}

// ownerSnapshot is the snapshot of the account that owns a shared resource, when scanned.
func (j *joiner) ownerSnapshot(ref resourceRef, res any, self string) map[string]any {
	m, _ := res.(map[string]any)
	var owner string
	switch ref.kind {
	case kindBuckets:
		owner = str(m, "owner_account_id")
	case kindKeys:
		owner = str(m, "account_id")
	case kindLogGroups:
		owner = arnAccount(ref.key)
	}
	if owner == "" || owner == self {
		return nil
	}
	return object(object(j.accounts, owner), "snapshot")
}

func arnAccount(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return ""
	}
	return parts[4]
}

// addAlarms copies into doc the owner's alarms on the metrics that the log
// group's filters publish, and the SNS topics they notify, so that the alarm
// checks of a member judge the alarms where they live. When the owner did not
// read its alarms, doc keeps its own (or none: the checks say UNKNOWN).
func (j *joiner) addAlarms(doc, snap map[string]any, logGroup any, owner map[string]any) {
	lg, _ := logGroup.(map[string]any)
	filters, _ := lg["metric_filters"].([]any)
	metrics := map[[2]string]bool{}
	for _, f := range filters {
		fm, _ := f.(map[string]any)
		ts, _ := fm["metric_transformations"].([]any)
		for _, t := range ts {
			if m, ok := t.(map[string]any); ok {
				metrics[[2]string{str(m, "metric_namespace"), str(m, "metric_name")}] = true
			}
		}
	}
	ownerAlarms, ok := owner["alarms"].(map[string]any)
	if !ok {
		return
	}
	alarms := maps.Clone(object(snap, "alarms"))
	if alarms == nil {
		alarms = map[string]any{}
	}
	topics := maps.Clone(object(snap, "sns_topics"))
	ownerTopics := object(owner, "sns_topics")
	if topics == nil && ownerTopics != nil {
		topics = map[string]any{}
	}
	for arn, a := range ownerAlarms {
		am, _ := a.(map[string]any)
		if !metrics[[2]string{str(am, "namespace"), str(am, "metric_name")}] {
			continue
		}
		alarms[arn] = a
		actions, _ := am["alarm_actions"].([]any)
		for _, act := range actions {
			if s, ok := act.(string); ok {
				if t, ok := ownerTopics[s]; ok {
					topics[s] = t
				}
			}
		}
	}
	doc["alarms"] = alarms
	if topics != nil {
		doc["sns_topics"] = topics
	}
}

// Organization policy types, as AWS Organizations names them.
const (
	policyTypeSCP = "SERVICE_CONTROL_POLICY"
	policyTypeRCP = "RESOURCE_CONTROL_POLICY"
)

// organization builds input.organization for account id: what the account
// itself read (own), overlaid with what the organization walk knows.
func (j *joiner) organization(id string, acct, own map[string]any) map[string]any {
	o := maps.Clone(own)
	if o == nil {
		o = map[string]any{}
	}
	mgmt := str(j.org, "management_account_id")
	o["id"] = j.org["id"]
	o["management_account_id"] = mgmt
	o["is_management_account"] = id == mgmt
	if name := str(acct, "name"); name != "" {
		o["account_name"] = name
	}
	// Every account of the organization, as its walk listed them (in scope
	// of the scan or not): a resource owned by one of them (the log
	// archive's bucket) is known to stay inside it. Without that list (an
	// older snapshot, or an OU tree not read in full) the accounts the
	// snapshot holds are known members, but not every member: an account
	// missing from them may be one left out by --accounts or --ou as well as
	// a stranger, and the policies must not call it an outsider.
	if all, ok := j.org["account_ids"].([]any); ok {
		o["account_ids"] = all
	} else {
		o["known_account_ids"] = j.knownAccountIDs()
	}
	path, hasPath := acct["ou_path"].([]any)
	if hasPath {
		o["ou_path"] = path
	}
	if types, ok := j.org["policy_types_enabled"].([]any); ok {
		o["policy_types_enabled"] = types
	}
	policies, read := j.org["policies"].(map[string]any)
	if !read || !hasPath {
		return o // policies, or the account's place in the tree, not read: SCPs unknown
	}
	for typ, field := range map[string]string{policyTypeSCP: "service_control_policies", policyTypeRCP: "resource_control_policies"} {
		if id == mgmt || !j.typeEnabled(typ) {
			o[field] = []any{} // none in effect
			continue
		}
		o[field] = j.levels(typ, id, path, policies)
	}
	return o
}

// knownAccountIDs lists the accounts of the organization snapshot, sorted,
// computed once: members of the organization, though maybe not all of them.
func (j *joiner) knownAccountIDs() []any {
	j.idsOnce.Do(func() {
		ids := slices.Sorted(maps.Keys(j.accounts))
		j.ids = make([]any, len(ids))
		for i, id := range ids {
			j.ids[i] = id
		}
	})
	return j.ids
}

func (j *joiner) typeEnabled(typ string) bool {
	types, ok := j.org["policy_types_enabled"].([]any)
	if !ok {
		return true // not read: judge by the policies attached
	}
	return slices.Contains(types, any(typ))
}

// levels lists the policies of type typ attached at each level above account
// id: each entry of its OU path (root first), then the account.
func (j *joiner) levels(typ, id string, path []any, policies map[string]any) []any {
	types := object(j.org, "policy_types")
	targets := object(j.org, "policy_targets")
	attached := map[string][]string{} // target -> policy ids
	for _, pid := range slices.Sorted(maps.Keys(targets)) {
		t := str(types, pid)
		if t == "" {
			t = policyTypeSCP
		}
		if t != typ {
			continue
		}
		ts, _ := targets[pid].([]any)
		for _, target := range ts {
			if s, ok := target.(string); ok {
				attached[s] = append(attached[s], pid)
			}
		}
	}
	level := func(target, targetType string) map[string]any {
		ps := []any{}
		for _, pid := range attached[target] {
			if p, ok := policies[pid]; ok {
				ps = append(ps, p)
			} else {
				ps = append(ps, map[string]any{"id": pid})
			}
		}
		return map[string]any{"target_id": target, "target_type": targetType, "policies": ps}
	}
	out := make([]any, 0, len(path)+1)
	for _, p := range path {
		e, _ := p.(map[string]any)
		tt := str(e, "type")
		if tt == "" {
			tt = "ORGANIZATIONAL_UNIT"
			if strings.HasPrefix(str(e, "id"), "r-") {
				tt = "ROOT"
			}
		}
		out = append(out, level(str(e, "id"), tt))
	}
	return append(out, level(id, "ACCOUNT"))
}

// OrgDocument turns an organization snapshot as the organization walk builds
// it into the document evaluation reads (validated like a file), so that
// `scan --org` evaluates exactly what `collect --org` would have written.
func OrgDocument(s *OrgSnapshot) (Document, error) {
	data, err := json.Marshal(s)
	if err != nil {
		return nil, fmt.Errorf("encoding the organization snapshot: %w", err)
	}
	return ParseAny(data)
}
