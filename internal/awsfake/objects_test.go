package awsfake

import (
	"context"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

func TestObjectStore(t *testing.T) {
	s := New(t)
	ctx := context.Background()
	s.CreateBucket("logs", "eu-west-1")
	for i := 0; i < 2500; i++ {
		s.PutObject("logs", fmt.Sprintf("AWSLogs/1/CloudTrail/eu-west-1/2026/03/01/f%05d.json.gz", i), []byte("x"), nil)
	}
	s.PutObject("logs", "AWSLogs/1/CloudTrail/us-east-1/2026/03/01/a.json.gz", []byte("y"), nil)
	s.PutObject("logs", "AWSLogs/1/CloudTrail-Digest/eu-west-1/2026/03/01/d.json.gz", []byte("digest"),
		map[string]string{"signature": "abcd", "signature-algorithm": "SHA256withRSA"})
	c := s3Client(sdkConfig(t, s, "eu-west-1", 1))

	// ListObjectsV2 pages of 1000 keys with continuation tokens.
	p := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: aws.String("logs"), Prefix: aws.String("AWSLogs/1/CloudTrail/eu-west-1/")})
	pages, keys := 0, 0
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		keys += len(page.Contents)
	}
	if pages != 3 || keys != 2500 {
		t.Errorf("pages %d, keys %d; want 3 and 2500", pages, keys)
	}
	// Delimiter: common prefixes.
	out, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("logs"), Prefix: aws.String("AWSLogs/1/CloudTrail/"), Delimiter: aws.String("/")})
	if err != nil || len(out.CommonPrefixes) != 2 || aws.ToString(out.CommonPrefixes[1].Prefix) != "AWSLogs/1/CloudTrail/us-east-1/" {
		t.Errorf("common prefixes %v, err %v", out.CommonPrefixes, err)
	}
	// GetObject: body, ETag and user metadata.
	g, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("logs"), Key: aws.String("AWSLogs/1/CloudTrail-Digest/eu-west-1/2026/03/01/d.json.gz")})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(g.Body)
	if string(body) != "digest" || g.Metadata["signature"] != "abcd" || g.Metadata["signature-algorithm"] != "SHA256withRSA" || aws.ToString(g.ETag) == "" {
		t.Errorf("GetObject: body %q, metadata %v, etag %q", body, g.Metadata, aws.ToString(g.ETag))
	}
	// Absent key, wrong region, location.
	if _, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("logs"), Key: aws.String("nope")}); apiCode(err) != "NoSuchKey" {
		t.Errorf("absent key: %v", err)
	}
	other := s3Client(sdkConfig(t, s, "us-east-1", 1))
	if _, err := other.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("logs"), Key: aws.String("nope")}); apiCode(err) != "PermanentRedirect" {
		t.Errorf("wrong region: %v", err)
	}
	loc, err := other.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String("logs")})
	if err != nil || loc.LocationConstraint != "eu-west-1" {
		t.Errorf("location %v, %v", loc, err)
	}
}

func TestListPublicKeys(t *testing.T) {
	s := New(t)
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	s.SetPublicKeys("", []PublicKey{
		{Fingerprint: "a", Value: []byte{1, 2}, ValidityStart: t0, ValidityEnd: t0.Add(24 * time.Hour)},
		{Fingerprint: "b", Value: []byte{3}, ValidityStart: t0.Add(24 * time.Hour), ValidityEnd: t0.Add(48 * time.Hour)},
	})
	c := cloudtrail.NewFromConfig(sdkConfig(t, s, "us-east-1", 1))
	for _, tc := range []struct {
		from, to time.Time
		want     string
	}{
		{t0.Add(time.Hour), t0.Add(2 * time.Hour), "a"},
		{t0.Add(30 * time.Hour), t0.Add(31 * time.Hour), "b"},
		{t0.Add(23 * time.Hour), t0.Add(25 * time.Hour), "ab"},
	} {
		out, err := c.ListPublicKeys(context.Background(), &cloudtrail.ListPublicKeysInput{StartTime: aws.Time(tc.from), EndTime: aws.Time(tc.to)})
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		for _, k := range out.PublicKeyList {
			got += aws.ToString(k.Fingerprint)
		}
		if got != tc.want || (got == "a" && string(out.PublicKeyList[0].Value) != "\x01\x02") {
			t.Errorf("%s..%s: keys %q, want %q", tc.from, tc.to, got, tc.want)
		}
	}
}
