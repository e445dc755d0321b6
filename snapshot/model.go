package snapshot

import "strconv"

// The types below are the Go form of schema/snapshot.json, used by the
// collector to write documents. Absent means "not collected" (the reason is in
// Errors), so a value that was read as false or empty must never be dropped:
// optional scalars are pointers, and optional collections are tagged omitzero,
// so that nil (not collected) disappears while an empty slice or map that AWS
// really answered encodes as [] or {}.

// Snapshot is a whole snapshot document.
type Snapshot struct {
	SchemaVersion              string                     `json:"schema_version"`
	AccountID                  string                     `json:"account_id"`
	Partition                  string                     `json:"partition"`
	CollectedAt                string                     `json:"collected_at"`
	Complete                   bool                       `json:"complete"`
	Collector                  string                     `json:"collector,omitempty"`
	Regions                    []string                   `json:"regions"`
	Organization               *Organization              `json:"organization,omitempty"`
	Trails                     map[string]*Trail          `json:"trails"`
	Buckets                    map[string]*Bucket         `json:"buckets,omitzero"`
	KMSKeys                    map[string]*KMSKey         `json:"kms_keys,omitzero"`
	LogGroups                  map[string]*LogGroup       `json:"log_groups,omitzero"`
	Alarms                     map[string]*Alarm          `json:"alarms,omitzero"`
	SNSTopics                  map[string]*SNSTopic       `json:"sns_topics,omitzero"`
	EventDataStores            map[string]*EventDataStore `json:"event_data_stores,omitzero"`
	S3AccountPublicAccessBlock *PublicAccessBlock         `json:"s3_account_public_access_block,omitempty"`
	IAM                        *IAM                       `json:"iam,omitempty"`
	Errors                     []CollectionError          `json:"errors"`
}

// Organization is the AWS Organizations membership of the account.
type Organization struct {
	ID                  string `json:"id,omitempty"`
	ManagementAccountID string `json:"management_account_id,omitempty"`
	IsManagementAccount *bool  `json:"is_management_account,omitempty"`
	// AccountIDs lists every account of the organization when an
	// organization scan listed them; nil means not listed.
	AccountIDs []string `json:"account_ids,omitzero"`
	// KnownAccountIDs, set by evaluation when AccountIDs is not known,
	// lists the accounts the organization snapshot holds: members of the
	// organization, but maybe not all of them.
	KnownAccountIDs []string `json:"known_account_ids,omitzero"`
	AccountName     string   `json:"account_name,omitempty"`
	// OUPath lists the account's parents from the root down to its OU.
	OUPath             []OUPathEntry `json:"ou_path,omitzero"`
	PolicyTypesEnabled []string      `json:"policy_types_enabled,omitzero"`
	// ServiceControlPolicies are the SCPs in effect on the account, one level
	// per entry (root, each OU, the account). nil means not read.
	ServiceControlPolicies  []OrgPolicyLevel `json:"service_control_policies,omitzero"`
	ResourceControlPolicies []OrgPolicyLevel `json:"resource_control_policies,omitzero"`
}

// OUPathEntry is one parent of an account in the OU tree.
type OUPathEntry struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	Type string `json:"type,omitempty"`
}

// OrgPolicyLevel is the set of organization policies attached at one level
// (the root, an OU or the account itself) above an account.
type OrgPolicyLevel struct {
	TargetID   string      `json:"target_id"`
	TargetType string      `json:"target_type,omitempty"`
	Policies   []OrgPolicy `json:"policies"`
}

// OrgPolicy is a Service or Resource Control Policy with its parsed document.
type OrgPolicy struct {
	ID         string `json:"id"`
	ARN        string `json:"arn,omitempty"`
	Name       string `json:"name,omitempty"`
	AWSManaged bool   `json:"aws_managed,omitempty"`
	Document   any    `json:"document,omitempty"`
}

