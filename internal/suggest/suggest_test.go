package suggest

import "testing"

func TestClosest(t *testing.T) {
	ids := []string{"TG-CT-001", "TG-CT-005", "TG-S3-001", "min_log_retention_days", "remediation", "eval", "build"}
	for _, tc := range []struct{ word, want string }{
		{"TG-CT-05", "TG-CT-005"},
		{"tg-ct-005", "TG-CT-005"},
		{"min_log_retention_dayz", "min_log_retention_days"},
		{"remediaton", "remediation"},
		{"evl", "eval"},
		{"biuld", "build"},
		{"completely-different", ""},
		{"", ""},
	} {
		if got := Closest(tc.word, ids); got != tc.want {
			t.Errorf("Closest(%q) = %q, want %q", tc.word, got, tc.want)
		}
	}
	if got := Hint("TG-CT-05", ids); got != " (did you mean TG-CT-005?)" {
		t.Errorf("Hint = %q", got)
	}
}
