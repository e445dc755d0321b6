package orgscan

// The organization benchmark (issue 9): the Control Tower-like organization
// of internal/orgfixture with N member accounts spread over 10 OUs, 17
// regions, 100 ms added to every answer of the fake server, 64 calls in
// flight, Organizations pages of 20 (AWS's largest for accounts).
//
//	go test ./orgscan -run '^$' -bench BenchmarkFakeServer -benchtime 20000x
//	go test ./orgscan -run '^$' -bench 'BenchmarkCollectOrg/members=(100|300)$' -benchtime 1x -timeout 30m
//	go test ./orgscan -run '^$' -bench 'BenchmarkCollectOrg/members=1000$' -benchtime 1x -timeout 30m
//
// Besides ns/op it reports: calls (total), bound-s = calls x latency / 64
// (the floor the bound on calls in flight sets), ratio = wall / bound (the
// issue wants <= 1.25), calls-per-member (largest, AssumeRole included) and
// single-scan-calls (the same member collected alone, GetCallerIdentity
// included), and peak-heap-MiB / peak-sys-MiB (runtime.MemStats sampled
// every 50 ms: the fake server shares the process, so these include it),
// server-in-flight (calls in flight as the server saw them, on average),
// slots-in-use (slots held, on average: 64 means the bound was always
// reached) and slot-ms/call (how long a call holds its slot: latency plus
// the client's own time),
// cpu-ms/call and cpu-cores (CPU of the whole process: collector, SDK and
// fake server).

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"

	"github.com/trailguard/trailguard/collector"
	"github.com/trailguard/trailguard/internal/awsfake"
	fx "github.com/trailguard/trailguard/internal/orgfixture"
)

var benchRegions = []string{
	"ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-southeast-1", "ap-southeast-2",
	"ca-central-1", "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2", "eu-west-3",
	"sa-east-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2",
}

func benchSpec(members int) fx.Spec {
	s := fx.Spec{Regions: benchRegions, MemberOUs: 10, PageSize: 20, ListRegions: true}
	for i := range members {
		s.Members = append(s.Members, fx.MemberID(i))
	}
	return s
}

// BenchmarkFakeServer measures what the fake server alone answers per second
// on this machine: 64 clients calling cloudtrail:DescribeTrails as member
// accounts of a 1,000-account organization (its 40,000 routes loaded), no
// latency. Each call is signed and sent by the real SDK, as in a scan.
func BenchmarkFakeServer(b *testing.B) {
	spec := benchSpec(1000)
	srv := fx.NewServer(b, spec)
	base := fx.CallerConfig(b, srv)
	clients := make([]*cloudtrail.Client, len(spec.Members))
	for i, id := range spec.Members {
		cfg := base.Copy()
		cfg.Credentials = awsfake.CredentialsProvider(id)
		cfg.Region = benchRegions[i%len(benchRegions)]
		clients[i] = cloudtrail.NewFromConfig(cfg)
	}
	var next atomic.Int64
	b.SetParallelism(64 / runtime.GOMAXPROCS(0))
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			c := clients[int(next.Add(1))%len(clients)]
			if _, err := c.DescribeTrails(context.Background(), &cloudtrail.DescribeTrailsInput{IncludeShadowTrails: aws.Bool(true)}); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
}

