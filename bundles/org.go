package bundles

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/trailguard/trailguard/findings"
	"github.com/trailguard/trailguard/snapshot"
)

// EvalAccounts evaluates every account of an organization snapshot (see
// snapshot.AccountInputs) with the checks compiled once, several accounts at
// a time, and returns all findings, sorted; each carries its account. An
// account that was not scanned gets one UNKNOWN finding per check, on the
// account, quoting why: nothing about it can pass. Each account's evaluation
// must finish within timeout (none when 0): the limit catches a runaway
// policy on the first account, whatever the organization's size.
func (e *Engine) EvalAccounts(ctx context.Context, accounts []snapshot.AccountInput, timeout time.Duration) ([]findings.Finding, error) {
	defer relaxGC()() // once for the whole organization, not per account
	// The first account that fails ends the run: the accounts being evaluated
	// are cancelled and no other starts.
	run, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		failOnce sync.Once
		failed   error
	)
	perAccount := make([][]findings.Finding, len(accounts))
	next := make(chan int)
	var wg sync.WaitGroup
	cpus := max(runtime.GOMAXPROCS(0), 1)
	workers := max(min(cpus, len(accounts)), 1)
	// With an account per CPU, each account's queries run one after the other
	// on its worker; with fewer accounts than CPUs, concurrently.
	concurrent := workers < cpus
	for range workers {
		wg.Go(func() {
			for i := range next {
				fs, err := e.evalAccount(run, accounts[i], concurrent, timeout)
				if err != nil {
					failOnce.Do(func() {
						failed = fmt.Errorf("account %s: %w", accounts[i].ID, err)
						cancel()
					})
					continue
				}
				perAccount[i] = fs
			}
		})
	}
feed:
	for i := range accounts {
		select {
		case next <- i:
		case <-run.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("evaluating policies: %w", err)
	}
	if failed != nil {
		return nil, failed
	}
	n := 0
	for _, fs := range perAccount {
		n += len(fs)
	}
	out := make([]findings.Finding, 0, n)
	for _, fs := range perAccount {
		out = append(out, fs...)
	}
	findings.Sort(out)
	return out, nil
}

func (e *Engine) evalAccount(ctx context.Context, a snapshot.AccountInput, concurrent bool, timeout time.Duration) ([]findings.Finding, error) {
	if !a.Scanned {
		return e.NotScanned(a.ID, a.NotScannedReason()), nil
	}
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = WithTimeout(ctx, timeout)
		defer cancel()
	}
	fs, err := e.evalDoc(ctx, a.Doc, concurrent)
	if err != nil {
		return nil, err
	}
	for i := range fs {
		if fs[i].Account == "" {
			fs[i].Account = a.ID
		}
	}
	return fs, nil
}

// NotScanned returns one UNKNOWN finding per check for an account that could
// not be scanned, on the account, with reason as its message.
func (e *Engine) NotScanned(account, reason string) []findings.Finding {
	out := make([]findings.Finding, 0, len(e.checks))
	for _, c := range e.checks {
		out = append(out, findings.Finding{
			CheckID: c.ID, Title: c.Title, Status: findings.Unknown, Severity: c.Severity,
			Resource: account, Account: account,
			Message:     reason + "; the check could not be evaluated",
			Remediation: c.Remediation, Frameworks: c.Frameworks,
		})
	}
	return out
}
