# METADATA
# title: The root user has no access keys
# description: |
#   Access keys of the root user carry every permission in the account, cannot be
#   limited by IAM policies and are not protected by MFA: whoever finds one in a
#   script, CI variable or laptop can stop logging and delete every trail. The root
#   user needs no access keys; delete them and use IAM roles for automation.
# scope: package
# schemas:
#   - input: schema.snapshot
# related_resources:
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user.html
#     description: "AWS account root user"
#   - ref: https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-4
#     description: "Security Hub control IAM.4: IAM root user access key should not exist"
#   - ref: https://www.cisecurity.org/benchmark/amazon_web_services
#     description: "CIS Amazon Web Services Foundations Benchmark, control v3.0.0 1.4; v1.4.0 1.4"
#   - ref: https://docs.aws.amazon.com/securityhub/latest/userguide/cis-aws-foundations-benchmark.html
#     description: "CIS AWS Foundations Benchmark controls in Security Hub"
# custom:
#   id: TG-IAM-006
#   severity: critical
#   resource_type: AwsAccount
#   remediation:
#     console: Sign in as the root user > account menu > Security credentials > Access keys > for each key Actions >
#       Deactivate, then Delete.
#     cli: "Root access keys can be deleted only by the root user: aws iam delete-access-key --access-key-id
#       <root-access-key-id> run with the root user's own credentials, or from the console. Verify with: aws iam
#       get-account-summary --query SummaryMap.AccountAccessKeysPresent"
#   frameworks:
#     cis-aws-v3.0.0: ["1.4"]
#     cis-aws-v1.4.0: ["1.4"]
#     securityhub: ["IAM.4"]
package trailguard.checks.root_access_keys

import data.trailguard.lib.result
import data.trailguard.lib.snapshot

# The cases are exclusive, so they are tried in turn, the usual one first (an
# else chain stops at the first that holds).
findings contains _finding

_finding := result.pass(input.account_id, "", "the root user has no access keys") if {
	input.iam.root.access_keys_present == false
} else := result.fail(
	input.account_id,
	"",
	"the root user has access keys: anyone holding one can stop or delete every trail without MFA",
) if {
	input.iam.root.access_keys_present == true
} else := result.unknown(input.account_id, "", snapshot.missing("root user access keys", input.account_id)) if {
	not is_boolean(object.get(object.get(object.get(input, "iam", {}), "root", {}), "access_keys_present", null))
}
