//go:build !unix

package orgscan

import "time"

func cpuTime() time.Duration { return 0 }