// Trail is a CloudTrail trail as read in its home region.
type Trail struct {
	ARN                        string                  `json:"arn"`
	Name                       string                  `json:"name"`
	HomeRegion                 string                  `json:"home_region"`
	OwnerAccountID             string                  `json:"owner_account_id,omitempty"`
	IsMultiRegion              *bool                   `json:"is_multi_region,omitempty"`
	IsOrganizationTrail        *bool                   `json:"is_organization_trail,omitempty"`
	LogFileValidationEnabled   *bool                   `json:"log_file_validation_enabled,omitempty"`
	KMSKeyID                   string                  `json:"kms_key_id,omitempty"`
	S3BucketName               string                  `json:"s3_bucket_name,omitempty"`
	S3KeyPrefix                string                  `json:"s3_key_prefix,omitempty"`
	SNSTopicARN                string                  `json:"sns_topic_arn,omitempty"`
	CloudWatchLogsLogGroupARN  string                  `json:"cloudwatch_logs_log_group_arn,omitempty"`
	CloudWatchLogsRoleARN      string                  `json:"cloudwatch_logs_role_arn,omitempty"`
	IncludeGlobalServiceEvents *bool                   `json:"include_global_service_events,omitempty"`
	HasCustomEventSelectors    *bool                   `json:"has_custom_event_selectors,omitempty"`
	HasInsightSelectors        *bool                   `json:"has_insight_selectors,omitempty"`
	Status                     *TrailStatus            `json:"status,omitempty"`
	EventSelectors             []EventSelector         `json:"event_selectors,omitzero"`
	AdvancedEventSelectors     []AdvancedEventSelector `json:"advanced_event_selectors,omitzero"`
	InsightSelectors           []InsightSelector       `json:"insight_selectors,omitzero"`
	Tags                       map[string]string       `json:"tags,omitzero"`
	// TagsFromOwner is true for another account's trail (the organization
	// trail seen from a member): only its owner may read its tags
	// (ListTags), so they were not read; an organization scan takes them
	// from the owner's snapshot.
	TagsFromOwner bool `json:"tags_from_owner,omitempty"`
}

// TrailStatus is GetTrailStatus's answer.
type TrailStatus struct {
	IsLogging                         *bool  `json:"is_logging,omitempty"`
	LatestDeliveryError               string `json:"latest_delivery_error,omitempty"`
	LatestDeliveryTime                string `json:"latest_delivery_time,omitempty"`
	LatestNotificationError           string `json:"latest_notification_error,omitempty"`
	LatestCloudWatchLogsDeliveryError string `json:"latest_cloudwatch_logs_delivery_error,omitempty"`
	LatestCloudWatchLogsDeliveryTime  string `json:"latest_cloudwatch_logs_delivery_time,omitempty"`
	LatestDigestDeliveryError         string `json:"latest_digest_delivery_error,omitempty"`
	LatestDigestDeliveryTime          string `json:"latest_digest_delivery_time,omitempty"`
	StartLoggingTime                  string `json:"start_logging_time,omitempty"`
	StopLoggingTime                   string `json:"stop_logging_time,omitempty"`
}

// EventSelector is a classic event selector.
type EventSelector struct {
	ReadWriteType                 string         `json:"read_write_type,omitempty"`
	IncludeManagementEvents       *bool          `json:"include_management_events,omitempty"`
	ExcludeManagementEventSources []string       `json:"exclude_management_event_sources"`
	DataResources                 []DataResource `json:"data_resources"`
}

// DataResource is one data-event resource of a classic selector.
type DataResource struct {
	Type   string   `json:"type"`
	Values []string `json:"values"`
}

// AdvancedEventSelector is an advanced event selector.
type AdvancedEventSelector struct {
	Name           string          `json:"name,omitempty"`
	FieldSelectors []FieldSelector `json:"field_selectors"`
}

// FieldSelector is one condition of an advanced event selector.
type FieldSelector struct {
	Field         string   `json:"field"`
	Equals        []string `json:"equals,omitempty"`
	NotEquals     []string `json:"not_equals,omitempty"`
	StartsWith    []string `json:"starts_with,omitempty"`
	NotStartsWith []string `json:"not_starts_with,omitempty"`
	EndsWith      []string `json:"ends_with,omitempty"`
	NotEndsWith   []string `json:"not_ends_with,omitempty"`
}

// InsightSelector is one enabled Insights type.
type InsightSelector struct {
	InsightType     string   `json:"insight_type"`
	EventCategories []string `json:"event_categories,omitempty"`
}

