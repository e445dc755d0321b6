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
		var out *kms.DescribeKeyOutput
		err := r.call(ctx, func(ctx context.Context) (err error) {
			out, err = client.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(id)})
			return err
		})
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
		var out *kms.GetKeyPolicyOutput
		err := r.call(ctx, func(ctx context.Context) (err error) {
			out, err = client.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: aws.String(id), PolicyName: aws.String("default")})
			if err == nil {
				var doc any
				if doc, err = parsePolicy(aws.ToString(out.Policy)); err == nil {
					r.locked(func(*snapshot.Snapshot) { key.Policy = doc })
				}
			}
			return err
		})
		if err != nil {
			r.fail(ctx, "kms", "GetKeyPolicy", region, id, err)
		}
	})
	r.spawn(func() {
		var out *kms.GetKeyRotationStatusOutput
		err := r.call(ctx, func(ctx context.Context) (err error) {
			out, err = client.GetKeyRotationStatus(ctx, &kms.GetKeyRotationStatusInput{KeyId: aws.String(id)})
			return err
		})
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
		return nil, fmt.Errorf("policy document is not valid JSON: %w", err)
	}
	if _, ok := doc.(map[string]any); !ok {
		return nil, fmt.Errorf("policy document is not a JSON object")
	}
	return doc, nil
}
