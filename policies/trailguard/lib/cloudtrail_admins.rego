# METADATA
# title: Holders of AWSCloudTrail_FullAccess
# description: |
#   Who holds the AWS managed policy AWSCloudTrail_FullAccess (and its deprecated
#   predecessor AWSCloudTrailFullAccess, still attached in older accounts): users
#   directly or through a group, groups and roles directly. Everything is joined
#   by map lookup (user.groups -> input.iam.groups[g]) over sets computed once,
#   so it stays linear for accounts with tens of thousands of principals.
#
#   A principal whose holding cannot be decided (its attached policies, group
#   memberships or one of its groups were not collected) is never treated as a
#   non-holder: it is listed in `unresolved`, and reasons(arn) says what is missing.
#
#   Lookup tables are complete rules built from comprehensions, never partial object
#   rules (`m[k] := v`, `m[k] contains v`): OPA builds those in O(n^2) time and
#   re-evaluates them for every key looked up.
# schemas:
#   - input: schema.snapshot
package trailguard.lib.cloudtrail_admins

import data.trailguard.lib.snapshot

# full_access_policy_arn is the ARN of AWSCloudTrail_FullAccess in the audited partition.
full_access_policy_arn := sprintf("arn:%s:iam::aws:policy/AWSCloudTrail_FullAccess", [snapshot.partition])

# full_access_policy_arns are the managed policies that grant full CloudTrail access:
# AWSCloudTrail_FullAccess and the deprecated AWSCloudTrailFullAccess (it can no longer be
# attached, but existing attachments keep working).
full_access_policy_arns := {
	full_access_policy_arn,
	sprintf("arn:%s:iam::aws:policy/AWSCloudTrailFullAccess", [snapshot.partition]),
}

# holds_directly(principal) is true when one of the full-access policies is attached to principal.
holds_directly(principal) if {
	some policy in principal.attached_policies
	full_access_policy_arns[policy]
}

# full_access_names(principal) names the full-access policies attached to principal,
# e.g. "AWSCloudTrail_FullAccess".
full_access_names(principal) := concat(" and ", sort({name |
	some policy in principal.attached_policies
	full_access_policy_arns[policy]
	name := substring(policy, count(sprintf("arn:%s:iam::aws:policy/", [snapshot.partition])), -1)
}))

# full_access_groups is the set of ARNs of groups that hold the policy.
full_access_groups := {arn |
	some arn, group in input.iam.groups
	holds_directly(group)
}

# holders maps the ARN of every principal that holds the policy to
# {"type": "user" | "group" | "role", "via": [...]}: via lists "direct" when the
# policy is attached to the principal itself, then the ARNs of the groups it comes
# from (users only), sorted.
holders := object.union_n([_group_holders, _role_holders, _user_holders])

_group_holders := {arn: {"type": "group", "via": ["direct"]} | some arn in full_access_groups}

_role_holders := {arn: {"type": "role", "via": ["direct"]} |
	some arn in {arn |
		some arn, role in input.iam.roles
		some policy in role.attached_policies
		full_access_policy_arns[policy]
	}
}

_user_holders := {arn: {"type": "user", "via": array.concat(_direct(user), sort(groups))} |
	some arn in _candidate_users
	user := input.iam.users[arn]
	groups := {g | some g in object.get(user, "groups", []); full_access_groups[g]}
}

# _candidate_users are the users that hold the policy: one cheap pass over the
# memberships, before the details are computed for these few users only.
# (holds_directly is inlined: a function call per user costs more than the test.)
_candidate_users := {arn |
	some arn, user in input.iam.users
	some g in user.groups
	full_access_groups[g]
} | {arn |
	some arn, user in input.iam.users
	some policy in user.attached_policies
	full_access_policy_arns[policy]
}

_direct(principal) := ["direct"] if holds_directly(principal)

else := []

# user_holders is the set of ARNs of users that hold the policy, directly or via a group.
user_holders contains arn if {
	some arn, holder in holders
	holder.type == "user"
}

# direct_user_holders is the set of ARNs of users with the policy attached to themselves.
direct_user_holders contains arn if {
	some arn, holder in holders
	holder.type == "user"
	"direct" in holder.via
}