// Bucket is an S3 bucket that receives trail logs.
type Bucket struct {
	Name              string             `json:"name"`
	ARN               string             `json:"arn,omitempty"`
	Region            string             `json:"region,omitempty"`
	OwnerAccountID    string             `json:"owner_account_id,omitempty"`
	Exists            *bool              `json:"exists,omitempty"`
	Policy            *BucketPolicy      `json:"policy,omitempty"`
	PolicyStatus      *PolicyStatus      `json:"policy_status,omitempty"`
	ACL               *ACL               `json:"acl,omitempty"`
	PublicAccessBlock *PublicAccessBlock `json:"public_access_block,omitempty"`
	Versioning        *Versioning        `json:"versioning,omitempty"`
	Encryption        *Encryption        `json:"encryption,omitempty"`
	Logging           *BucketLogging     `json:"logging,omitempty"`
	ObjectLock        *ObjectLock        `json:"object_lock,omitempty"`
	Lifecycle         *Lifecycle         `json:"lifecycle,omitempty"`
}

// BucketPolicy is a bucket's policy; Exists is false when it has none.
type BucketPolicy struct {
	Exists   bool `json:"exists"`
	Document any  `json:"document,omitempty"`
}

// PolicyStatus is GetBucketPolicyStatus's answer.
type PolicyStatus struct {
	IsPublic bool `json:"is_public"`
}

// ACL is a bucket's access control list.
type ACL struct {
	OwnerID string  `json:"owner_id,omitempty"`
	Grants  []Grant `json:"grants"`
}

// Grant is one ACL grant.
type Grant struct {
	GranteeType  string `json:"grantee_type,omitempty"`
	GranteeID    string `json:"grantee_id,omitempty"`
	GranteeURI   string `json:"grantee_uri,omitempty"`
	GranteeEmail string `json:"grantee_email,omitempty"`
	Permission   string `json:"permission,omitempty"`
}

// PublicAccessBlock is an S3 Block Public Access configuration (all false
// when none exists).
type PublicAccessBlock struct {
	BlockPublicACLs       bool `json:"block_public_acls"`
	IgnorePublicACLs      bool `json:"ignore_public_acls"`
	BlockPublicPolicy     bool `json:"block_public_policy"`
	RestrictPublicBuckets bool `json:"restrict_public_buckets"`
}

// Versioning is a bucket's versioning state.
type Versioning struct {
	Status    string `json:"status"`
	MFADelete string `json:"mfa_delete"`
}

// Encryption is a bucket's default encryption.
type Encryption struct {
	Rules []EncryptionRule `json:"rules"`
}

// EncryptionRule is one default-encryption rule.
type EncryptionRule struct {
	SSEAlgorithm     string `json:"sse_algorithm,omitempty"`
	KMSMasterKeyID   string `json:"kms_master_key_id,omitempty"`
	BucketKeyEnabled *bool  `json:"bucket_key_enabled,omitempty"`
}

// BucketLogging is a bucket's server access logging.
type BucketLogging struct {
	Enabled      bool   `json:"enabled"`
	TargetBucket string `json:"target_bucket,omitempty"`
	TargetPrefix string `json:"target_prefix,omitempty"`
}

// ObjectLock is a bucket's Object Lock configuration.
type ObjectLock struct {
	Enabled bool   `json:"enabled"`
	Mode    string `json:"mode,omitempty"`
	Days    *int32 `json:"days,omitempty"`
	Years   *int32 `json:"years,omitempty"`
}

// Lifecycle is a bucket's lifecycle configuration.
type Lifecycle struct {
	Rules []LifecycleRule `json:"rules"`
}

// LifecycleRule is one lifecycle rule.
type LifecycleRule struct {
	ID                              string       `json:"id,omitempty"`
	Status                          string       `json:"status,omitempty"`
	Prefix                          string       `json:"prefix,omitempty"`
	ExpirationDays                  *int32       `json:"expiration_days,omitempty"`
	NoncurrentVersionExpirationDays *int32       `json:"noncurrent_version_expiration_days,omitempty"`
	Transitions                     []Transition `json:"transitions,omitempty"`
}

// Transition is a lifecycle storage-class transition.
type Transition struct {
	Days         *int32 `json:"days,omitempty"`
	StorageClass string `json:"storage_class,omitempty"`
}

