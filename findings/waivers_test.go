package findings

import "testing"

func TestWaiverMatches(t *testing.T) {
	tests := []struct {
		check, resource, id, arn string
		want                     bool
	}{
		{"TG-CT-001", "*", "TG-CT-001", "arn:aws:cloudtrail:eu-west-1:1:trail/a", true},
		{"tg-ct-001", "", "TG-CT-001", "anything", true},
		{"TG-CT-*", "arn:aws:cloudtrail:*:1:trail/legacy-*", "TG-CT-004", "arn:aws:cloudtrail:eu-west-1:1:trail/legacy-eu", true},
		{"TG-CT-*", "arn:aws:cloudtrail:*:1:trail/legacy-*", "TG-CT-004", "arn:aws:cloudtrail:eu-west-1:1:trail/main", false},
		{"TG-CT-001", "arn:aws:s3:::logs", "TG-CT-001", "arn:aws:s3:::logs-2", false},
		{"TG-CT-001", "arn:aws:s3:::logs.bucket", "TG-CT-001", "arn:aws:s3:::logsXbucket", false}, // "." is literal
		{"TG-CT-001", "*", "TG-CT-002", "x", false},
	}
	for _, tt := range tests {
		w := Waiver{Check: tt.check, Resource: tt.resource}
		if got := w.Matches(tt.id, tt.arn); got != tt.want {
			t.Errorf("%+v.Matches(%s, %s) = %v, want %v", w, tt.id, tt.arn, got, tt.want)
		}
	}
}

func TestApplyWaiversExpiry(t *testing.T) {
	ws := []Waiver{{Check: "TG-A", Resource: "*", Reason: "accepted", Expires: "2026-03-31"}}
	f := []Finding{
		{CheckID: "TG-A", Resource: "r", Status: Fail},
		{CheckID: "TG-A", Resource: "u", Status: Unknown},
		{CheckID: "TG-A", Resource: "p", Status: Pass},
	}
	tests := []struct {
		today       string
		want        Status
		wantExpired string
	}{
		{"2026-03-30", Waived, ""},
		{"2026-03-31", Waived, ""}, // applies through its expiry date
		{"2026-04-01", Fail, "2026-03-31"},
	}
	for _, tt := range tests {
		got := ApplyWaivers(f, ws, tt.today)
		if got[0].Status != tt.want || got[0].WaiverExpired != tt.wantExpired {
			t.Errorf("%s: got %+v", tt.today, got[0])
		}
		if tt.want == Waived && (got[0].WaiverReason != "accepted" || got[0].WaiverExpires != "2026-03-31" || got[1].Status != Waived) {
			t.Errorf("%s: got %+v", tt.today, got[:2])
		}
		if got[2].Status != Pass || got[2].WaiverExpired != "" {
			t.Errorf("a pass changed: %+v", got[2])
		}
	}
	if f[0].Status != Fail {
		t.Error("ApplyWaivers changed its input")
	}
	// An unexpired waiver wins over an expired one.
	ws = append([]Waiver{{Check: "TG-A", Resource: "r", Reason: "old", Expires: "2020-01-01"}}, ws...)
	if got := ApplyWaivers(f, ws, "2026-01-01"); got[0].Status != Waived || got[0].WaiverExpired != "" {
		t.Errorf("got %+v", got[0])
	}
	if s := Summarize(ApplyWaivers(f, ws, "2026-01-01")); s.Waived != 2 || s.Failed != 0 || s.Unknown != 0 {
		t.Errorf("summary %+v", s)
	}
}