# missing_collections lists the IAM principal maps (users, groups, roles) that were not
# collected although IAM was read.
missing_collections contains name if {
	input.iam
	some name in ["users", "groups", "roles"]
	object.get(input.iam, name, null) == null
}

# unresolved maps the ARN of every principal whose holding could not be decided to its
# type ("user", "group" or "role"); reasons(arn) says what was not collected and why.
# A principal known to hold the policy is never unresolved.
unresolved := object.union_n([_unresolved_users, _unresolved_groups, _unresolved_roles])

_unresolved_users := {arn: "user" |
	some arn in (object.keys(input.iam.users) - _complete_users)
	not holders[arn]
}

# _complete_users are the users whose attached policies, group memberships and the
# attached policies of all their groups were read (one pass, without a function call
# per user; the few others are found by set difference).
_complete_users := {arn |
	readable := _readable_groups
	some arn, user in input.iam.users
	user.attached_policies
	groups := user.groups
	every g in groups {
		readable[g]
	}
}

_readable_groups := {arn |
	some arn, group in input.iam.groups
	group.attached_policies
}

_unresolved_groups := {arn: "group" |
	some arn, group in input.iam.groups
	not group.attached_policies
}

_unresolved_roles := {arn: "role" |
	some arn, role in input.iam.roles
	not role.attached_policies
}

# unresolved_users is the set of ARNs of users whose holding could not be decided.
unresolved_users := {arn | some arn, _ in _unresolved_users}

# reasons(arn) lists (sorted) why the holding of the unresolved principal arn could not
# be decided. A function, so that messages are built only for the principals reported.
reasons(arn) := _user_gaps(arn, input.iam.users[arn]) if unresolved[arn] == "user"

reasons(arn) := [snapshot.missing("attached policies", arn)] if unresolved[arn] in {"group", "role"}

# _user_gaps(arn, user) lists (sorted) what is missing to decide whether user holds the policy.
_user_gaps(arn, user) := sort(((_own_gaps(arn, user) | _missing_groups(user)) | _unread_groups(user)))

_own_gaps(arn, user) := {msg |
	some field, what in {"attached_policies": "attached policies", "groups": "group memberships"}
	object.get(user, field, null) == null
	msg := snapshot.missing(what, arn)
}

_missing_groups(user) := {sprintf("its group %s: %s", [g, snapshot.missing("group", g)]) |
	some g in object.get(user, "groups", [])
	not input.iam.groups[g]
}

_unread_groups(user) := {sprintf("its group %s: %s", [g, snapshot.missing("attached policies", g)]) |
	some g in object.get(user, "groups", [])
	group := input.iam.groups[g]
	not group.attached_policies
}

# short_name(arn) is the readable part of a principal ARN: "user/alice",
# "group/SecurityAdmins", "role/ops/Deploy".
# (One regex.replace drops the first five colon-separated parts, when there are
# six or more: no split and join per name.)
short_name(arn) := regex.replace(arn, `^(?:[^:]*:){5}`, "") if is_string(arn)

else := arn

# how(arn) says how a holder holds the policy: "attached directly", "via group/Admins", ...
how(arn) := concat(", ", [_via_name(v) | some v in holders[arn].via])

# describe(arn) names a holder and how it holds the policy when not directly, e.g.
# "user/alice (via group/SecurityAdmins)".
describe(arn) := short_name(arn) if holders[arn].via == ["direct"]

else := sprintf("%s (%s)", [short_name(arn), how(arn)]) if holders[arn]

else := short_name(arn)

# (Else chains here and below: a function with several bodies has every body
# evaluated, to check that they agree; an else chain stops at the first.)
_via_name(v) := "attached directly" if v == "direct"

else := sprintf("via %s", [short_name(v)])

# list_names(arns, limit) is a readable, sorted list of the principals in the set arns,
# cut after limit names with "and N more".
list_names(arns, limit) := concat(", ", names) if {
	count(arns) <= limit
	names := [describe(a) | some a in sort(arns)]
} else := sprintf("%s and %d more", [concat(", ", names), count(arns) - limit]) if {
	count(arns) > limit
	names := [describe(a) | some a in array.slice(sort(arns), 0, limit)]
}