// KMSKey is a KMS key used by a trail or event data store.
type KMSKey struct {
	ARN             string `json:"arn"`
	KeyID           string `json:"key_id,omitempty"`
	AccountID       string `json:"account_id,omitempty"`
	Region          string `json:"region,omitempty"`
	Manager         string `json:"manager,omitempty"`
	State           string `json:"state,omitempty"`
	Spec            string `json:"spec,omitempty"`
	DeletionDate    string `json:"deletion_date,omitempty"`
	RotationEnabled *bool  `json:"rotation_enabled,omitempty"`
	Policy          any    `json:"policy,omitempty"`
}

// LogGroup is a CloudWatch Logs group that receives trail events.
type LogGroup struct {
	ARN             string         `json:"arn,omitempty"`
	Name            string         `json:"name"`
	Region          string         `json:"region,omitempty"`
	Exists          *bool          `json:"exists,omitempty"`
	RetentionInDays Retention      `json:"retention_in_days,omitzero"`
	KMSKeyID        string         `json:"kms_key_id,omitempty"`
	MetricFilters   []MetricFilter `json:"metric_filters,omitzero"`
}

// MetricFilter is a CloudWatch Logs metric filter.
type MetricFilter struct {
	Name                  string                 `json:"name"`
	Pattern               string                 `json:"pattern"`
	MetricTransformations []MetricTransformation `json:"metric_transformations"`
}

// MetricTransformation is the metric a filter publishes.
type MetricTransformation struct {
	MetricName      string `json:"metric_name"`
	MetricNamespace string `json:"metric_namespace"`
	MetricValue     string `json:"metric_value,omitempty"`
	// DefaultValue is published for log events that do not match; nil when none.
	DefaultValue *float64 `json:"default_value,omitempty"`
}

// Alarm is a CloudWatch metric alarm.
type Alarm struct {
	ARN                string   `json:"arn"`
	Name               string   `json:"name,omitempty"`
	Region             string   `json:"region,omitempty"`
	MetricName         string   `json:"metric_name,omitempty"`
	Namespace          string   `json:"namespace,omitempty"`
	Statistic          string   `json:"statistic,omitempty"`
	ComparisonOperator string   `json:"comparison_operator,omitempty"`
	Threshold          *float64 `json:"threshold,omitempty"`
	EvaluationPeriods  *int32   `json:"evaluation_periods,omitempty"`
	DatapointsToAlarm  *int32   `json:"datapoints_to_alarm,omitempty"`
	Period             *int32   `json:"period,omitempty"`
	ActionsEnabled     *bool    `json:"actions_enabled,omitempty"`
	AlarmActions       []string `json:"alarm_actions"`
	State              string   `json:"state,omitempty"`
}

// SNSTopic is an SNS topic that alarms notify.
type SNSTopic struct {
	ARN           string         `json:"arn"`
	Region        string         `json:"region,omitempty"`
	Subscriptions []Subscription `json:"subscriptions,omitzero"`
}

// Subscription is one SNS subscription.
type Subscription struct {
	ARN       string `json:"arn"`
	Protocol  string `json:"protocol"`
	Endpoint  string `json:"endpoint,omitempty"`
	Confirmed bool   `json:"confirmed"`
}

// EventDataStore is a CloudTrail Lake event data store.
type EventDataStore struct {
	ARN                          string                  `json:"arn"`
	Name                         string                  `json:"name,omitempty"`
	Region                       string                  `json:"region,omitempty"`
	Status                       string                  `json:"status,omitempty"`
	MultiRegionEnabled           *bool                   `json:"multi_region_enabled,omitempty"`
	OrganizationEnabled          *bool                   `json:"organization_enabled,omitempty"`
	TerminationProtectionEnabled *bool                   `json:"termination_protection_enabled,omitempty"`
	RetentionPeriod              *int32                  `json:"retention_period,omitempty"`
	KMSKeyID                     string                  `json:"kms_key_id,omitempty"`
	AdvancedEventSelectors       []AdvancedEventSelector `json:"advanced_event_selectors,omitzero"`
}

