package collector

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"

	"github.com/trailguard/trailguard/snapshot"
)

type kmsAPI interface {
	DescribeKey(context.Context, *kms.DescribeKeyInput, ...func(*kms.Options)) (*kms.DescribeKeyOutput, error)
	GetKeyPolicy(context.Context, *kms.GetKeyPolicyInput, ...func(*kms.Options)) (*kms.GetKeyPolicyOutput, error)
	GetKeyRotationStatus(context.Context, *kms.GetKeyRotationStatusInput, ...func(*kms.Options)) (*kms.GetKeyRotationStatusOutput, error)
}

// kmsKey reads a trail's KMS key: metadata, policy and rotation, in parallel.
// It is stored under the id the trail names it by (a key ARN), in the key's
// own region, which may belong to another account.
func (r *run) kmsKey(ctx context.Context, id, trailRegion string) {
	region := regionOf(id, trailRegion)
	key := &snapshot.KMSKey{ARN: id, Region: region, AccountID: accountOf(id)}
	r.locked(func(s *snapshot.Snapshot) { s.KMSKeys[id] = key })
	client := r.clients.kms(region)
	r.spawn(func() {
		out, err := do(r, ctx, client.DescribeKey, &kms.DescribeKeyInput{KeyId: aws.String(id)})
		if err != nil {
			r.fail(ctx, "kms", "DescribeKey", region, id, err)
			return
		}
		if m := out.KeyMetadata; m != nil {
			r.locked(func(*snapshot.Snapshot) {
				key.KeyID = aws.ToString(m.KeyId)
				key.AccountID = aws.ToString(m.AWSAccountId)
				key.Manager = string(m.KeyManager)
				key.State = string(m.KeyState)
				key.Spec = string(m.KeySpec)
				key.DeletionDate = timestamp(m.DeletionDate)
			})
		}
	})
	r.spawn(func() {
		out, err := do(r, ctx, client.GetKeyPolicy, &kms.GetKeyPolicyInput{KeyId: aws.String(id), PolicyName: aws.String("default")})
		var doc any
		if err == nil {
			doc, err = parsePolicy(aws.ToString(out.Policy))
		}
		if err != nil {
			r.fail(ctx, "kms", "GetKeyPolicy", region, id, err)
			return
		}
		r.locked(func(*snapshot.Snapshot) { key.Policy = doc })
	})
	r.spawn(func() {
		out, err := do(r, ctx, client.GetKeyRotationStatus, &kms.GetKeyRotationStatusInput{KeyId: aws.String(id)})
		if err != nil {
			r.fail(ctx, "kms", "GetKeyRotationStatus", region, id, err)
			return
		}
		r.locked(func(*snapshot.Snapshot) { key.RotationEnabled = aws.Bool(out.KeyRotationEnabled) })
	})
}

// parsePolicy parses a policy document as AWS returned it, keeping numbers
// exact. A document that is not JSON is an error (the policy is then unknown).
func parsePolicy(text string) (any, error) {
	dec := json.NewDecoder(bytes.NewReader([]byte(text)))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, malformedPolicy{fmt.Sprintf("the policy document is not valid JSON: %v", err)}
	}
	if _, ok := doc.(map[string]any); !ok {
		return nil, malformedPolicy{"the policy document is not a JSON object"}
	}
	return doc, nil
}

// malformedPolicy is a policy document AWS returned that cannot be parsed
// (recorded with the code MalformedPolicyDocument).
type malformedPolicy struct{ msg string }

func (e malformedPolicy) Error() string { return e.msg }
