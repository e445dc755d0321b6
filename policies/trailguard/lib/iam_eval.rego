# METADATA
# title: IAM policy evaluation
# description: |
#   "Can principal P do action A on resource R, and through what?" for every user
#   and role of the snapshot and for the outside principals that resource and trust
#   policies let in, following AWS's policy evaluation logic:
#
#   - an explicit Deny (identity, boundary, SCP or resource policy) beats any Allow;
#     a Deny behind a condition is not counted (it may not apply), an Allow behind one
#     is a path reported with its condition; except a Deny in an identity policy, an
#     SCP or a resource policy whose only condition exempts principals by ARN
#     (aws:PrincipalArn, the break-glass exception), which is decided for each user
#     and role (_principal_exception);
#   - identity policies: attached managed (AWS-managed included), inline, and the
#     attached and inline policies of the user's groups;
#   - permission boundaries and SCPs intersect with identity policies (an SCP must
#     allow at every level of input.organization.service_control_policies; SCPs do
#     not apply to the management account nor to service-linked roles);
#   - RCPs (input.organization.resource_control_policies) deny on the account's S3
#     buckets, KMS keys and roles (sts:AssumeRole), not in the management account nor
#     against service-linked roles (_rcp_rules);
#   - a Deny in an RCP or a resource policy whose condition is only about who the
#     principal is (its organization or account: the data perimeter) applies to the
#     principals it is known to cover (_perimeter);
#   - resource policies: in the same account an S3 bucket policy naming the principal
#     is enough; a KMS key policy must allow, either the principal itself or the
#     account root (delegation to IAM, then the identity policy must allow too);
#     across accounts both sides must allow;
#   - Action/NotAction (case-insensitive, `*` and `?`), Resource/NotResource (`*`,
#     `?`, policy variables read as `*`);
#   - one role assumption (sts:AssumeRole allowed by the principal's policies and
#     admitted by the role's trust policy) and one escalation step (see
#     escalation_actions).
#
#   Call analyze(requests) once with every (action, resource) pair of the question
#   (see request, bucket_request, key_request) and read the answer (see analyze).
#   Everything is computed once per call by comprehensions over maps (linear in the
#   number of principals and policies); no partial object rules.
# schemas:
#   - input: schema.snapshot
package trailguard.lib.iam_eval

import data.trailguard.lib.iam
import data.trailguard.lib.snapshot

# escalation_actions maps each IAM action that gives a principal a permission it
# does not have in one step to the target it acts on.
escalation_actions := {
	"iam:attachuserpolicy": "the user itself",
	"iam:putuserpolicy": "the user itself",
	"iam:attachrolepolicy": "the role itself",
	"iam:putrolepolicy": "the role itself",
	"iam:attachgrouppolicy": "a group of the user",
	"iam:putgrouppolicy": "a group of the user",
	"iam:createpolicyversion": "a customer-managed policy of the principal",
	"iam:setdefaultpolicyversion": "a customer-managed policy of the principal",
	"iam:addusertogroup": "a group that has the permission",
	"iam:updateassumerolepolicy": "a role that has the permission",
	"iam:createaccesskey": "a user that has the permission",
	"iam:createloginprofile": "a user that has the permission",
	"iam:updateloginprofile": "a user that has the permission",
	"iam:passrole": "a role that has the permission, with a compute service",
}

# compute_services maps the service principals a passed role is used by to the
# action that starts the compute (iam:PassRole + this action runs code as the role).
compute_services := {
	"ec2.amazonaws.com": "ec2:runinstances",
	"lambda.amazonaws.com": "lambda:createfunction",
	"ecs-tasks.amazonaws.com": "ecs:runtask",
	"cloudformation.amazonaws.com": "cloudformation:createstack",
	"codebuild.amazonaws.com": "codebuild:createproject",
	"glue.amazonaws.com": "glue:createdevendpoint",
	"sagemaker.amazonaws.com": "sagemaker:createnotebookinstance",
}

_assume_actions := {"sts:assumerole"}

# _extra: the actions of the role and escalation steps, asked about with every question:
# escalation_actions, _assume_actions and the actions of compute_services. (A literal,
# like _extra_index; iam_eval_test checks that it is that union.)
_extra := {
	"cloudformation:createstack", "codebuild:createproject", "ec2:runinstances", "ecs:runtask",
	"glue:createdevendpoint", "iam:addusertogroup", "iam:attachgrouppolicy", "iam:attachrolepolicy",
	"iam:attachuserpolicy", "iam:createaccesskey", "iam:createloginprofile", "iam:createpolicyversion",
	"iam:passrole", "iam:putgrouppolicy", "iam:putrolepolicy", "iam:putuserpolicy", "iam:setdefaultpolicyversion",
	"iam:updateassumerolepolicy", "iam:updateloginprofile", "lambda:createfunction",
	"sagemaker:createnotebookinstance", "sts:assumerole",
}

# _extra_index is _extra by service, as sets. (A literal: a comprehension would be rebuilt at
# every evaluation; iam_eval_test checks that it agrees with _extra.)
_extra_index := {
	"cloudformation": {"cloudformation:createstack"},
	"codebuild": {"codebuild:createproject"},
	"ec2": {"ec2:runinstances"},
	"ecs": {"ecs:runtask"},
	"glue": {"glue:createdevendpoint"},
	"iam": {
		"iam:addusertogroup", "iam:attachgrouppolicy", "iam:attachrolepolicy", "iam:attachuserpolicy",
		"iam:createaccesskey", "iam:createloginprofile", "iam:createpolicyversion", "iam:passrole",
		"iam:putgrouppolicy", "iam:putrolepolicy", "iam:putuserpolicy", "iam:setdefaultpolicyversion",
		"iam:updateassumerolepolicy", "iam:updateloginprofile",
	},
	"lambda": {"lambda:createfunction"},
	"sagemaker": {"sagemaker:createnotebookinstance"},
	"sts": {"sts:assumerole"},
}

# request(action, resource) asks about action on resource, where no resource policy
# applies (a trail, a log group, an alarm). resource is an ARN; one ending in "*"
# stands for every resource under that prefix (e.g. every object of a bucket): an
# Allow on part of it is a path, a Deny must cover all of it.
request(action, resource) := {
	"action": action, "resource": resource, "label": resource,
	"policy": {"kind": "none", "state": "none", "owner": _arn_account(resource)},
	"action_lc": lower(action),
}

# _arn_account(arn): the account part of an ARN ("" for S3 and malformed ARNs).
_arn_account(arn) := parts[4] if {
	parts := split(arn, ":")
	count(parts) >= 6
}

else := ""

# bucket_request(action, name, resource) asks about action on resource (the bucket's
# ARN or an object prefix) of the bucket input.buckets[name], whose policy decides too.
bucket_request(action, name, resource) := {
	"action": action, "resource": resource, "label": resource,
	"policy": _bucket_policy(name),
	"action_lc": lower(action),
}

_bucket_policy(name) := {
	"kind": "s3",
	"state": "read",
	"document": doc,
	"owner": _bucket_owner(name),
	"name": sprintf("bucket policy of %s", [name]),
} if {
	doc := input.buckets[name].policy.document
} else := {
	"kind": "s3",
	"state": "none",
	"owner": _bucket_owner(name),
	"name": sprintf("bucket policy of %s", [name]),
} if {
	input.buckets[name].policy.exists == false
} else := {
	"kind": "s3",
	"state": "unknown",
	"owner": _bucket_owner(name),
	"reason": snapshot.missing("bucket policy", name),
}

_bucket_owner(name) := object.get(input.buckets, [name, "owner_account_id"], "")

# key_request(action, key_arn) asks about action on the KMS key input.kms_keys[key_arn],
# whose key policy must allow it.
key_request(action, key_arn) := {
	"action": action, "resource": key_arn, "label": key_arn,
	"policy": _key_policy(key_arn),
	"action_lc": lower(action),
}

_key_policy(key_arn) := {
	"kind": "kms",
	"state": "read",
	"document": doc,
	"owner": _key_owner(key_arn),
	"name": sprintf("key policy of %s", [key_arn]),
} if {
	doc := input.kms_keys[key_arn].policy
} else := {
	"kind": "kms",
	"state": "unknown",
	"owner": _key_owner(key_arn),
	"reason": snapshot.missing("key policy", key_arn),
}

_key_owner(key_arn) := snapshot.account_of_arn(key_arn) if {
	count(split(key_arn, ":")) >= 6
} else := ""

# analyze(requests) answers the question asked by the array requests. It returns
#   {"principals": {arn: {"type": "user" | "role" | "outside", "paths": [path], "unknown": [reason]}},
#    "scp": "applied" | "not read" | "not applicable: ..." | "unknown: ...",
#    "rcp": "applied" | "applied, except ..." | "not read: ..." | "not applicable: ...",
#    "gaps": [reason]}
# A principal appears when it has at least one path or its answer could not be
# decided (unknown lists why). Each path is
#   {"action", "resource", "kind": "direct" | "conditional" | "role" | "escalation" | "outside",
#    "steps": [text, ...], "conditions": [condition object, ...], "scp": text}
# steps spell the path out: principal -> policy -> statement -> action -> resource.
# gaps are reasons the whole answer is incomplete (IAM not read, principal lists missing,
# a bucket or key policy not read: it could name principals this answer cannot see).
analyze(requests) := result if {
	reqs := [r | some q in requests; r := _normal(q); not _out_of_reach(r)]
	ctx := _context(reqs)
	group_evals := {arn: _group_eval(arn, g, ctx) | some arn, g in object.get(input, ["iam", "groups"], {})}
	scp := _scp(ctx)
	scpv := _scp_verdicts(scp, ctx)
	rcp := _rcp
	rp := _resource_policies(ctx, _rcp_rules(rcp, ctx))
	direct := _direct_all(ctx, group_evals, scp, scpv, rp)
	result := {
		"principals": _principals(ctx, direct, group_evals, rp),
		"scp": scp.summary,
		"rcp": rcp.summary,
		"gaps": (_gaps | {sprintf("%s: it may let other principals in", [r.policy.reason]) |
			some r in reqs
			r.policy.state == "unknown"
		}),
	}
}

