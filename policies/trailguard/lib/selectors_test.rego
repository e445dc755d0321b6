package trailguard.lib.selectors_test

import data.trailguard.fixtures
import data.trailguard.lib.selectors

aws := {"partition": "aws"}

classic(sels) := {"event_selectors": sels}

advanced(sels) := {"advanced_event_selectors": sels}

adv(fields) := advanced([{"name": "s", "field_selectors": fields}])

management := {"field": "eventCategory", "equals": ["Management"]}

data_category := {"field": "eventCategory", "equals": ["Data"]}

s3_object := {"field": "resources.type", "equals": ["AWS::S3::Object"]}

# --- selectors_known --------------------------------------------------------

test_selectors_known_classic if selectors.selectors_known(classic([]))

test_selectors_known_advanced if selectors.selectors_known(advanced([]))

test_selectors_unknown_when_not_collected if not selectors.selectors_known({"name": "t"})

# --- all_management_events: classic -----------------------------------------

test_classic_all_management if {
	selectors.all_management_events(classic([{"read_write_type": "All", "include_management_events": true}]))
}

test_classic_all_management_with_empty_exclusions_and_data_resources if {
	selectors.all_management_events(classic([{
		"read_write_type": "All",
		"include_management_events": true,
		"exclude_management_event_sources": [],
		"data_resources": [{"type": "AWS::S3::Object", "values": ["arn:aws:s3"]}],
	}]))
}

test_classic_read_only_is_not_all if {
	not selectors.all_management_events(classic([{"read_write_type": "ReadOnly", "include_management_events": true}]))
}

test_classic_read_only_plus_write_only_is_not_all if {
	not selectors.all_management_events(classic([
		{"read_write_type": "ReadOnly", "include_management_events": true},
		{"read_write_type": "WriteOnly", "include_management_events": true},
	]))
}

test_classic_management_events_excluded if {
	not selectors.all_management_events(classic([{"read_write_type": "All", "include_management_events": false}]))
}

test_classic_excluded_event_source_is_not_all if {
	not selectors.all_management_events(classic([{
		"read_write_type": "All",
		"include_management_events": true,
		"exclude_management_event_sources": ["kms.amazonaws.com"],
	}]))
}

test_classic_missing_read_write_type_is_not_proof if {
	not selectors.all_management_events(classic([{"include_management_events": true}]))
}

test_no_selectors_collected_is_not_all if not selectors.all_management_events({"name": "t"})

# --- all_management_events: advanced ----------------------------------------

test_advanced_all_management if selectors.all_management_events(adv([management]))

test_advanced_all_management_among_data_selectors if {
	selectors.all_management_events(advanced([
		{"name": "s3", "field_selectors": [data_category, s3_object]},
		{"name": "mgmt", "field_selectors": [management]},
	]))
}

test_advanced_field_name_case_insensitive if {
	selectors.all_management_events(adv([{"field": "EventCategory", "equals": ["Management"]}]))
}

test_advanced_read_only_management_is_not_all if {
	not selectors.all_management_events(adv([management, {"field": "readOnly", "equals": ["true"]}]))
}

test_advanced_write_only_management_is_not_all if {
	not selectors.all_management_events(adv([management, {"field": "readOnly", "equals": ["false"]}]))
}

test_advanced_read_plus_write_selectors_is_not_all if {
	not selectors.all_management_events(advanced([
		{"name": "r", "field_selectors": [management, {"field": "readOnly", "equals": ["true"]}]},
		{"name": "w", "field_selectors": [management, {"field": "readOnly", "equals": ["false"]}]},
	]))
}

test_advanced_read_only_true_and_false_is_all if {
	selectors.all_management_events(adv([management, {"field": "readOnly", "equals": ["true", "false"]}]))
}

test_advanced_excluded_event_source_is_not_all if {
	not selectors.all_management_events(adv([management, {"field": "eventSource", "not_equals": ["kms.amazonaws.com"]}]))
}

test_advanced_data_selector_is_not_management if {
	not selectors.all_management_events(adv([data_category, s3_object]))
}

test_advanced_selector_without_category_is_not_management if {
	not selectors.all_management_events(adv([{"field": "readOnly", "equals": ["false"]}]))
}

test_advanced_selector_without_field_selectors_is_not_management if {
	not selectors.all_management_events(advanced([{"name": "empty"}]))
}

# --- logs_management_events -------------------------------------------------

test_logs_some_management_events_classic_write_only if {
	selectors.logs_management_events(classic([{"read_write_type": "WriteOnly", "include_management_events": true}]))
}

test_logs_some_management_events_advanced_read_only if {
	selectors.logs_management_events(adv([management, {"field": "readOnly", "equals": ["true"]}]))
}

test_data_only_trail_logs_no_management_events if {
	not selectors.logs_management_events(classic([{"read_write_type": "All", "include_management_events": false}]))
	not selectors.logs_management_events(adv([data_category, s3_object]))
}

# --- s3_data_events: classic -------------------------------------------------