func BenchmarkCollectOrg(b *testing.B) {
	const latency = 100 * time.Millisecond
	for _, members := range []int{100, 300, 1000} {
		b.Run(fmt.Sprintf("members=%d", members), func(b *testing.B) {
			spec := benchSpec(members)
			srv := fx.NewServer(b, spec)
			srv.SetLatency(latency)
			cfg := fx.CallerConfig(b, srv)
			slots := collector.NewSlots(64)
			opts := Options{Collector: collector.Options{Concurrency: 64, PathStyle: true}, Slots: slots}

			// A single-account scan of one member, for comparison.
			single := cfg.Copy()
			single.Credentials = awsfake.CredentialsProvider(spec.Members[0])
			if _, err := collector.Collect(context.Background(), single, collector.Options{PathStyle: true}); err != nil {
				b.Fatal(err)
			}
			singleCalls := len(srv.Calls())

			var peakHeap, peakSys atomic.Uint64
			stop := make(chan struct{})
			var wg sync.WaitGroup
			wg.Go(func() {
				t := time.NewTicker(50 * time.Millisecond)
				defer t.Stop()
				var m runtime.MemStats
				for {
					runtime.ReadMemStats(&m)
					peakHeap.Store(max(peakHeap.Load(), m.HeapInuse))
					peakSys.Store(max(peakSys.Load(), m.Sys))
					select {
					case <-stop:
						return
					case <-t.C:
					}
				}
			})
			before := len(srv.Calls())
			b.ResetTimer()
			cpu0 := cpuTime()
			var wall time.Duration
			for b.Loop() {
				start := time.Now()
				snap, err := Collect(context.Background(), cfg, opts)
				wall = time.Since(start)
				if err != nil {
					b.Fatal(err)
				}
				if len(snap.Accounts) != members+3 || snap.Shared == nil || snap.Shared.Buckets[fx.TrailBucket] == nil {
					b.Fatalf("%d accounts, shared %v", len(snap.Accounts), snap.Shared)
				}
				for id, a := range snap.Accounts {
					if !a.Scanned || !a.Snapshot.Complete {
						b.Fatalf("account %s not collected: %+v", id, a.Error)
					}
				}
			}
			b.StopTimer()
			cpu := cpuTime() - cpu0
			close(stop)
			wg.Wait()

			calls := srv.Calls()[before:]
			perAccount := map[string]int{}
			perService := map[string]int{}
			for _, c := range calls {
				perAccount[c.Account]++
				perService[c.Service]++
				if c.Operation == "AssumeRole" {
					perAccount[c.Params["RoleArn"][len("arn:aws:iam::"):len("arn:aws:iam::")+12]]++
					perAccount[c.Account]--
				}
			}
			var busy time.Duration
			for _, c := range calls {
				busy += c.End.Sub(c.Start)
			}
			most := 0
			for _, id := range spec.Members {
				most = max(most, perAccount[id])
			}
			bound := time.Duration(len(calls)) * latency / 64
			b.ReportMetric(float64(len(calls)), "calls")
			b.ReportMetric(bound.Seconds(), "bound-s")
			b.ReportMetric(wall.Seconds()/bound.Seconds(), "ratio")
			b.ReportMetric(float64(most), "calls-per-member")
			b.ReportMetric(float64(singleCalls), "single-scan-calls")
			// Calls in flight as the server saw them, on average (64 would be
			// every slot busy waiting for AWS), and the CPU the process (the
			// collector, the SDK and the fake server) used per call.
			b.ReportMetric(busy.Seconds()/wall.Seconds(), "server-in-flight")
			b.ReportMetric(slots.Busy().Seconds()/wall.Seconds(), "slots-in-use")
			b.ReportMetric(float64(slots.Busy().Milliseconds())/float64(slots.Calls()), "slot-ms/call")
			b.ReportMetric(float64(cpu.Microseconds())/1000/float64(len(calls)), "cpu-ms/call")
			b.ReportMetric(cpu.Seconds()/wall.Seconds(), "cpu-cores")
			b.ReportMetric(float64(peakHeap.Load())/(1<<20), "peak-heap-MiB")
			b.ReportMetric(float64(peakSys.Load())/(1<<20), "peak-sys-MiB")
			var svc []string
			for _, k := range slices.Sorted(mapKeys(perService)) {
				svc = append(svc, fmt.Sprintf("%s=%d", k, perService[k]))
			}
			sort.Strings(svc)
			b.Logf("members=%d wall %s, calls per service: %s", members, wall.Round(time.Millisecond), strings.Join(svc, " "))
		})
	}
}

func mapKeys(m map[string]int) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}