# routes(paths) groups paths by route: the steps without the action and resource
# (principal -> [group ->] policy -> statement, or the role or escalation steps),
# each route's paths sorted.
routes(paths) := _group([[array.slice(p.steps, 0, count(p.steps) - 2), p] | some p in paths])

# can(principal, action, resource) is the paths through which principal can do action
# on resource (a request, a bucket_request or a key_request object); undefined when none.
can(principal, req) := analyze([req]).principals[principal].paths

# _normal(r): the request with its policy and its action in lower case (action_lc).
# The requests built by request, bucket_request and key_request are already normal.
_normal(r) := r if {
	r.action_lc
	r.policy
} else := object.union(r, {"action_lc": lower(r.action)}) if {
	r.policy
} else := object.union(r, {
	"action_lc": lower(r.action),
	"policy": {"kind": "none", "state": "none", "owner": _arn_account(r.resource)},
})

# _out_of_reach(r): a request on a resource of another account that has no resource
# policy here (another account's log group or alarm; a member account sees the
# organization trail's): nothing in this snapshot can grant it to anyone, since only
# that account's own principals can act on it and they are not in this snapshot (the
# analysis would find no path and no unknown). It is left out of the question before
# any work is done (r is normal: the request constructors build it so).
_out_of_reach(r) if {
	r.policy.kind == "none"
	_foreign(r.policy.owner)
}

_foreign(owner) if {
	owner != ""
	owner != input.account_id
}

# _context indexes the question: request indexes by action and the actions by service,
# for the requests and for the actions the escalation and role steps need.
_context(reqs) := ctx if {
	req_actions := {r.action_lc | some r in reqs}
	all := req_actions | _extra
	asked := _group([[split(a, ":")[0], a] | some a in (req_actions - _extra)])
	ctx := {
		"reqs": reqs,
		"by_action": _by_action(reqs, req_actions),
		"asked": req_actions,
		"index": object.union(_extra_index, {svc: (object.get(_extra_index, svc, set()) | {a | some a in actions}) |
			some svc, actions in asked
		}),
		"all": all,
		"extra": _extra,
		"account": input.account_id,
		"screen": {a | some a in object.get(input, ["iam", "aws_managed_screen"], [])},
	}
}

# _by_action(reqs, req_actions): each asked action to its requests (indexes, in order).
# When no two requests share an action (req_actions, the set of their actions, is as
# large as reqs), each list is the one request: no sort.
_by_action(reqs, req_actions) := {r.action_lc: [i] | some i, r in reqs} if {
	count(req_actions) == count(reqs)
} else := _group([[r.action_lc, i] | some i, r in reqs])

# _group(pairs) maps each key of the [key, value] pairs to its values, in
# O(n log n): the pairs are sorted and cut where the key changes (a comprehension
# per key would be quadratic).
_group(pairs) := {sorted[start][0]: values |
	some j, start in starts
	values := [p[1] | some p in array.slice(sorted, start, ends[j])]
} if {
	sorted := sort(pairs)

	# A run starts at 0 and where the key changes (p, at i + 1, against sorted[i]);
	# it ends where the next starts.
	starts := array.concat([0], [(i + 1) | some i, p in array.slice(sorted, 1, count(sorted)); sorted[i][0] != p[0]])
	ends := array.concat(array.slice(starts, 1, count(starts)), [count(sorted)])
}

# --- one policy document ---------------------------------------------------

# _doc_eval(doc, label, ctx) evaluates the document's statements against the
# question: allow lists the requests an Allow statement grants (with the statement
# and its condition), deny the requests an unconditional Deny covers, and extra the
# statements about escalation and role actions (kept with their resources, matched
# later against each principal's own targets).
_doc_eval(doc, label, ctx) := {
	"allow": allow,
	"deny": deny,
	"pdeny": _doc_pdenies(stmts, ctx),
	"extra": extra,
	"unknown": set(),
} if {
	stmts := _doc_statements(doc, ctx)
	allow := [{"r": i, "policy": label, "statement": sid, "condition": _condition(s)} |
		some [sid, s, acts] in stmts
		s.Effect == "Allow"
		some i in _allow_hits(s, acts, ctx)
	]
	deny := _doc_denies(stmts, ctx)
	extra := [{
		"action": a,
		"policy": label,
		"statement": sid,
		"effect": s.Effect,
		"statement_doc": s,
		"condition": _condition(s),
	} |
		some [sid, s, acts] in stmts
		some a in (acts & ctx.extra)
	]
}

# _doc_requests(doc, ctx): the requests (indexes) the document's Allow statements
# cover and those its unconditional Denies cover; what an SCP level needs, without
# the labels and escalation statements of _doc_eval.
_doc_requests(doc, ctx) := {"allow": allow, "deny": _doc_denies(stmts, ctx), "pdeny": _doc_pdenies(stmts, ctx)} if {
	stmts := _doc_statements(doc, ctx)
	allow := {i |
		some [_, s, acts] in stmts
		s.Effect == "Allow"
		some i in _allow_hits(s, acts, ctx)
	}
}

# _doc_statements(doc, ctx): the document's statements about the question's actions,
# as [statement id, statement, its actions].
_doc_statements(doc, ctx) := [[_sid(s, i), s, acts] |
	some i, s in _statements(doc)
	acts := _actions(s, ctx)
	count(acts) > 0
]

# _allow_hits(s, acts, ctx): the requests Allow statement s (about actions acts)
# grants, by action then request. A statement on every resource ("*") grants all
# the requests of its actions, without a test per request.
_allow_hits(s, acts, ctx) := [i |
	some a in (acts & ctx.asked)
	some i in ctx.by_action[a]
] if {
	_every_resource(s)
} else := [i |
	some a in (acts & ctx.asked)
	some i in ctx.by_action[a]
	_res_allow(s, ctx.reqs[i].resource)
]

# _doc_denies(stmts, ctx): the requests an unconditional Deny of stmts covers.
_doc_denies(stmts, ctx) := {i |
	some [_, s, acts] in stmts
	s.Effect == "Deny"
	_condition(s) == null
	some a in (acts & ctx.asked)
	some i in ctx.by_action[a]
	_res_deny(s, ctx.reqs[i].resource)
}

# _doc_pdenies(stmts, ctx): [request, patterns] for each request a Deny of stmts
# covers whose only condition exempts principals by ARN (see _principal_exception):
# the Deny applies to every principal whose ARN matches none of the patterns, which
# each principal's analysis decides (_with_pdenies; _boundary_for for its boundary).
_doc_pdenies(stmts, ctx) := [[i, pats] |
	some [_, s, acts] in stmts
	s.Effect == "Deny"
	pats := _principal_exception(s)
	some a in (acts & ctx.asked)
	some i in ctx.by_action[a]
	_res_deny(s, ctx.reqs[i].resource)
]

# _principal_exception(s): the ARN patterns of a statement whose Condition is only
# an exemption of principals by ARN, the usual break-glass exception:
# {"ArnNotLike": {"aws:PrincipalArn": ["arn:aws:iam::*:role/BreakGlass"]}} (also
# ArnNotEquals, StringNotLike, StringNotEquals, with or without IfExists: the key is
# always present for an IAM principal). Undefined for any other condition, and for
# patterns with policy variables or characters other than * and ? that glob.match
# would read differently: such a Deny stays conditional, not counted.
_principal_exception(s) := pats if {
	count(s.Condition) == 1
	some op, block in s.Condition
	not contains(op, ":") # a set qualifier (ForAnyValue:) reads several values
	iam.base_operator(op) in iam.principal_exempting_operators
	count(block) == 1
	some key, v in block
	lower(key) == "aws:principalarn"
	pats := _list(v)
	count(pats) > 0
	every p in pats {
		is_string(p)
		not regex.match(`[\[\]{}\\$]`, p)
	}
}

# _exempt(arn, pats): the principal's ARN matches one of the exception's patterns.
# * matches across ":", "/" and "." here (no delimiters: glob.match's null, not [],
# which would stop * at every "."), more than ArnLike does: a principal is taken as
# exempt whenever it may be, so a Deny is never applied to one it may spare.
_exempt(arn, pats) if {
	some p in pats
	glob.match(p, null, arn)
}

_statements(doc) := doc.Statement if is_array(doc.Statement)

else := [doc.Statement] if is_object(doc.Statement)

else := []

_sid(s, i) := sprintf("statement %s", [s.Sid]) if is_string(s.Sid)

else := sprintf("statement %d", [i + 1])

_list(x) := [x] if is_string(x)

else := x if is_array(x)

else := []

# _actions(stmt, ctx) is the set of the question's actions (lower case) stmt's Action
# or NotAction covers. A pattern is matched only against the actions of its own
# service (one lookup), except when its service part has a wildcard.
_actions(stmt, ctx) := _action_set(stmt.Action, ctx) if {
	stmt.Action
} else := ctx.all - _action_set(stmt.NotAction, ctx) if {
	stmt.NotAction
} else := set()

