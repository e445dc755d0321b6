package trailguard.checks.trail_tagged_test

import data.trailguard.checks.trail_tagged.findings
import data.trailguard.fixtures

only(snapshot) := f if {
	fs := findings with input as snapshot
	count(fs) == 1
	some f in fs
}

test_pass_when_trail_tagged if {
	f := only(fixtures.compliant)
	f.status == "PASS"
	f.resource == fixtures.trail_arn
	f.message == "trail has 2 tag(s): cost-centre, owner"
}

test_fail_when_trail_untagged if {
	f := only(fixtures.with_value(["trails", fixtures.trail_arn, "tags"], {}))
	f.status == "FAIL"
	f.resource == fixtures.trail_arn
	f.message == "trail has no tags: its owner and purpose are not recorded"
}

test_fail_names_owner_of_untagged_organization_trail if {
	snapshot := fixtures.patched([
		{"op": "replace", "path": ["account_id"], "value": "444455556666"},
		{"op": "replace", "path": ["trails", fixtures.trail_arn, "tags"], "value": {}},
	])
	f := only(snapshot)
	f.status == "FAIL"
	f.resource == fixtures.trail_arn
	f.message == concat("; ", [
		"trail has no tags: its owner and purpose are not recorded",
		"the trail is owned by account 111122223333, which must add them",
	])
}

test_unknown_when_tags_not_collected if {
	snapshot := fixtures.patched([
		{"op": "remove", "path": ["trails", fixtures.trail_arn, "tags"]},
		{
			"op": "add",
			"path": ["errors"],
			"value": [{
				"service": "cloudtrail",
				"operation": "ListTags",
				"resource": fixtures.trail_arn,
				"code": "AccessDeniedException",
			}],
		},
	])
	f := only(snapshot)
	f.status == "UNKNOWN"
	f.resource == fixtures.trail_arn
	f.message == sprintf(
		"tags (ListTags) of %s could not be read (cloudtrail ListTags: AccessDeniedException)",
		[fixtures.trail_arn],
	)
}

# A member sees the organization trail but may not read its tags: the
# collector leaves them to the owner, and the finding says whose they are.
test_unknown_names_owner_when_tags_are_the_owners_to_read if {
	snapshot := fixtures.patched([
		{"op": "replace", "path": ["account_id"], "value": "444455556666"},
		{"op": "remove", "path": ["trails", fixtures.trail_arn, "tags"]},
		{"op": "add", "path": ["trails", fixtures.trail_arn, "tags_from_owner"], "value": true},
	])
	f := only(snapshot)
	f.status == "UNKNOWN"
	contains(f.message, "only account 111122223333 may call ListTags on it")
}