s3_classic(rw, values) := classic([{
	"read_write_type": rw,
	"include_management_events": true,
	"data_resources": [{"type": "AWS::S3::Object", "values": values}],
}])

test_classic_s3_all_buckets_console_form if {
	t := s3_classic("All", ["arn:aws:s3"])
	selectors.s3_data_events(t, "read") with input as aws
	selectors.s3_data_events(t, "write") with input as aws
}

test_classic_s3_all_buckets_cli_form if {
	t := s3_classic("All", ["arn:aws:s3:::"])
	selectors.s3_data_events(t, "read") with input as aws
	selectors.s3_data_events(t, "write") with input as aws
}

test_classic_s3_read_only if {
	t := s3_classic("ReadOnly", ["arn:aws:s3:::"])
	selectors.s3_data_events(t, "read") with input as aws
	not selectors.s3_data_events(t, "write") with input as aws
}

test_classic_s3_write_only if {
	t := s3_classic("WriteOnly", ["arn:aws:s3"])
	not selectors.s3_data_events(t, "read") with input as aws
	selectors.s3_data_events(t, "write") with input as aws
}

test_classic_s3_specific_buckets_are_not_all if {
	t := s3_classic("All", ["arn:aws:s3:::payroll-data/", "arn:aws:s3:::customer-uploads/"])
	not selectors.s3_data_events(t, "read") with input as aws
	not selectors.s3_data_events(t, "write") with input as aws
}

test_classic_s3_other_partition_value_does_not_match if {
	t := s3_classic("All", ["arn:aws:s3"])
	not selectors.s3_data_events(t, "write") with input as {"partition": "aws-us-gov"}
	selectors.s3_data_events(
		s3_classic("All", ["arn:aws-us-gov:s3:::"]),
		"write",
	) with input as {"partition": "aws-us-gov"}
}

test_classic_lambda_data_events_are_not_s3 if {
	t := classic([{
		"read_write_type": "All",
		"data_resources": [{"type": "AWS::Lambda::Function", "values": ["arn:aws:lambda"]}],
	}])
	not selectors.s3_data_events(t, "write") with input as aws
}

# --- s3_data_events: advanced ------------------------------------------------

test_advanced_s3_all_events if {
	t := adv([data_category, s3_object])
	selectors.s3_data_events(t, "read") with input as aws
	selectors.s3_data_events(t, "write") with input as aws
}

test_advanced_s3_read_only if {
	t := adv([data_category, s3_object, {"field": "readOnly", "equals": ["true"]}])
	selectors.s3_data_events(t, "read") with input as aws
	not selectors.s3_data_events(t, "write") with input as aws
}

test_advanced_s3_write_only if {
	t := adv([data_category, s3_object, {"field": "readOnly", "equals": ["false"]}])
	not selectors.s3_data_events(t, "read") with input as aws
	selectors.s3_data_events(t, "write") with input as aws
}

test_advanced_s3_write_only_as_not_equals_true if {
	t := adv([data_category, s3_object, {"field": "readOnly", "not_equals": ["true"]}])
	not selectors.s3_data_events(t, "read") with input as aws
	selectors.s3_data_events(t, "write") with input as aws
}

test_advanced_s3_read_only_capitalised_value if {
	t := adv([data_category, s3_object, {"field": "readOnly", "equals": ["True"]}])
	selectors.s3_data_events(t, "read") with input as aws
	not selectors.s3_data_events(t, "write") with input as aws
}

test_advanced_s3_separate_read_and_write_selectors if {
	t := advanced([
		{"name": "r", "field_selectors": [data_category, s3_object, {"field": "readOnly", "equals": ["true"]}]},
		{"name": "w", "field_selectors": [data_category, s3_object, {"field": "readOnly", "equals": ["false"]}]},
	])
	selectors.s3_data_events(t, "read") with input as aws
	selectors.s3_data_events(t, "write") with input as aws
}

test_advanced_s3_specific_bucket_equals_is_not_all if {
	t := adv([data_category, s3_object, {"field": "resources.ARN", "equals": ["arn:aws:s3:::payroll-data/report.csv"]}])
	not selectors.s3_data_events(t, "write") with input as aws
}

test_advanced_s3_specific_bucket_prefix_is_not_all if {
	t := adv([data_category, s3_object, {"field": "resources.ARN", "starts_with": ["arn:aws:s3:::payroll-data/"]}])
	not selectors.s3_data_events(t, "write") with input as aws
}

test_advanced_s3_excluded_bucket_is_not_all if {
	t := adv([data_category, s3_object, {"field": "resources.ARN", "not_starts_with": ["arn:aws:s3:::noisy-bucket/"]}])
	not selectors.s3_data_events(t, "write") with input as aws
	t2 := adv([data_category, s3_object, {"field": "resources.ARN", "not_equals": ["arn:aws:s3:::noisy-bucket/x"]}])
	not selectors.s3_data_events(t2, "write") with input as aws
}