# _action_set(patterns, ctx): the question's actions an Action (or NotAction) value
# matches. A function of the value alone, so that the many statements that repeat a
# list of actions (with other resources or conditions) share one evaluation.
# A pattern without glob syntax matches only itself: those are matched together, by
# one intersection with the question's actions.
_action_set(patterns, ctx) := (lps & ctx.all) | {a |
	some lp in lps
	regex.match(`[*?\[\]{}\\]`, lp)
	some a in _pattern_actions(lp, ctx)
} if {
	lps := {lower(p) | some p in _list(patterns)}
}

# _pattern_actions(lp, ctx): the question's actions the lower-case pattern lp, which
# has glob syntax (_action_set matches the others), matches.
_pattern_actions(lp, ctx) := ctx.all if {
	lp == "*"
} else := object.get(ctx.index, svc, set()) if {
	# "service:*", the commonest wildcard: every asked action of the service.
	[svc, "*"] = split(lp, ":")
	not regex.match(`[*?\[\]{}\\]`, svc)
} else := {a |
	some a in _candidates(lp, ctx)
	glob.match(lp, null, a)
}

_candidates(lp, ctx) := _service_candidates(split(lp, ":")[0], ctx)

_service_candidates(svc, ctx) := ctx.all if contains(svc, "*")

else := ctx.all if contains(svc, "?")

else := object.get(ctx.index, svc, set())

# _condition(stmt) is stmt's Condition block, null when it has none.
_condition(stmt) := stmt.Condition if count(object.get(stmt, "Condition", {})) > 0

else := null

# _res_allow(stmt, r): an Allow statement applies to (part of) resource r.
_res_allow(stmt, _) if {
	not stmt.Resource
	not stmt.NotResource
}

_res_allow(stmt, r) if {
	some p in _list(stmt.Resource)
	_overlaps(p, r)
}

_res_allow(stmt, r) if {
	stmt.NotResource
	not _any_covers(stmt.NotResource, r)
}

# _res_deny(stmt, r): a Deny statement applies to all of resource r.
_res_deny(stmt, _) if {
	not stmt.Resource
	not stmt.NotResource
}

_res_deny(stmt, r) if _any_covers(stmt.Resource, r)

_res_deny(stmt, r) if {
	stmt.NotResource
	not _any_overlaps(stmt.NotResource, r)
}

_any_covers(patterns, r) if {
	some p in _list(patterns)
	_covers(p, r)
}

_any_overlaps(patterns, r) if {
	some p in _list(patterns)
	_overlaps(p, r)
}

# _overlaps(p, r): pattern p matches r or, when r ends in "*" (a prefix), some
# resource under it.
_overlaps("*", _)

_overlaps(p, r) if glob.match(_glob(p), null, r)

_overlaps(p, r) if {
	endswith(r, "*")
	startswith(p, trim_suffix(r, "*"))
}

# _covers(p, r): pattern p matches every resource r stands for. A pattern with a
# policy variable covers nothing for sure.
_covers("*", _)

_covers(p, r) if {
	not contains(p, "${")
	glob.match(_glob(p), null, r)
}

# _glob(p) turns an IAM resource pattern into a glob: only * and ? are wildcards in
# IAM, so glob's other special characters are escaped, and a policy variable
# (${aws:username}) becomes *.
_glob(p) := p if not regex.match(`[\[\]{}\\$]`, p)

else := replace(regex.replace(regex.replace(p, `\$\{[^}]*\}`, "\u0001"), `([\[\]{}\\])`, `\$1`), "\u0001", "*")

# --- managed policies and groups ----------------------------------------------

# _managed_eval(arn, policy, ctx): the evaluation of a managed policy, or why it is unknown.
_managed_eval(arn, policy, ctx) := object.union(
	_doc_eval(policy.document, _policy_label(arn, policy), ctx),
	{"state": "read"},
) if {
	policy.document
} else := {"state": "screened", "allow": [], "deny": set(), "pdeny": [], "extra": [], "unknown": set()} if {
	# An AWS-managed policy the collector screened out: none of its statements can
	# match an action of the screen. It is empty for this question when every
	# action asked is in the screen.
	policy.aws_managed == true
	not snapshot.errors_by_resource[arn]
	count(ctx.all - ctx.screen) == 0
} else := _unknown_eval(_doc_missing(arn, policy, ctx))

_doc_missing(arn, policy, ctx) := sprintf(
	"the document of %s was not collected (an older snapshot, or actions outside the collector's screen: %s)",
	[arn, concat(", ", sort(ctx.all - ctx.screen))],
) if {
	policy.aws_managed == true
	not snapshot.errors_by_resource[arn]
} else := snapshot.missing("document", arn)

_policy_label(arn, policy) := sprintf("AWS-managed policy %s", [object.get(policy, "name", arn)]) if {
	policy.aws_managed == true
} else := sprintf("policy %s", [arn])

# _group_eval: a group's attached and inline policies together.
_group_eval(arn, group, ctx) := _merge(array.concat(
	array.concat(
		[_attached_eval(p, ctx) | some p in object.get(group, "attached_policies", [])],
		[_doc_eval(doc, sprintf("inline policy %s of %s", [name, _short(arn)]), ctx) |
			some name, doc in object.get(group, "inline_policies", {})
		],
	),
	_missing_lists(arn, group),
))

# _attached_eval(p, ctx): the evaluation of managed policy p, computed the first time
# a principal, group or boundary refers to it (OPA keeps a function's result for its
# arguments): a policy attached to no one is never evaluated.
_attached_eval(p, ctx) := e if {
	e := _managed_eval(p, input.iam.policies[p], ctx)
} else := _unknown_eval(snapshot.missing("managed policy", p))

# _unknown_eval(reason): the evaluation of a policy (or policy list) that could not
# be read: it grants and denies nothing, and says why.
_unknown_eval(reason) := {
	"state": "unknown",
	"reason": reason,
	"allow": [],
	"deny": set(),
	"pdeny": [],
	"extra": [],
	"unknown": {reason},
}

# _merge(evals) unions evaluations; unknown collects the reasons of the unknown ones.
# Every evaluation has the five fields (_doc_eval, _unknown_eval).
_merge(evals) := {
	"allow": [a | some e in evals; some a in e.allow],
	"deny": {d | some e in evals; some d in e.deny},
	"pdeny": [x | some e in evals; some x in e.pdeny],
	"extra": [x | some e in evals; some x in e.extra],
	"unknown": {u | some e in evals; some u in e.unknown},
}

_short(arn) := regex.replace(arn, `^(?:[^:]*:){5}`, "") if is_string(arn)

# --- SCPs --------------------------------------------------------------------

# _scp(ctx): per request index, whether the SCPs allow it ("allow" entries with
# their conditions), and a summary for the answer.
_scp(_) := {"applies": false, "summary": "not applicable: the management account is not restricted by SCPs"} if {
	input.organization.is_management_account == true
} else := {"applies": false, "summary": "not applicable: the account is not in an organization"} if {
	input.organization
	not input.organization.id
} else := {"applies": false, "summary": "not applicable: SCPs are not enabled in the organization"} if {
	types := input.organization.policy_types_enabled
	not "SERVICE_CONTROL_POLICY" in types
} else := {"applies": true, "summary": "applied", "levels": input.organization.service_control_policies} if {
	input.organization.service_control_policies
} else := {
	"applies": false,
	"summary": "not read: the account's organization SCPs were not collected, an SCP may deny these paths",
	"unread": true,
} if {
	input.organization
} else := {
	"applies": false,
	"summary": "not read: no organization data in the snapshot (SCPs, if any, were not evaluated)",
}

# _scp_verdicts(scp, ctx) maps request index -> "allowed" | "denied" | "unknown: ...".
# Each level of SCPs is summed up once (the requests its policies allow and deny):
# a request is denied when a level denies it or a level whose documents were all
# read does not allow it, unknown when only a level with an unread document does
# not allow it. Empty when SCPs do not apply.
_scp_verdicts(scp, ctx) := object.union_n([
	{i: "allowed" | some i in ((all - denied) - unknown)},
	{i: "unknown: an SCP document was not collected" | some i in (unknown - denied)},
	{i: "denied" | some i in denied},
]) if {
	scp.applies
	levels := [_scp_level([_scp_doc_eval(p, ctx) | some p in level.policies]) | some level in scp.levels]
	all := {i | some i, _ in ctx.reqs}
	denied := {i | some level in levels; some i in level.deny} | {i |
		some level in levels
		not level.unknown
		some i in (all - level.allow)
	}
	unknown := {i | some level in levels; level.unknown; some i in (all - level.allow)}
} else := {}

_scp_doc_eval(p, ctx) := object.union(_doc_requests(p.document, ctx), {"state": "read"}) if {
	p.document
} else := {
	"state": "unknown",
	"reason": sprintf("the document of SCP %s was not collected", [p.id]),
	"allow": set(),
	"deny": set(),
}

# _scp_level(evals): the requests one level's SCPs allow and deny, and whether a
# document of the level is unknown.
_scp_level(evals) := {
	"allow": union({e.allow | some e in evals}),
	"deny": union({e.deny | some e in evals}),
	"unknown": count([e | some e in evals; e.state == "unknown"]) > 0,
}

# --- RCPs --------------------------------------------------------------------

# _rcp: whether the organization's resource control policies limit what can be done
# to the account's resources, and a summary for the answer. RCPs only take
# permissions away (their Allow is RCPFullAWSAccess, attached everywhere): when they
# are not read, the paths are reported as found and the summary says so.
_rcp := {"applies": false, "summary": "not applicable: RCPs do not apply to the management account's resources"} if {
	input.organization.is_management_account == true
} else := {"applies": false, "summary": "not applicable: the account is not in an organization"} if {
	input.organization
	not input.organization.id
} else := {"applies": false, "summary": "not applicable: RCPs are not enabled in the organization"} if {
	types := input.organization.policy_types_enabled
	not "RESOURCE_CONTROL_POLICY" in types
} else := {"applies": false, "summary": "not applicable: no RCPs are in effect on the account"} if {
	input.organization.resource_control_policies == []
} else := {"applies": true, "summary": _rcp_summary(levels), "levels": levels} if {
	levels := input.organization.resource_control_policies
} else := {
	"applies": false,
	"summary": "not read: the organization's RCPs were not collected (an RCP may deny some of these paths)",
} if {
	input.organization
} else := {"applies": false, "summary": "not read: no organization data in the snapshot"}

