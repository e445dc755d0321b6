package collector

import "testing"

func TestMentions(t *testing.T) {
	for _, tc := range []struct {
		name string
		doc  string
		want bool
	}{
		{"AdministratorAccess", `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`, true},
		{"PowerUserAccess (NotAction)", `{"Statement":[{"Effect":"Allow","NotAction":["iam:*","organizations:*","account:*"],"Resource":"*"}]}`, true},
		{"service wildcard", `{"Statement":{"Effect":"Allow","Action":"S3:Delete*","Resource":"*"}}`, true},
		{"deny is kept too", `{"Statement":[{"Effect":"Deny","Action":["kms:ScheduleKeyDeletion"],"Resource":"*"}]}`, true},
		{"escalation", `{"Statement":[{"Effect":"Allow","Action":"iam:PassRole","Resource":"*"}]}`, true},
		{"read only", `{"Statement":[{"Effect":"Allow","Action":["s3:Get*","cloudtrail:Describe*","iam:List*"],"Resource":"*"}]}`, false},
		{"no statement", `{}`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := parsePolicy(tc.doc)
			if err != nil {
				t.Fatal(err)
			}
			if got := mentions(doc, screenActions); got != tc.want {
				t.Errorf("mentions = %v, want %v", got, tc.want)
			}
		})
	}
}
