package snapshot

// The types below are the Go form of an organization snapshot: the document
// `trailguard collect --org` writes and `trailguard eval` reads. It holds the
// organization (OU tree, SCPs/RCPs and their targets), every account in scope
// with its own single-account Snapshot (exactly today's document), and the
// resources that accounts share (the organization trail's bucket, its KMS
// key, a central log group), each read once with its owner's credentials.
//
// Evaluation joins them per account: the account's snapshot, plus the shared
// resources it uses but could not read itself, plus its place in the
// organization (Organization.OUPath and the SCP/RCP levels in effect on it),
// is the input of the checks, so that the built-in and custom checks run
// unchanged on each account.

// OrgSnapshotKind is the value of OrgSnapshot.Kind.
const OrgSnapshotKind = "organization"

// OrgSnapshot is a whole organization snapshot document.
type OrgSnapshot struct {
	SchemaVersion string `json:"schema_version"`
	// Kind is always "organization"; a single-account snapshot has no kind.
	Kind         string                 `json:"kind"`
	Partition    string                 `json:"partition"`
	CollectedAt  string                 `json:"collected_at"`
	Complete     bool                   `json:"complete"`
	Collector    string                 `json:"collector,omitempty"`
	Organization *OrgDetails            `json:"organization"`
	Accounts     map[string]*OrgAccount `json:"accounts"`
	Shared       *SharedResources       `json:"shared,omitempty"`
	// Shard is set when the collection was one shard of N (--shard K/N):
	// eval merges the N files (MergeShards).
	Shard *ShardInfo `json:"shard,omitempty"`
	// Errors are the failed organization-level calls (Organizations, STS
	// AssumeRole, shared resources); each account's own failures stay in its snapshot.
	Errors []CollectionError `json:"errors"`
}

// OrgDetails describes the organization as its management account (or a
// delegated administrator) sees it.
type OrgDetails struct {
	ID                  string `json:"id"`
	ARN                 string `json:"arn,omitempty"`
	ManagementAccountID string `json:"management_account_id"`
	RootID              string `json:"root_id,omitempty"`
	// AccountIDs lists every account of the organization, in scope of the
	// scan or not; nil when the OU tree could not be read in full.
	AccountIDs              []string              `json:"account_ids,omitzero"`
	PolicyTypesEnabled      []string              `json:"policy_types_enabled,omitzero"`
	DelegatedAdministrators []DelegatedAdmin      `json:"delegated_administrators,omitzero"`
	Units                   map[string]*OrgUnit   `json:"units,omitzero"`
	Policies                map[string]*OrgPolicy `json:"policies,omitzero"`
	// PolicyTargets maps a policy id to the ids (root, OU, account) it is attached to.
	PolicyTargets map[string][]string `json:"policy_targets,omitzero"`
	// PolicyTypes maps a policy id to its type (SERVICE_CONTROL_POLICY, RESOURCE_CONTROL_POLICY).
	PolicyTypes map[string]string `json:"policy_types,omitzero"`
}

// DelegatedAdmin is an account registered as delegated administrator of a service.
type DelegatedAdmin struct {
	AccountID        string `json:"account_id"`
	ServicePrincipal string `json:"service_principal,omitempty"`
}

// OrgUnit is an organizational unit.
type OrgUnit struct {
	ID       string `json:"id"`
	Name     string `json:"name,omitempty"`
	ParentID string `json:"parent_id,omitempty"`
}

// OrgAccount is one account of the organization in scope of the scan.
type OrgAccount struct {
	ID     string        `json:"id"`
	Name   string        `json:"name,omitempty"`
	Email  string        `json:"email,omitempty"`
	Status string        `json:"status,omitempty"`
	OUPath []OUPathEntry `json:"ou_path,omitzero"`
	// Scanned is false when the account could not be entered (role missing or
	// not assumable, suspended): Snapshot is then nil and Error says why, and
	// every check reports UNKNOWN for the account.
	Scanned  bool             `json:"scanned"`
	Error    *CollectionError `json:"error,omitempty"`
	Snapshot *Snapshot        `json:"snapshot,omitempty"`
}

// SharedResources are resources used by one account and owned by another
// account of the organization, read once with the owner's credentials.
// Keys are as in Snapshot (bucket name, key ARN, log group ARN).
type SharedResources struct {
	Buckets   map[string]*Bucket   `json:"buckets,omitzero"`
	KMSKeys   map[string]*KMSKey   `json:"kms_keys,omitzero"`
	LogGroups map[string]*LogGroup `json:"log_groups,omitzero"`
	// Alarms and SNSTopics are the owner's alarms on the shared log groups'
	// metric filters and the topics they notify (as in Snapshot).
	Alarms    map[string]*Alarm    `json:"alarms,omitzero"`
	SNSTopics map[string]*SNSTopic `json:"sns_topics,omitzero"`
	// Errors are the failed reads of shared resources.
	Errors []CollectionError `json:"errors,omitzero"`
}