_rcp_summary(levels) := "applied" if {
	every level in levels {
		every p in level.policies {
			p.document
		}
	}
} else := sprintf("applied, except the RCPs whose documents were not collected (%s): a Deny of theirs may remove some of these paths", [concat(", ", sort({p.id |
	some level in levels
	some p in level.policies
	not p.document
}))])

# _rcp_services: the services of the question whose resources RCPs govern.
_rcp_services := {"s3", "kms", "sts"}

# _rcp_rules(rcp, ctx): for each request on a resource of the account in a service
# RCPs govern, whom the RCPs' counted Denies cover: rules as a resource policy's
# (see _rp_facts), marked rcp (they spare service-linked roles, _exempted). A
# resource of another account is governed by that account's RCPs, not read here.
_rcp_rules(rcp, ctx) := {i: rules |
	rcp.applies
	some i, r in ctx.reqs
	r.policy.owner == ctx.account
	_rcp_services[split(r.action_lc, ":")[0]]
	rules := _rcp_deny_rules(rcp.levels, r.action_lc, r.resource, ctx)
	count(rules) > 0
}

_rcp_deny_rules(levels, action_lc, resource, ctx) := [object.union(_exempting(_deny_rule(s), s), {"rcp": true}) |
	some level in levels
	some p in level.policies
	some [_, s, acts] in _doc_statements(object.get(p, "document", {}), ctx)
	s.Effect == "Deny"
	acts[action_lc]
	_counted_deny(s)
	_res_deny(s, resource)
]

# _rcp_denies_assume(n, role, ctx): an RCP Deny on sts:AssumeRole covers outside
# principal n assuming the account's role. Only an IAM principal (an account, a user,
# a role) assumes a role with sts:AssumeRole; a federated identity uses
# AssumeRoleWithSAML or AssumeRoleWithWebIdentity, which are not asked here.
_rcp_denies_assume(n, role, ctx) if {
	rcp := _rcp
	rcp.applies
	_principal_account(n)
	_rp_denies(_rcp_deny_rules(rcp.levels, "sts:assumerole", role, ctx), n)
}

# --- principals ----------------------------------------------------------------

# _identity(arn, p, ctx, member_evals): every identity policy of a user or role.
_identity(arn, p, ctx, member_evals) := _merge(array.concat(
	array.concat(
		[_attached_eval(a, ctx) | some a in object.get(p, "attached_policies", [])],
		[_doc_eval(doc, sprintf("inline policy %s of %s", [name, _short(arn)]), ctx) |
			some name, doc in object.get(p, "inline_policies", {})
		],
	),
	array.concat(
		[_group_of(g, member_evals) | some g in object.get(p, "groups", [])],
		_missing_lists(arn, p),
	),
))

# _as_member(g, e): group g's evaluation as its members hold it (each grant says via g).
_as_member(g, e) := object.union(e, {"allow": [object.union(a, {"via": g}) | some a in e.allow]})

_group_of(g, member_evals) := member_evals[g] if {
	member_evals[g]
} else := _unknown_eval(sprintf("its group %s: %s", [g, snapshot.missing("group", g)]))

# _missing_lists(arn, p): an unknown evaluation for each policy list of the principal
# that was not read (none, the common case, is told by three lookups).
_missing_lists(arn, p) := [] if {
	p.attached_policies != null
	p.inline_policies != null
	_groups_read(arn, p)
} else := [_unknown_eval(snapshot.missing(what, arn)) |
	some field, what in _lists(arn)
	object.get(p, field, null) == null
]

_groups_read(_, p) if p.groups != null

_groups_read(arn, _) if not input.iam.users[arn]

_lists(arn) := {
	"attached_policies": "attached policies",
	"inline_policies": "inline policies",
	"groups": "group memberships",
} if {
	input.iam.users[arn]
} else := {"attached_policies": "attached policies", "inline_policies": "inline policies"}

# _boundary(arn, p, ctx): the principal's permissions boundary evaluation, or none.
_boundary(arn, p, ctx) := {"none": true} if {
	object.get(p, "permissions_boundary", "") == ""
} else := _boundary_for(arn, object.union(_attached_eval(p.permissions_boundary, ctx), {"arn": p.permissions_boundary}))

# _boundary_for(arn, b): the boundary with the requests its Denies with a principal
# exception (_doc_pdenies) deny to arn added to its Denies. A Deny in a boundary is
# an explicit Deny like any other.
_boundary_for(arn, b) := b if {
	object.get(b, "pdeny", []) == []
} else := object.union(b, {"deny": denied}) if {
	denied := b.deny | {i | some [i, pats] in b.pdeny; not _exempt(arn, pats)}
}

# local_principal(arn) is true for the users and roles of the audited account.
local_principal(arn) if _local[arn]

_local := object.union(
	{arn: {"type": "user", "p": u} | some arn, u in object.get(input, ["iam", "users"], {})},
	{arn: {"type": "role", "p": r} | some arn, r in object.get(input, ["iam", "roles"], {})},
)

# _direct_all: per user and role, its identity evaluation and its direct paths.
# A quiet principal (see _quiet) is skipped without merging its policies.
_direct_all(ctx, group_evals, scp, scpv, rp) := {arn: entry |
	quiet_groups := _quiet_groups(group_evals)
	scp_pdeny := _scp_pdenies(scp, ctx)
	member_evals := {g: _as_member(g, e) | some g, e in group_evals}
	some arn, l in _local
	not _quiet(arn, l, quiet_groups, rp, ctx)
	id := _with_pdenies(arn, _identity(arn, l.p, ctx, member_evals), scp_pdeny, l.p)
	_relevant(arn, id, rp)
	entry := _direct(arn, l, id, _boundary(arn, l.p, ctx), rp, scpv, scp, ctx)
}

# _with_pdenies(arn, id, scp_pdeny, p): the principal's identity with the requests
# that a Deny with a principal exception (_doc_pdenies) denies to it added to its
# Denies: those of its own policies, and those of the SCPs unless it is a
# service-linked role.
_with_pdenies(arn, id, scp_pdeny, p) := id if {
	scp_pdeny == []
	id.pdeny == []
} else := object.union(id, {"deny": deny}) if {
	denied := {i |
		some [i, pats] in array.concat(id.pdeny, _scp_pdeny_for(scp_pdeny, object.get(p, "service_linked", false)))
		not _exempt(arn, pats)
	}
	deny := id.deny | denied
}

_scp_pdeny_for(_, true) := []

_scp_pdeny_for(scp_pdeny, false) := scp_pdeny

# _scp_pdenies(scp, ctx): the Denies with a principal exception of every SCP in
# effect ([request, patterns]), when SCPs apply.
_scp_pdenies(scp, ctx) := [x |
	scp.applies
	some level in scp.levels
	some p in level.policies
	p.document
	some x in _doc_requests(p.document, ctx).pdeny
]

# A managed policy or a group is quiet when its evaluation grants nothing asked, has
# no role or escalation statement and is known: _quiet_policy(arn, ctx), and the
# groups of _quiet_groups(group_evals).
_quiet_policy(arn, ctx) if {
	e := _attached_eval(arn, ctx)
	e.state != "unknown"
	e.allow == []
	e.extra == []
}

_quiet_groups(group_evals) := {arn |
	some arn, e in group_evals
	e.allow == []
	e.extra == []
	count(e.unknown) == 0
}

# _quiet(arn, l, quiet_groups, rp, ctx): the principal's policy lists were read, it
# has no inline policy, every policy and group it has is quiet and no resource policy
# names it: _relevant would be false (the same answer, without building its identity).
_quiet(arn, l, quiet_groups, rp, ctx) if {
	is_array(l.p.attached_policies)
	is_object(l.p.inline_policies)
	count(l.p.inline_policies) == 0
	every a in l.p.attached_policies { _quiet_policy(a, ctx) }
	_in_quiet_groups(l, quiet_groups)
	not rp.granted_to[arn]
}

_in_quiet_groups(l, _) if l.type == "role"

_in_quiet_groups(l, quiet_groups) if {
	l.type == "user"
	is_array(l.p.groups)
	every g in l.p.groups { quiet_groups[g] }
}

# _relevant: the principal has a grant, an escalation or role statement, an unknown,
# or a resource policy names it (cheap test before the detailed evaluation).
_relevant(_, id, _) if id.extra != []

_relevant(_, id, _) if id.allow != []

_relevant(_, id, _) if count(id.unknown) > 0

_relevant(arn, _, rp) if rp.granted_to[arn]

_direct(arn, l, id, boundary, rp, scpv, scp, ctx) := {
	"type": l.type,
	"id": id,
	"paths": paths,
	"unknown": unknown,
	"ceiling": ceiling,
	"boundary": boundary,
	"slr": slr,
} if {
	slr := object.get(l.p, "service_linked", false)
	answer := _direct_paths(arn, id, boundary, rp, scpv, slr, scp, ctx)
	paths := answer.paths
	unknown := answer.unknown | id.unknown
	ceiling := _any_ceiling(arn, id, boundary, rp, scpv, slr)
}

