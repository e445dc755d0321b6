// Command trailguard audits how well an AWS account protects its CloudTrail
// audit trail. See README.md for usage and exit codes.
package main

import (
	"os"
	"runtime/debug"
)

func main() {
	tuneGC()
	os.Exit(run(os.Args, os.Stdout, os.Stderr))
}

// tuneGC trades memory for speed in this short-lived process: policy
// evaluation allocates many small, short-lived values, and the default GOGC
// spends a quarter of a typical run collecting them. A soft memory limit keeps
// large snapshots in check. GOGC and GOMEMLIMIT, when set, win.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(4 << 30)
	}
}
