# METADATA
# title: Check thresholds
# description: |
#   Thresholds the built-in checks use. Override any of them with data at
#   data.params (e.g. `trailguard eval --param min_log_retention_days=400`,
#   or a data file {"params": {"min_log_retention_days": 400}}).
package trailguard.lib.params

import rego.v1

# defaults are the documented default thresholds.
defaults := {
	# Minimum CloudWatch Logs retention for a trail's log group, in days.
	"min_log_retention_days": 365,
	# Maximum age of the latest CloudWatch Logs delivery, in hours.
	"max_cloudwatch_delivery_age_hours": 24,
	# Maximum number of principals (users, directly or via a group, and roles) holding AWSCloudTrail_FullAccess.
	"max_full_access_holders": 3,
	# Minimum retention (object lock or lifecycle expiration) of the log bucket, in days.
	"min_bucket_retention_days": 365,
	# ARN patterns (* and ? match anything, / and : included) of the principals allowed
	# to blind the trail: your break-glass roles, listed explicitly in the config file.
	# None by default: a role is not trusted for its name.
	"blinding_allowed_principals": [],
	# Whether users whose only way to blind the trail is AWSCloudTrail_FullAccess through
	# a group, with MFA on (the channel TG-IAM-001..003 review), are allowed too.
	"blinding_allow_reviewed_full_access_holders": true,
	# Principal ARN patterns that an SCP protecting the organization trail may
	# exempt (e.g. the role Control Tower or your pipeline changes trails with).
	"scp_trail_protection_exceptions": ["arn:aws:iam::*:role/AWSControlTowerExecution"],
}

# value returns the threshold name, from data.params when set, else its default.
value(name) := data.params[name] if {
	data.params[name] != null
} else := defaults[name]