# _direct_paths: the principal's paths and unknowns, request by request (_decide).
# Only the requests an identity or resource policy grants can have a path. When
# neither a boundary nor a resource policy's grant or Deny is about the principal,
# every request's answer is the same for all principals (_open_requests), and the
# paths are its identity grants on the open requests, in request order.
_direct_paths(arn, id, boundary, rp, scpv, slr, scp, ctx) := {"paths": [], "unknown": set()} if {
	# No identity grant and no resource policy grant: no request can have a path
	# (the commonest case: a principal relevant only for its role or escalation statements).
	id.allow == []
	not rp.granted_to[arn]
} else := {"paths": paths, "unknown": unknown} if {
	boundary.none
	not rp.granted_to[arn]
	grants := sort([[g.r, k, g] | some k, g in id.allow])
	every t in grants { not rp.deny_requests[t[0]] }
	open := _open_requests(rp, scpv, slr, ctx)
	paths := [_path(
		arn,
		ctx.reqs[i],
		"identity",
		[g.policy, g.statement],
		_conds(g, boundary),
		_scp_for(scpv, i, slr),
		scp,
		object.get(g, "via", ""),
	) |
		some [i, _, g] in grants
		not id.deny[i]
		open[i].ok
	]
	unknown := {u |
		some [i, _, _] in grants
		not id.deny[i]
		some u in open[i].unknown
	}
} else := {"paths": paths, "unknown": unknown} if {
	granted := {g.r | some g in id.allow} | {i | some i in object.get(rp.granted_to, arn, [])}
	cands := [_decide(arn, i, id, boundary, rp, _scp_for(scpv, i, slr), scp, ctx) | some i in granted]
	paths := [p | some c in cands; some p in c.paths]
	unknown := {u | some c in cands; some u in c.unknown}
}

# _open_requests(rp, scpv, slr, ctx): for each request, what an identity grant gives
# a principal no boundary, identity or resource policy Deny stops: a path (ok) when
# the SCPs do not deny it and the resource side lets IAM decide, else the reasons it
# is unknown. The same arguments for every principal: computed once per slr.
_open_requests(rp, scpv, slr, ctx) := {i: {"ok": ok, "unknown": unknown} |
	some i, req in ctx.reqs
	scp_denied := _scp_for(scpv, i, slr) == "denied"
	ok := _open_ok(scp_denied, rp.by_request[i], ctx)
	unknown := [u |
		not scp_denied
		not ok
		some u in _why_unknown(true, {"ok": true}, rp.by_request[i], req, _scp_for(scpv, i, slr))
	]
}

_open_ok(false, rpi, ctx) if _resource_side_ok(rpi, "", ctx)

else := false

# _any_ceiling: could a policy the principal writes for itself grant one of the
# requests? Asked only of principals allowed to write their own policies (the only
# steps that read it, see _step_targets), without building paths: the requests
# whose resource side lets IAM decide, less those an identity or boundary Deny or
# an SCP denies, that the boundary allows and no resource policy Deny covers.
_any_ceiling(arn, id, boundary, rp, scpv, slr) if {
	_writes_self(id)
	open := ((_ceiling_ok(rp) - id.deny) - object.get(boundary, "deny", set())) - _scp_denied_requests(scpv, slr)
	_not_all_denied(_boundary_allows(boundary, open), rp, arn)
} else := false

# _not_all_denied(requests, rp, arn): a resource policy Deny covering arn leaves one
# of the requests open (no Deny rule at all for one of them, the common case).
_not_all_denied(requests, rp, _) if count(requests - rp.deny_requests) > 0

_not_all_denied(requests, rp, arn) if {
	some i in (requests & rp.deny_requests)
	not _rp_denies(rp.facts[i].deny_rules, arn)
}

# _ceiling_ok(rp): the requests whose resource side lets the account's IAM decide
# (computed once: the same argument for every principal).
_ceiling_ok(rp) := {i | some i, rpi in rp.by_request; _resource_side_ok(rpi, "", _account_ctx)}

_account_ctx := {"account": input.account_id}

_writes_self(id) if {
	some x in id.extra
	x.effect == "Allow"
	_self_writes[x.action]
}

_scp_denied_requests(_, true) := set()

_scp_denied_requests(scpv, false) := {i | some i, v in scpv; v == "denied"}

# _boundary_allows(boundary, requests): the requests (indexes) the boundary allows.
_boundary_allows(boundary, requests) := requests if {
	boundary.none
} else := requests & {a.r | some a in boundary.allow}

# _self_writes: the escalation actions that write the principal's own policies.
_self_writes := {
	"iam:attachuserpolicy", "iam:putuserpolicy", "iam:attachrolepolicy", "iam:putrolepolicy",
	"iam:attachgrouppolicy", "iam:putgrouppolicy", "iam:createpolicyversion", "iam:setdefaultpolicyversion",
}

_scp_for(_, _, true) := "not applicable (service-linked role)"

_scp_for(scpv, i, false) := scpv[i]

_scp_for(scpv, i, false) := "not evaluated" if not scpv[i]

# _decide(arn, i, ...) returns {"paths": [...], "unknown": [...]} for request i.
# "ceiling" says whether a policy the principal gave itself could grant request i:
# nothing denies it, the boundary allows it and the resource side lets IAM decide.
_decide(arn, i, id, boundary, rp, scpv, scp, ctx) := {"paths": [], "unknown": [], "ceiling": false} if {
	_denied(arn, i, id, boundary, rp, scpv)
} else := object.union(out, {"ceiling": ceiling}) if {
	req := ctx.reqs[i]
	grants := [g | some g in id.allow; g.r == i]
	rpg := object.get(rp.direct_grants, [i, arn], [])
	bnd := _boundary_verdict(boundary, i)
	out := _combine(arn, req, grants, rpg, bnd, rp.by_request[i], scpv, scp, ctx)
	ceiling := _ceiling(bnd, rp.by_request[i], ctx)
}

_ceiling(bnd, rpi, ctx) if {
	bnd.ok
	_resource_side_ok(rpi, "", ctx)
} else := false

_denied(_, i, id, _, _, _) if i in id.deny

_denied(_, i, _, boundary, _, _) if i in object.get(boundary, "deny", set())

_denied(arn, i, _, _, rp, _) if _rp_denies(rp.facts[i].deny_rules, arn)

_denied(_, _, _, _, _, "denied")

_boundary_verdict(boundary, i) := {"ok": true} if boundary.none

else := {"ok": true, "conditions": [a.condition | some a in boundary.allow; a.r == i; a.condition != null]} if {
	some a in boundary.allow
	a.r == i
} else := {"ok": false, "unknown": boundary.reason} if {
	boundary.state == "unknown"
} else := {"ok": false}

# _combine applies the resource-policy rules to the identity grants of request i.
_combine(arn, req, grants, rpg, bnd, rpi, scpv, scp, ctx) := {"paths": paths, "unknown": unknown} if {
	identity_ok := count(grants) > 0
	bnd_ok := bnd.ok
	id_paths := [_path(
		arn,
		req,
		"identity",
		[g.policy, g.statement],
		_conds(g, bnd),
		scpv,
		scp,
		object.get(g, "via", ""),
	) |
		identity_ok
		bnd_ok
		_resource_side_ok(rpi, arn, ctx)
		some g in grants
	]

	# A resource policy naming the principal is enough in the resource's own account
	# (boundaries do not limit it); across accounts the identity side must allow too.
	rp_paths := [_path(
		arn,
		req,
		"resource policy",
		[rpi.name, g.statement],
		[c | c := g.condition; c != null],
		scpv,
		scp,
		"",
	) |
		rpi.owner == ctx.account
		some g in rpg
	]
	cross_paths := [_path(
		arn,
		req,
		"resource policy",
		[rpi.name, g.statement],
		[c | c := g.condition; c != null],
		scpv,
		scp,
		"",
	) |
		rpi.owner != ctx.account
		identity_ok
		bnd_ok
		some g in rpg
	]
	paths := array.concat(array.concat(id_paths, rp_paths), cross_paths)
	unknown := [u |
		count(paths) == 0
		some u in _why_unknown(identity_ok, bnd, rpi, req, scpv)
	]
}

_conds(g, bnd) := array.concat([c | c := g.condition; c != null], object.get(bnd, "conditions", []))

# _resource_side_ok: the identity grant is enough on the resource side.
# No resource policy applies (trail, log group), or a same-account bucket (identity
# alone suffices for S3 in the same account), or a policy that lets the account's
# IAM decide (account root or * named by an Allow: KMS delegation, cross-account).
_resource_side_ok(rpi, _, ctx) if {
	rpi.state == "none"
	rpi.kind != "kms"
	rpi.owner in {"", ctx.account}
}

_resource_side_ok(rpi, _, ctx) if {
	rpi.kind == "none"
	rpi.owner in {"", ctx.account}
}

_resource_side_ok(rpi, _, ctx) if {
	rpi.kind == "s3"
	rpi.owner == ctx.account
}

_resource_side_ok(rpi, _, _) if rpi.delegates

_why_unknown(true, bnd, _, _, _) := [bnd.unknown] if bnd.unknown

_why_unknown(true, bnd, rpi, _, _) := [rpi.reason] if {
	bnd.ok
	rpi.state == "unknown"
}

_why_unknown(true, bnd, rpi, _, _) := [
	"the bucket's owner is unknown (a bucket in another account?) and its policy was not read",
] if {
	bnd.ok
	rpi.kind == "s3"
	rpi.owner == ""
	rpi.state != "unknown"
	not rpi.delegates
}

# --- resource policies -------------------------------------------------------------

