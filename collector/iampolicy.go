package collector

import _ "embed"

// IAMPolicy is the least-privilege IAM policy the collector needs: every
// action it calls, all of them read-only. Attach it (or the AWS managed
// SecurityAudit / ReadOnlyAccess policies, which are broader) to the
// principal that runs trailguard collect. sts:GetCallerIdentity needs no
// permission.
//
//go:embed iam-policy.json
var IAMPolicy []byte