test_advanced_s3_prefix_of_every_bucket_is_all if {
	t := adv([data_category, s3_object, {"field": "resources.ARN", "starts_with": ["arn:aws:s3:::"]}])
	selectors.s3_data_events(t, "write") with input as aws
}

test_advanced_s3_prefix_of_every_bucket_with_exclusion_is_not_all if {
	t := adv([data_category, s3_object, {
		"field": "resources.ARN",
		"starts_with": ["arn:aws:s3:::"],
		"not_starts_with": ["arn:aws:s3:::noisy-bucket/"],
	}])
	not selectors.s3_data_events(t, "write") with input as aws
}

test_advanced_s3_empty_exclusion_list_is_all if {
	t := adv([data_category, s3_object, {"field": "resources.ARN", "starts_with": ["arn:aws:s3"], "not_equals": []}])
	selectors.s3_data_events(t, "write") with input as aws
}

test_advanced_s3_event_name_restriction_is_not_all if {
	t := adv([data_category, s3_object, {"field": "eventName", "equals": ["PutObject"]}])
	not selectors.s3_data_events(t, "write") with input as aws
	not selectors.s3_data_events(t, "read") with input as aws
}

test_advanced_s3_other_restriction_is_not_all if {
	t := adv([
		data_category,
		s3_object,
		{"field": "userIdentity.arn", "not_starts_with": ["arn:aws:sts::111122223333:assumed-role/Backup"]},
	])
	not selectors.s3_data_events(t, "write") with input as aws
}

test_advanced_other_resource_type_is_not_s3_objects if {
	t := adv([data_category, {"field": "resources.type", "equals": ["AWS::DynamoDB::Table"]}])
	not selectors.s3_data_events(t, "write") with input as aws
}

test_advanced_missing_resource_type_is_not_s3_objects if {
	not selectors.s3_data_events(adv([data_category]), "write") with input as aws
}

test_advanced_management_selector_is_not_s3_data if {
	not selectors.s3_data_events(adv([management]), "write") with input as aws
}

test_advanced_operators_ends_with if {
	# ends_with narrows resources.type to S3 objects too (odd but valid).
	t := adv([data_category, {"field": "resources.type", "ends_with": ["::Object"], "not_ends_with": ["::Table"]}])
	selectors.s3_data_events(t, "write") with input as aws
	t2 := adv([data_category, {"field": "resources.type", "not_ends_with": ["::Object"]}])
	not selectors.s3_data_events(t2, "write") with input as aws
}

test_compliant_fixture_trail if {
	t := fixtures.compliant.trails[fixtures.trail_arn]
	selectors.all_management_events(t)
	selectors.s3_data_events(t, "read") with input as fixtures.compliant
	selectors.s3_data_events(t, "write") with input as fixtures.compliant
}

# --- trail list completeness -------------------------------------------------

test_trail_list_complete if not selectors.trail_list_incomplete with input as fixtures.compliant

test_trail_list_incomplete_when_interrupted if {
	selectors.trail_list_incomplete with input as {"complete": false}
	selectors.trail_list_incomplete_reason == "the collection was interrupted" with input as {"complete": false}
}

test_trail_list_incomplete_when_describe_trails_failed if {
	snap := {
		"complete": true,
		"errors": [{"service": "cloudtrail", "operation": "DescribeTrails", "region": "eu-west-1", "code": "AccessDenied"}],
	}
	selectors.trail_list_incomplete with input as snap
	selectors.trail_list_incomplete_reason == "cloudtrail DescribeTrails: AccessDenied" with input as snap
}

test_trail_list_incomplete_when_regions_could_not_be_listed if {
	snap := {
		"complete": true,
		"errors": [{
			"service": "account",
			"operation": "ListRegions",
			"region": "us-east-1",
			"code": "AccessDeniedException",
		}],
	}
	selectors.trail_list_incomplete with input as snap
	selectors.trail_list_incomplete_reason == "account ListRegions: AccessDeniedException" with input as snap
}

test_advanced_operators_starts_with if {
	t := adv([
		data_category,
		{"field": "resources.type", "starts_with": ["AWS::S3::Obj"], "not_starts_with": ["AWS::DynamoDB"]},
	])
	selectors.s3_data_events(t, "read") with input as aws
	t2 := adv([data_category, {"field": "resources.type", "not_starts_with": ["AWS::S3::"]}])
	not selectors.s3_data_events(t2, "read") with input as aws
}

test_field_selector_with_empty_equals_lets_every_value_through if {
	selectors.matches({"field": "eventCategory", "equals": []}, "Data")
	selectors.matches({"field": "readOnly", "equals": ["TRUE"]}, "true")
	not selectors.matches({"field": "readOnly", "equals": ["true"]}, "false")
	selectors.matches({"field": "eventCategory", "equals": ["Data"], "not_equals": []}, "Data")
	not selectors.matches({"field": "eventCategory", "equals": ["Data"], "not_equals": ["Data"]}, "Data")
}