# _resource_policies(ctx, rcp_rules): for each request index, the resource policy's facts:
# by_request[i] = {kind, state, owner, name, delegates, reason}; direct_grants[i][arn]
# = Allow statements naming a principal of the account (granted_to[arn]: the requests
# they grant it); facts[i].deny_rules = whom its counted Denies, and those of the RCPs
# (rcp_rules, see _rcp_rules), cover (deny_requests: the requests that have one);
# facts[i].outside = Allow statements naming anyone else (see _rp_facts).
# direct_grants and facts have entries only for the requests whose policy was read or
# that an RCP Deny covers (direct_grants: only those that name a principal of the account).
_resource_policies(ctx, rcp_rules) := {
	"by_request": {i: _rp_info(r.policy, object.get(evals, [i, "delegates"], false)) | some i, r in ctx.reqs},
	"direct_grants": {i: _group_by_principal(e.allow_named) | some i, e in evals; e.allow_named != []},
	"facts": evals,
	"granted_to": _group([[g.principal, i] | some i, e in evals; some g in e.allow_named]),
	"deny_requests": {i | some i, e in evals; count(e.deny_rules) > 0},
} if {
	# Only a policy that was read has statements: the other requests (no resource
	# policy, or one not read) have no grants, Denies or outside principals. The
	# facts of a request come from the statements about its action (_rp_facts): the
	# requests on one resource whose actions the same statements cover (most: one
	# statement about "s3:*" or "kms:*") share one evaluation.
	read := {i: _rp_facts(stmts, r.resource) |
		some i, r in ctx.reqs
		r.policy.state == "read"
		stmts := [[sid, s] | some [sid, s, acts] in _doc_statements(r.policy.document, ctx); acts[r.action_lc]]
	}

	# The RCPs' Denies on a request join its resource policy's (_rcp_rules).
	evals := object.union(read, {i: _with_rcp(object.get(read, i, _no_facts), rules) | some i, rules in rcp_rules})
}

# _no_facts: the facts of a request whose resource policy was not read.
_no_facts := {"allow_named": [], "deny_rules": [], "outside": [], "delegates": false}

# _with_rcp(e, rules): the resource policy facts e with the RCP Deny rules added: the
# outside principals they deny lose their grant.
_with_rcp(e, rules) := object.union(e, {
	"deny_rules": array.concat(e.deny_rules, rules),
	"outside": [o | some o in e.outside; not _rp_denies(rules, o.principal)],
})

# _rp_info(policy, delegates): a function of the request's policy (not of the request),
# evaluated once for all the requests on one resource.
_rp_info(policy, delegates) := object.union_n([
	_rp_defaults,
	object.filter(policy, ["kind", "state", "owner", "name", "reason"]),
	{"delegates": delegates},
])

_rp_defaults := {"kind": "none", "owner": "", "name": "", "reason": ""}

_group_by_principal(grants) := {p: [g | some g in grants; g.principal == p] | some x in grants; p := x.principal}

# _rp_facts(stmts, resource): the Allow statements of stmts that apply to resource,
# by whom they name (the account's principals, anyone else, the account itself), and
# whom their counted Denies cover.
_rp_facts(stmts, resource) := {"allow_named": named, "deny_rules": deny_rules, "outside": outside, "delegates": delegates} if {
	allows := [[sid, s, _principal_names(s)] | some [sid, s] in stmts; s.Effect == "Allow"; _res_allow(s, resource)]
	root := _root
	named := [{"principal": p, "statement": sid, "condition": _condition(s)} |
		some [sid, s, names] in allows
		some p in names
		_local[p]
	]
	delegates := _delegates(allows, root)
	deny_rules := [_exempting(_deny_rule(s), s) |
		some [_, s] in stmts
		s.Effect == "Deny"
		_counted_deny(s)
		_res_deny(s, resource)
	]
	outside := [{"principal": p, "statement": sid, "condition": _condition(s)} |
		some [sid, s, names] in allows
		some p in names
		not _local[p]
		p != root
		not _rp_denies(deny_rules, p)
	]
}

# _delegates(allows, root): an Allow statement names the account (its root) or
# anyone: the policy lets the account's IAM decide (KMS delegation, cross-account).
_delegates(allows, root) if {
	some [_, _, names] in allows
	names[root]
} else if {
	some [_, _, names] in allows
	names["*"]
} else := false

# _principal_names(stmt): the principals an Allow statement names, normalised
# (a bare account id becomes its root ARN). NotPrincipal (everyone but ...) is "*".
_principal_names(s) := {"*"} if s.Principal == "*"

else := {"*"} if s.NotPrincipal

else := {_normal_principal(p) |
	some _, v in s.Principal
	some p in _list(v)
}

_normal_principal(p) := sprintf("arn:%s:iam::%s:root", [snapshot.partition, p]) if regex.match(`^[0-9]{12}$`, p)

else := role if {
	# A session of one of the account's roles stands for the role.
	parts := split(p, ":")
	count(parts) == 6
	parts[2] == "sts"
	parts[4] == input.account_id
	startswith(parts[5], "assumed-role/")
	role := _role_by_name[split(parts[5], "/")[1]]
} else := p

_role_by_name := {r.name: arn | some arn, r in object.get(input, ["iam", "roles"], {})}

# _deny_rule(s): whom an unconditional Deny statement covers: everyone ("*"),
# everyone but its NotPrincipal, or the principals it names.
_deny_rule(s) := {"all": true, "except": set()} if s.Principal == "*"

else := {"all": true, "except": set()} if "*" in _list(s.Principal.AWS)

else := {
	"all": true,
	"except": _principal_names(object.union(object.remove(s, ["NotPrincipal"]), {"Principal": s.NotPrincipal})),
} if {
	s.NotPrincipal
} else := {"all": false, "names": _principal_names(s)}

_rp_denies(rules, arn) if {
	some d in rules
	d.all
	not arn in d.except
	not _account_root(arn) in d.except
	not _exempted(d, arn)
}

_rp_denies(rules, arn) if {
	some d in rules
	not d.all
	arn in d.names
	not _exempted(d, arn)
}

# A resource policy's Deny counts when it has no condition, or when its only
# condition exempts principals by ARN (_principal_exception): then the rule keeps the
# patterns (exempt) and spares the principals they may match.
_counted_deny(s) if _condition(s) == null

_counted_deny(s) if _principal_exception(s)

_counted_deny(s) if _perimeter(s)

_exempting(rule, s) := object.union(rule, {"exempt": pats}) if {
	pats := _principal_exception(s)
} else := object.union(rule, {"perimeter": tests}) if {
	tests := _perimeter(s)
} else := rule

# _exempted(d, arn): rule d has a principal exception that may spare arn. Only a user
# or role is judged by its ARN; anyone else ("*", an account root, a role session,
# whose aws:PrincipalArn is its role's ARN, a service or federated principal) stands
# for principals the exception may spare, or has no aws:PrincipalArn at all: the
# Deny is not counted against it.
_exempted(d, arn) if {
	d.exempt
	not regex.match(`^arn:[^:]+:iam::[0-9]{12}:(user|role)/`, arn)
}

_exempted(d, arn) if _exempt(arn, d.exempt)

# A Deny whose condition is about who the principal is (_perimeter) spares every
# principal it is not known to cover.
_exempted(d, arn) if {
	d.perimeter
	not _beyond(d.perimeter, arn)
}

# RCPs do not restrict service-linked roles.
_exempted(d, arn) if {
	d.rcp
	input.iam.roles[arn].service_linked == true
}

# _perimeter(s): the tests of a Deny whose condition is only about who the principal
# is: its organization or account (StringNotEquals, with or without IfExists, on
# aws:PrincipalOrgID or aws:PrincipalAccount) and whether it is an AWS service
# (Bool aws:PrincipalIsAWSService false). The usual data perimeter, in an RCP or a
# bucket or key policy: {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-..."},
# "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}. Undefined when any part of
# the condition is about something else (a tag, the network, TLS): such a Deny stays
# uncounted, as it may not apply.
_perimeter(s) := tests if {
	entries := [[op, key, v] | some op, block in s.Condition; some key, v in block]
	tests := [t | some [op, key, v] in entries; t := _perimeter_test(iam.base_operator(op), contains(op, ":"), lower(key), v)]
	count(tests) == count(entries)
	count(tests) > 0
}

_perimeter_test(op, false, key, v) := {"key": key, "values": {lower(x) | some x in values}} if {
	op in {"stringnotequals", "stringnotequalsignorecase"}
	key in {"aws:principalorgid", "aws:principalaccount"}
	values := _list(v)
	count(values) > 0
	every x in values {
		is_string(x)
		not contains(x, "${")
	}
}

_perimeter_test("bool", false, "aws:principalisawsservice", v) := {"key": "aws:principalisawsservice"} if {
	{lower(sprintf("%v", [x])) | some x in _scalars(v)} == {"false"}
}

_scalars(v) := v if is_array(v)

else := [v]

# _beyond(tests, arn): every test of a perimeter Deny holds for principal arn, an
# IAM principal (an account root, a user, a role or a role session) whose account
# and organization are known. Anyone else ("*", a service, a federated identity) is
# not known to be covered.
_beyond(tests, arn) if {
	acct := _principal_account(arn)
	every t in tests {
		_holds(t, acct)
	}
}

_principal_account(arn) := split(arn, ":")[4] if {
	regex.match(`^arn:[^:]+:(iam|sts)::[0-9]{12}:(root$|user/|role/|assumed-role/)`, arn)
}

# An IAM principal is not an AWS service.
_holds(t, _) if t.key == "aws:principalisawsservice"

_holds(t, acct) if {
	t.key == "aws:principalaccount"
	not acct in t.values
}

# A principal of the organization has its id: the Deny covers it when the id is
# not listed. A principal of an account the organization does not have (known only
# when the scan listed all its accounts) has another organization's id or none: the
# Deny covers it when only this organization's id is listed.
_holds(t, acct) if {
	t.key == "aws:principalorgid"
	_org_member(acct)
	org := input.organization.id
	not lower(org) in t.values
}

