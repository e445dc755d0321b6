package bundles

import (
	"runtime/debug"
	"testing"
)

func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

func TestRelaxGC(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	defer debug.SetGCPercent(debug.SetGCPercent(150))

	outer := relaxGC()
	if got := gcPercent(); got != evalGCPercent {
		t.Fatalf("during an evaluation: GOGC %d, want %d", got, evalGCPercent)
	}
	inner := relaxGC() // an account of an organization inside EvalAccounts
	inner()
	if got := gcPercent(); got != evalGCPercent {
		t.Fatalf("after a nested evaluation ended: GOGC %d, want %d until the outer one ends", got, evalGCPercent)
	}
	outer()
	if got := gcPercent(); got != 150 {
		t.Fatalf("after the evaluation: GOGC %d, want the 150 it found", got)
	}
}

func TestRelaxGCLeavesUserSetting(t *testing.T) {
	for _, env := range []string{"GOGC", "GOMEMLIMIT"} {
		t.Run(env, func(t *testing.T) {
			t.Setenv("GOGC", "")
			t.Setenv("GOMEMLIMIT", "")
			t.Setenv(env, "200")
			defer debug.SetGCPercent(debug.SetGCPercent(150))
			restore := relaxGC()
			got := gcPercent()
			restore()
			if got != 150 {
				t.Errorf("with %s set: GOGC %d during the evaluation, want it untouched (150)", env, got)
			}
		})
	}
}
