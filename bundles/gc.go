package bundles

import (
	"os"
	"runtime/debug"
	"sync"
)

// evalGCPercent is the garbage collector's target (GOGC) while policies are
// evaluated. OPA's evaluator allocates short-lived values at a high rate while
// the snapshot it reads stays live, and at Go's default of 100 the collector
// was marking for most of an evaluation: 1,000 accounts took 16.6 s at 100
// and 11–12.7 s at 400, 20,000 principals 9.3 s and 6.8 s (BENCHMARKS.md,
// "Garbage collection during evaluation"). The price is heap: up to four times
// the live data in garbage between collections instead of once.
const evalGCPercent = 400

// gcTuning counts the evaluations running with evalGCPercent, so that the
// last one to finish restores the setting the first one found.
var gcTuning struct {
	sync.Mutex
	users int
	prev  int
}

// relaxGC raises the collector's target to evalGCPercent for one evaluation
// and returns the function that ends it. A GOGC or GOMEMLIMIT set by the user
// is left alone: they chose their own trade.
func relaxGC() (restore func()) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	gcTuning.Lock()
	defer gcTuning.Unlock()
	if gcTuning.users == 0 {
		gcTuning.prev = debug.SetGCPercent(evalGCPercent)
	}
	gcTuning.users++
	return func() {
		gcTuning.Lock()
		defer gcTuning.Unlock()
		gcTuning.users--
		if gcTuning.users == 0 {
			debug.SetGCPercent(gcTuning.prev)
		}
	}
}