_holds(t, acct) if {
	t.key == "aws:principalorgid"
	not _org_member(acct)
	count(object.get(input.organization, "account_ids", [])) > 0
	t.values == {lower(input.organization.id)}
}

_org_member(acct) if {
	input.organization.id
	acct == input.account_id
}

_org_member(acct) if acct in object.get(input.organization, "account_ids", [])

_org_member(acct) if acct in object.get(input.organization, "known_account_ids", [])

_account_root(arn) := sprintf(
	"arn:%s:iam::%s:root",
	[snapshot.partition, split(arn, ":")[4]],
) if count(split(arn, ":")) >= 6

else := arn

# --- paths -------------------------------------------------------------------------

_path(arn, req, source, through, conditions, scpv, scp, via) := {
	"action": req.action,
	"resource": req.resource,
	"kind": _kind(conditions),
	"steps": array.concat(array.concat([_display(arn)], _via(via)), array.concat(through, [req.action, req.label])),
	"source": source,
	"conditions": conditions,
	"scp": _scp_note(scpv, scp),
	"scp_uncertain": _scp_uncertain(scpv, scp),
}

# _display(arn): "user/alice" for the account's principals, the full ARN (or "*") for others.
_display(arn) := _short(arn) if _local[arn]

else := arn

_scp_uncertain(scpv, scp) if {
	scp.unread
} else if {
	startswith(scpv, "unknown")
} else := false

_via("") := []

_via(g) := [sprintf("member of %s", [_short(g)])] if g != ""

_kind([]) := "direct"

_kind(c) := "conditional" if count(c) > 0

_scp_note(scpv, scp) := scp.summary if not scp.applies

else := sprintf("SCPs: %s", [scpv])

# --- the answer: direct paths, role assumption, escalation, outside principals ---------

_principals(ctx, direct, group_evals, rp) := object.union_n([
	{arn: {"type": d.type, "paths": d.paths, "unknown": sort(d.unknown)} |
		some arn, d in direct
		count(d.paths) + count(d.unknown) > 0
	},
	_indirect(direct, group_evals),
	_outside(ctx, direct, rp),
])

# _able: the users and roles with a direct path (the targets of the one extra step).
_able(direct) := {arn | some arn, d in direct; count(d.paths) > 0}

# _indirect: principals without a direct path that reach one through a role they can
# assume or one escalation step. Driven by each principal's own role and escalation
# statements, against target lists computed once (T): an Allow on "*" takes the first
# target, so the work stays linear in the principals, not principals x targets.
_indirect(direct, group_evals) := {arn: {
	"type": l.type,
	"paths": paths,
	"unknown": sort(object.get(direct, [arn, "unknown"], [])),
} |
	T := _targets(direct, group_evals)
	some arn in ({a | some a, d in direct; count(d.paths) == 0} | (object.keys(T.named) - object.keys(direct)))
	d := object.get(
		direct,
		arn,
		{
			"id": {"allow": [], "deny": set(), "extra": [], "unknown": set()},
			"ceiling": false,
			"boundary": {"none": true},
			"slr": false,
		},
	)
	l := _local[arn]
	paths := array.concat(_assumptions(arn, d, T, direct), _escalations(arn, l, d, T, direct))
	count(paths) > 0
}

# _targets(direct, group_evals): the principals and groups that can (sorted lists),
# the able roles whose trust admits the account, and the principals a trust names;
# each list with its index by ARN (see _pick_from). When no principal can and no group
# grants anything (a member account whose principals cannot reach the organization
# trail's resources), every list is empty, without building them.
_targets(direct, group_evals) := _no_targets if {
	count(_able(direct)) == 0
	every e in group_evals { e.allow == [] }
} else := {
	"users": users,
	"users_index": _index_by_key(users),
	"roles": roles,
	"roles_index": _index_by_key(roles),
	"groups": groups,
	"groups_index": _index_by_key(groups),
	"root_trusted": root_trusted,
	"root_trusted_index": _index_by_key(root_trusted),
	"named": _group([[n, [role, j, s]] | some [n, role, j, s] in named]),
	"passrole": sort([[role, svc] |
		some role in able
		_local[role].type == "role"
		some s in _statements(object.get(input.iam.roles[role], "trust_policy", {}))
		s.Effect == "Allow"
		some svc in _list(object.get(object.get(s, "Principal", {}), "Service", []))
		compute_services[svc]
	]),
} if {
	able := _able(direct)
	users := sort([t | some t in able; _local[t].type == "user"])
	roles := sort([t | some t in able; _local[t].type == "role"])
	groups := sort([g | some g, e in group_evals; count(e.allow) > 0])
	root_trusted := sort([[role, j, s] |
		some role in able
		_local[role].type == "role"
		some j, s in _statements(object.get(input.iam.roles[role], "trust_policy", {}))
		_trust_allows(s)
		some n in _principal_names(s)
		n in {_root, "*"}
	])
	named := [[n, role, j, s] |
		some role in able
		_local[role].type == "role"
		some j, s in _statements(object.get(input.iam.roles[role], "trust_policy", {}))
		_trust_allows(s)
		some n in _principal_names(s)
		_local[n]
		n != role
	]
}

_no_targets := {
	"users": [], "users_index": {}, "roles": [], "roles_index": {}, "groups": [], "groups_index": {},
	"root_trusted": [], "root_trusted_index": {}, "named": {}, "passrole": [],
}

_root := sprintf("arn:%s:iam::%s:root", [snapshot.partition, input.account_id])

_trust_allows(s) if {
	s.Effect == "Allow"
	some a in _list(s.Action)
	lower(a) in {"sts:assumerole", "sts:*", "*"}
}

# _assumptions: arn may assume a role that can: the role's trust names arn, or admits
# the account (or anyone) and arn's own policies allow sts:AssumeRole on it.
_assumptions(arn, d, T, direct) := array.concat(
	[_role_path(arn, role, j, s, direct) | some [role, j, s] in array.slice(object.get(T.named, arn, []), 0, 1)],
	[_role_path(arn, role, j, s, direct) |
		some x in array.slice(
			[x |
				some x in d.id.extra
				x.action == "sts:assumerole"
				x.effect == "Allow"
			],
			0, 1,
		)
		some [role, j, s] in _pick_from(d.id, x, T.root_trusted, T.root_trusted_index, set())
	],
)

_role_path(arn, role, j, s, direct) := {
	"action": first.action, "resource": first.resource, "kind": "role",
	"steps": array.concat(
		[_short(arn), sprintf("sts:AssumeRole %s (trust %s%s)", [_short(role), _sid(s, j), _cond_text(_condition(s))])],
		array.slice(first.steps, 1, count(first.steps)),
	),
	"source": "role", "conditions": [c | c := _condition(s); c != null], "scp": first.scp,
	"scp_uncertain": first.scp_uncertain,
} if {
	first := direct[role].paths[0]
}

_cond_text(null) := ""

_cond_text(c) := sprintf(", if %s", [json.marshal(c)]) if c != null

# _pick_triples(id, x, triples): the first [role, ...] whose role x allows and no
# unconditional Deny of id covers.
_pick_triples(id, x, triples) := array.slice(
	[t |
		some t in triples
		_res_allow(x.statement_doc, t[0])
		not _identity_denies_on(id, x.action, t[0])
	],
	0, 1,
) if {
	not _every_resource(x.statement_doc)
} else := array.slice([t | some t in triples; not _identity_denies_on(id, x.action, t[0])], 0, 1) if {
	_has_deny(id, x.action)
} else := array.slice(triples, 0, 1)

# _pick(id, x, targets): the same for a list of target ARNs.
_pick(id, x, targets) := array.slice(
	[t |
		some t in targets
		_res_allow(x.statement_doc, t)
		not _identity_denies_on(id, x.action, t)
	],
	0, 1,
) if {
	not _every_resource(x.statement_doc)
} else := array.slice([t | some t in targets; not _identity_denies_on(id, x.action, t)], 0, 1) if {
	_has_deny(id, x.action)
} else := array.slice(targets, 0, 1)

# _pick_from(id, x, targets, index, skip) is what _pick and _pick_triples return for
# the targets whose key (the ARN, or the first item of a triple) is not in skip,
# without scanning targets for every principal: the sorted list targets is shared
# by all principals, index maps each key to its elements, and the candidates x's
# resources allow are found by lookup (literal ARNs) or by one scan per statement
# (_candidates_for is called with the same arguments by every principal holding the
# statement, and OPA evaluates a function once per distinct arguments). Only the
# first len(skip's elements) + 1 candidates are read when no Deny of id can remove one.
_pick_from(id, x, targets, index, skip) := array.slice(
	[t |
		some t in _candidates_for(x.statement_doc, targets, index)
		not _key(t) in skip
		not _identity_denies_on(id, x.action, _key(t))
	],
	0, 1,
) if {
	_has_deny(id, x.action)
} else := array.slice([t | some t in array.slice(cands, 0, n + 1); not _key(t) in skip], 0, 1) if {
	cands := _candidates_for(x.statement_doc, targets, index)
	n := sum([count(object.get(index, k, [])) | some k in skip])
}

# _candidates_for(stmt, targets, index): the elements of targets an Allow statement's
# resources apply to, in the order of targets (sorted).
_candidates_for(stmt, targets, index) := targets if {
	_every_resource(stmt)
} else := sort({e | some r in _list(stmt.Resource); some e in object.get(index, r, [])}) if {
	_literal_resources(stmt)
} else := [e | some e in targets; _res_allow(stmt, _key(e))]

