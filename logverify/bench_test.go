package logverify

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/trailguard/trailguard/internal/awsfake"
	ct "github.com/trailguard/trailguard/internal/cthistory"
)

// BenchmarkVerify verifies a generated history of hourly digests with 10 log
// files each, one region, against the fake S3/CloudTrail server with 0 and
// 20 ms added to every request. "month" is 30 days: 720 digests and 7,200
// log files, 7,924 requests in all (the AWS CLI comparison). The
// 7- and 15-day histories show that the time is linear in the number of
// objects. Reported: requests per run, time per object, and the peak heap
// above the fake's own data while verifying (memory bounded by the requests
// in flight, not by the history).
func BenchmarkVerify(b *testing.B) {
	for _, days := range []int{7, 15, 30} {
		for _, latency := range []time.Duration{0, 20 * time.Millisecond} {
			name := fmt.Sprintf("days=%d/latency=%s", days, latency)
			if days == 30 {
				name = fmt.Sprintf("month/latency=%s", latency)
			}
			b.Run(name, func(b *testing.B) { benchVerify(b, days, latency) })
		}
	}
}

func benchVerify(b *testing.B, days int, latency time.Duration) {
	// As the trailguard binary runs (cmd/trailguard/main.go tuneGC).
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	s := awsfake.New(b)
	a, _, _ := ct.TestKeys(b)
	g := ct.New(b, s, ct.NewKey(a, t0.Add(-48*time.Hour), t0.Add(2000*time.Hour)))
	ts := ct.Trail{Name: "main", Home: "us-east-1", Account: acct, Bucket: "trail-bucket"}
	s.CreateBucket(ts.Bucket, "us-east-1")
	hours := days * 24
	g.History(ts, acct, "us-east-1", t0, hours, 10, nil)
	end := t0.Add(time.Duration(hours) * time.Hour)
	ct.AddTrail(s, ts, false, false, end)
	s.SetLatency(latency)
	c := clients(b, s)
	objects := hours * 11
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		var m runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				runtime.ReadMemStats(&m)
				if m.HeapInuse > peak.Load() {
					peak.Store(m.HeapInuse)
				}
			}
		}
	})
	var requests int64
	cpu0 := cpuTime()
	b.ResetTimer()
	for b.Loop() {
		res, err := Verify(context.Background(), c, Options{TrailARN: ts.ARN(), Start: t0, End: end, Concurrency: 64,
			Now: func() time.Time { return end.Add(time.Hour) }})
		if err != nil {
			b.Fatal(err)
		}
		if sum := res.Summarize(); sum.Digests.Valid != hours || sum.Logs.Valid != hours*10 || res.HasProblem() {
			b.Fatalf("summary %+v", sum)
		}
		requests = res.Requests
	}
	b.StopTimer()
	cpu := cpuTime() - cpu0
	close(stop)
	wg.Wait()
	b.ReportMetric(float64(requests), "requests/op")
	// CPU time of the process (verifier and fake server together): what the
	// wall time would be on one free core, whatever else loads the machine.
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(objects), "ns/object")
	if p := peak.Load(); p > base.HeapInuse {
		b.ReportMetric(float64(p-base.HeapInuse)/(1<<20), "MiB-peak-heap")
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