// IAM holds the principals and policies that decide who can switch
// CloudTrail off.
type IAM struct {
	Users    map[string]*IAMUser   `json:"users,omitzero"`
	Groups   map[string]*IAMGroup  `json:"groups,omitzero"`
	Roles    map[string]*IAMRole   `json:"roles,omitzero"`
	Policies map[string]*IAMPolicy `json:"policies,omitzero"`
	Root     *Root                 `json:"root,omitempty"`
	// AWSManagedScreen lists the actions (lower case) the collector screened
	// AWS-managed policies for: a listed AWS-managed policy without a document
	// (and without a collection error) has no statement, Allow or Deny, whose
	// Action or NotAction can match one of them. nil (older snapshots): every
	// AWS-managed policy without a document is unknown.
	AWSManagedScreen []string `json:"aws_managed_screen,omitzero"`
	// OrganizationFeatures is iam:ListOrganizationsFeatures' answer; nil when not read.
	OrganizationFeatures *OrganizationFeatures `json:"organization_features,omitempty"`
}

// OrganizationFeatures are the centralized root access features enabled for
// the member accounts of an organization.
type OrganizationFeatures struct {
	OrganizationID  string   `json:"organization_id,omitempty"`
	EnabledFeatures []string `json:"enabled_features"`
}

// Root is what GetAccountSummary says about the root user.
type Root struct {
	MFAEnabled        bool `json:"mfa_enabled"`
	AccessKeysPresent bool `json:"access_keys_present"`
	// PasswordEnabled is the credential report's <root_account>
	// password_enabled; nil when the report was not read or says not_supported.
	PasswordEnabled *bool `json:"password_enabled,omitempty"`
}

// IAMUser is an IAM user.
type IAMUser struct {
	ARN              string         `json:"arn"`
	Name             string         `json:"name"`
	ConsoleAccess    *bool          `json:"console_access,omitempty"`
	MFAEnabled       *bool          `json:"mfa_enabled,omitempty"`
	Groups           []string       `json:"groups"`
	AttachedPolicies []string       `json:"attached_policies"`
	InlinePolicies   map[string]any `json:"inline_policies"`
	// PermissionsBoundary is the ARN of the user's permissions boundary, "" for none.
	PermissionsBoundary *string `json:"permissions_boundary,omitempty"`
}

// IAMGroup is an IAM group.
type IAMGroup struct {
	ARN              string         `json:"arn"`
	Name             string         `json:"name"`
	AttachedPolicies []string       `json:"attached_policies"`
	InlinePolicies   map[string]any `json:"inline_policies"`
}

// IAMRole is an IAM role.
type IAMRole struct {
	ARN              string         `json:"arn"`
	Name             string         `json:"name"`
	ServiceLinked    bool           `json:"service_linked"`
	AttachedPolicies []string       `json:"attached_policies"`
	InlinePolicies   map[string]any `json:"inline_policies"`
	// PermissionsBoundary is the ARN of the role's permissions boundary, "" for none.
	PermissionsBoundary *string `json:"permissions_boundary,omitempty"`
	// TrustPolicy is the role's trust policy (AssumeRolePolicyDocument).
	TrustPolicy any `json:"trust_policy,omitempty"`
}

// IAMPolicy is a managed policy with its default version's document.
type IAMPolicy struct {
	ARN        string `json:"arn"`
	Name       string `json:"name,omitempty"`
	AWSManaged bool   `json:"aws_managed"`
	Document   any    `json:"document,omitempty"`
}

// CollectionError is one failed call.
type CollectionError struct {
	Service   string `json:"service"`
	Operation string `json:"operation"`
	Region    string `json:"region,omitempty"`
	Resource  string `json:"resource,omitempty"`
	Code      string `json:"code"`
	Message   string `json:"message,omitempty"`
}

// Retention is a log group's retention: absent when not read, null when the
// events never expire, else a number of days.
type Retention struct {
	Known bool
	Days  *int32
}

// IsZero reports whether the retention was not read (so omitzero drops it).
func (r Retention) IsZero() bool { return !r.Known }

// MarshalJSON encodes null for "never expire" and the number of days otherwise.
func (r Retention) MarshalJSON() ([]byte, error) {
	if r.Days == nil {
		return []byte("null"), nil
	}
	return []byte(strconv.FormatInt(int64(*r.Days), 10)), nil
}