# _literal_resources(stmt): stmt names its resources by plain ARNs (no wildcard, no
# policy variable): each matches only itself.
_literal_resources(stmt) if {
	not stmt.NotResource
	is_array(stmt.Resource)
	every r in stmt.Resource {
		is_string(r)
		not regex.match(`[*?\[\]{}\\$]`, r)
	}
}

_literal_resources(stmt) if {
	not stmt.NotResource
	is_string(stmt.Resource)
	not regex.match(`[*?\[\]{}\\$]`, stmt.Resource)
}

_key(t) := t if is_string(t)

else := t[0]

# _index_by_key(list): each key of the list's elements to its elements.
_index_by_key(list) := _group([[_key(e), e] | some e in list])

_every_resource(stmt) if "*" in _list(stmt.Resource)

_has_deny(id, action) if {
	some y in id.extra
	y.action == action
	y.effect == "Deny"
}

_identity_denies_on(id, action, target) if {
	some x in id.extra
	x.action == action
	x.effect == "Deny"
	x.condition == null
	_res_deny(x.statement_doc, target)
}

# _grant_on(id, action, target): the first identity statement that allows action on
# target (undefined when none does, or an unconditional Deny covers it).
_grant_on(id, action, target) := grants[0] if {
	not _identity_denies_on(id, action, target)
	grants := [x |
		some x in id.extra
		x.action == action
		x.effect == "Allow"
		_res_allow(x.statement_doc, target)
	]
	count(grants) > 0
}

# _escalations: one step that gives arn (or a principal it controls) a permission
# to blind, each reported with the step; one target per escalation statement.
_escalations(arn, l, d, T, direct) := [p |
	some x in d.id.extra
	x.effect == "Allow"
	escalation_actions[x.action]
	some [target, what, needs] in _step_targets(arn, l, d, T, x)
	_step_permitted(d, x.action, target)
	_also(d.id, needs)
	p := _esc_path(arn, x.action, target, what, x, direct)
]

# _step_targets(arn, l, d, T, x): [target, what, second action] for statement x.
# A step that writes the principal's own policies (itself, its group, its policy)
# helps only when nothing caps it (d.ceiling: no Deny, boundary or SCP stops the new grant).
_step_targets(arn, l, d, T, x) := [[arn, "itself", ""] |
	d.ceiling
	_res_allow(x.statement_doc, arn)
	not _identity_denies_on(d.id, x.action, arn)
] if {
	x.action in {"iam:attachuserpolicy", "iam:putuserpolicy", "iam:attachrolepolicy", "iam:putrolepolicy"}
	_self_action(l.type, x.action)
} else := [[g, "its group", ""] | d.ceiling; some g in _pick(d.id, x, object.get(l.p, "groups", []))] if {
	x.action in {"iam:attachgrouppolicy", "iam:putgrouppolicy"}
} else := [[p, "its customer-managed policy", ""] |
	d.ceiling
	some p in _pick(d.id, x, _own_customer_policies(l.p))
] if {
	x.action in {"iam:createpolicyversion", "iam:setdefaultpolicyversion"}
} else := [[t, "a user that can", ""] | some t in _pick_from(d.id, x, T.users, T.users_index, {arn})] if {
	x.action in {"iam:createaccesskey", "iam:createloginprofile", "iam:updateloginprofile"}
} else := [[t, "a role that can", ""] | some t in _pick_from(d.id, x, T.roles, T.roles_index, {arn})] if {
	x.action == "iam:updateassumerolepolicy"
} else := [[g, "a group that can", ""] |
	l.type == "user"
	some g in _pick_from(d.id, x, T.groups, T.groups_index, {g | some g in object.get(l.p, "groups", [])})
] if {
	x.action == "iam:addusertogroup"
} else := [[role, sprintf("a role that can, run by %s", [svc]), compute_services[svc]] |
	runs := {svc | some svc, action in compute_services; _also(d.id, action)}
	targets := _passrole_for(runs, T.passrole)
	some [role, svc] in _pick_from(d.id, x, targets, _index_by_key(targets), {arn})
] if {
	x.action == "iam:passrole"
} else := []

# _passrole_for(runs, passrole): the [role, service] pairs whose service the
# principal can start (runs), in order.
_passrole_for(runs, passrole) := [t | some t in passrole; t[1] in runs]

_self_action("user", action) if action in {"iam:attachuserpolicy", "iam:putuserpolicy"}

_self_action("role", action) if action in {"iam:attachrolepolicy", "iam:putrolepolicy"}

_own_customer_policies(p) := [a |
	some a in object.get(p, "attached_policies", [])
	not object.get(input.iam.policies, [a, "aws_managed"], false)
]

# _step_permitted: the escalation action itself is not denied by an SCP (an
# unconditional Deny on every resource) and the principal's boundary allows it.
_step_permitted(d, action, target) if {
	_scp_spares(d.slr, action)
	_boundary_permits(d.boundary, action, target)
}

_scp_spares(true, _)

_scp_spares(false, action) if not _scp_denied_steps[action]

_boundary_permits(b, _, _) if b.none

_boundary_permits(b, action, target) if _grant_on(b, action, target)

# _scp_denied_steps: the escalation and role actions the SCPs deny on every resource
# (asked as requests on "*", which only a Deny on "*" covers). A rule: computed once,
# and only when an escalation step is met.
_scp_denied_steps := set() if {
	not _scp(_steps_ctx).applies
} else := {action |
	some i, verdict in _scp_verdicts(_scp(_steps_ctx), _steps_ctx)
	verdict == "denied"
	action := _steps_ctx.reqs[i].action
}

_steps_ctx := _context([{
	"action": x,
	"resource": "*",
	"label": "*",
	"action_lc": x,
	"policy": {"kind": "none", "state": "none", "owner": ""},
} |
	some x in _extra
])

# _also(id, action): the escalation's second action (starting the compute a role is
# passed to) is allowed on some resource; "" when none is needed.
_also(_, "")

_also(id, action) if _grant_on(id, action, "*")

_esc_path(arn, action, target, what, x, direct) := {
	"action": first.action, "resource": first.resource, "kind": "escalation",
	"steps": array.concat(
		[_short(arn), x.policy, x.statement, sprintf("escalation: %s on %s (%s)", [action, _short(target), what])],
		array.slice(first.steps, 1, count(first.steps)),
	),
	"source": "escalation",
	"conditions": [c | c := x.condition; c != null],
	"scp": first.scp,
	"scp_uncertain": first.scp_uncertain,
} if {
	first := direct[target].paths[0]
} else := {
	"action": "(any action it grants)", "resource": _short(target), "kind": "escalation",
	"steps": [
		_short(arn),
		x.policy,
		x.statement,
		sprintf("escalation: %s on %s (%s), then any action the new policy grants", [action, _short(target), what]),
		"(any action it grants)",
		_short(target),
	],
	"source": "escalation",
	"conditions": [c | c := x.condition; c != null],
	"scp": "the boundary and SCPs of the target are not evaluated for an escalation",
	"scp_uncertain": false,
}

# _outside: principals outside the account let in by a resource policy (bucket, key)
# or by the trust policy of a role that can.
_outside(ctx, direct, rp) := {p: {"type": "outside", "paths": [y[1] | some y in list], "unknown": []} |
	grants := array.concat(
		[[
			g.principal,
			_path(
				g.principal,
				ctx.reqs[i],
				"resource policy",
				[rp.by_request[i].name, g.statement],
				[c | c := g.condition; c != null],
				"",
				{"applies": false, "summary": "their own account's policies decide too"},
				"",
			),
		] |
			some i, e in rp.facts
			some g in e.outside
		],
		_trusted_outside(direct, ctx),
	)

	# Grouped by principal, each principal's paths in the order of grants.
	some p, list in _group([[x[0], [k, x[1]]] | some k, x in grants])
}

_trusted_outside(direct, ctx) := [[n, path] |
	some role in _able(direct)
	r := input.iam.roles[role]
	some j, s in _statements(object.get(r, "trust_policy", {}))
	s.Effect == "Allow"
	_assumes(s)
	some n in _outside_names(s)
	not _rcp_denies_assume(n, role, ctx)
	first := direct[role].paths[0]
	path := {
		"action": first.action, "resource": first.resource, "kind": "role",
		"steps": array.concat(
			[n, sprintf("assume %s (trust %s%s)", [_short(role), _sid(s, j), _cond_text(_condition(s))])],
			array.slice(first.steps, 1, count(first.steps)),
		),
		"source": "role", "conditions": [c | c := _condition(s); c != null], "scp": first.scp,
		"scp_uncertain": first.scp_uncertain,
	}
]

# _outside_names: the principals a trust statement admits that are not this
# account's users and roles nor its root (whose users are covered by _assumptions),
# nor compute services (covered by iam:PassRole).
# _assumes(s): a trust statement allows one of the sts:AssumeRole* actions.
_assumes(s) if {
	some a in _list(s.Action)
	glob.match(lower(a), null, "sts:assumerole*")
}

_assumes(s) if {
	some a in _list(s.Action)
	lower(a) in {"*", "sts:*", "sts:assumerole", "sts:assumerolewithsaml", "sts:assumerolewithwebidentity"}
}

_outside_names(s) := {n |
	some n in _principal_names(s)
	not _local[n]
	n != sprintf("arn:%s:iam::%s:root", [snapshot.partition, input.account_id])
	not compute_services[n]
}

# --- gaps ----------------------------------------------------------------------------

# _gaps: why the whole answer may be incomplete.
_gaps contains "IAM could not be read (see the collection errors)" if not input.iam

_gaps contains sprintf("the IAM %s were not collected", [name]) if {
	input.iam
	some name in ["users", "roles", "policies"]
	object.get(input.iam, name, null) == null
}
