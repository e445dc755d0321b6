package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/trailguard/trailguard/bundles"
	"github.com/trailguard/trailguard/compliance"
	"github.com/trailguard/trailguard/config"
	"github.com/trailguard/trailguard/findings"
	"github.com/trailguard/trailguard/internal/suggest"
	"github.com/trailguard/trailguard/report"
	"github.com/trailguard/trailguard/snapshot"
)

// evalParams are the evaluation and report flags of eval and scan
// (evalFlags), as evalParamsFrom reads them. A flag that was not given
// leaves the config file's default in place.
type evalParams struct {
	config        string // --config ("" = the default file, when there is one)
	failOn        optional[string]
	failOnUnknown optional[bool]
	checks        []string // --check, --severity and --status, as given
	severities    []string
	statuses      []string
	markdownLimit int
	formats       optional[[]string]
	output        string
	framework     optional[string]
	timeout       time.Duration
	noColor       bool
	asffRegion    string
	policy        policyParams
	securityHub   *securityHubParams // nil without --securityhub
}

// loader returns the snapshot document to evaluate (a file for eval, a fresh
// collection for scan) and the label the reports name it by.
type loader func() (doc snapshot.Document, label string, err error)

// evaluate evaluates the snapshot that load returns and writes the reports.
// Options are checked and output files opened before load runs, so that a
// mistake fails fast. Its error carries the exit code (exitFindings when a
// failure reaches --fail-on).
func evaluate(ctx context.Context, p evalParams, load loader, stdout, stderr io.Writer) error {
	cfg, err := loadConfig(p.config)
	if err != nil {
		return err
	}
	judge, err := judgeOptions(p, cfg)
	if err != nil {
		return err
	}
	params, err := thresholds(cfg, p.policy.paramFlags)
	if err != nil {
		return err
	}
	if err := report.ValidateMarkdownLimit(p.markdownLimit); err != nil {
		return usageError("--markdown-limit: %v", err)
	}
	targets, err := parseTargets(p.formats.or(cfg.Defaults.Format), p.output)
	if err != nil {
		return usageError("--format: %v", err)
	}
	outs, err := openTargets(targets, stdout, report.Options{Region: p.asffRegion, Version: version, MarkdownLimit: p.markdownLimit}, p.noColor)
	if err != nil {
		return usageError("%v", err)
	}
	// Report files appear only when every report was written: a failed run
	// leaves an earlier report in place instead of an empty file.
	defer outs.abort()

	doc, label, err := load()
	if err != nil {
		return err
	}
	rep, all, err := evalReport(ctx, p, cfg, params, judge.filter, doc, label)
	if err != nil {
		return err
	}
	if err := outs.write(rep, stderr); err != nil {
		return err
	}
	if p.securityHub != nil {
		// Security Hub gets every finding of the evaluation: --check,
		// --severity and --status choose what the reports show, and
		// archiving needs the whole run.
		hub := rep
		hub.Findings = all
		if err := sendToSecurityHub(ctx, stderr, hub, p.securityHub.forChecks(rep.Checks)); err != nil {
			return err
		}
	}
	return judge.verdict(all)
}

// evalReport compiles the checks, evaluates doc and builds the report: the
// findings that --check, --severity and --status show, and the compliance of
// --framework. It also returns every finding, for judging and Security Hub.
func evalReport(ctx context.Context, p evalParams, cfg *config.Config, params map[string]any, filter findings.Filter, doc snapshot.Document, label string) (report.Report, []findings.Finding, error) {
	engine, err := buildEngine(ctx, p.policy, cfg, params)
	if err != nil {
		return report.Report{}, nil, err
	}
	framework, err := lookupFramework(engine.Checks(), p.framework.or(cfg.Defaults.Framework))
	if err != nil {
		return report.Report{}, nil, err
	}
	if err := checkFilter(filter, engine.Checks()); err != nil {
		return report.Report{}, nil, err
	}
	all, org, err := evalDocument(ctx, engine, doc, p.timeout)
	if err != nil {
		return report.Report{}, nil, inputError(err)
	}
	// Disabled checks, severity overrides and waivers (expiring on the evaluation date).
	all = cfg.Apply(all, today())
	account, _ := doc["account_id"].(string)
	collected, _ := doc["collected_at"].(string)
	partition, _ := doc["partition"].(string)
	rep := report.Report{
		Account: account, Snapshot: label, CollectedAt: collected, Partition: partition,
		Checks: cfg.Checks(engine.Checks()), Findings: filter.Apply(all), Organization: org,
	}
	if framework != nil {
		// Controls are judged on every finding, whatever --check, --severity or --status show.
		res := compliance.Evaluate(*framework, all)
		rep.Compliance = &res
	}
	return rep, all, nil
}

// judgement is what decides the exit code of an evaluation.
type judgement struct {
	filter        findings.Filter
	failOn        findings.Severity // "" with --fail-on none
	failOnUnknown bool
}

// judgeOptions reads --fail-on, --fail-on-unknown and the filters, the
// config's defaults standing in for flags that were not given.
func judgeOptions(p evalParams, cfg *config.Config) (judgement, error) {
	failOnText := p.failOn.value
	if !p.failOn.set && cfg.Defaults.FailOn != "" {
		failOnText = cfg.Defaults.FailOn
	}
	failOn, err := parseFailOn(failOnText)
	if err != nil {
		return judgement{}, usageError("--fail-on: %v", err)
	}
	failOnUnknown := p.failOnUnknown.value
	if !p.failOnUnknown.set && cfg.Defaults.FailOnUnknown != nil {
		failOnUnknown = *cfg.Defaults.FailOnUnknown
	}
	filter, err := parseFilter(p.checks, p.severities, p.statuses)
	if err != nil {
		return judgement{}, usageError("%v", err)
	}
	return judgement{filter: filter, failOn: failOn, failOnUnknown: failOnUnknown}, nil
}

// verdict is exitFindings when a judged finding fails at or above --fail-on,
// or is UNKNOWN with --fail-on-unknown; --check and --severity choose what is
// judged, --status only what is shown.
func (j judgement) verdict(all []findings.Finding) error {
	judged := j.filter.Judged().Apply(all)
	if j.failOn != "" && len(findings.Failing(judged, j.failOn)) > 0 {
		return exitWith(exitFindings, "")
	}
	if j.failOnUnknown && findings.Summarize(judged).Unknown > 0 {
		return exitWith(exitFindings, "")
	}
	return nil
}

// checkFilter refuses a --check that matches none of the loaded checks: a
// typo would otherwise judge nothing and pass.
func checkFilter(f findings.Filter, checks []findings.Check) error {
	ids := make([]string, len(checks))
	for i, ch := range checks {
		ids[i] = ch.ID
	}
	for _, p := range f.Checks {
		if !slices.ContainsFunc(ids, func(id string) bool { return findings.MatchCheckID(p, id) }) {
			return usageError("--check: %q matches no check%s (see trailguard policies)", p, suggest.Hint(p, ids))
		}
	}
	return nil
}

// evalDocument evaluates a single-account snapshot, or every account of an
// organization snapshot (org is then the organization and its accounts),
// each account within timeout (--timeout): an organization of any size has
// the same limit per account as a single-account snapshot.
func evalDocument(ctx context.Context, engine *bundles.Engine, doc snapshot.Document, timeout time.Duration) ([]findings.Finding, *report.Organization, error) {
	if !snapshot.IsOrganization(doc) {
		ctx, cancel := bundles.WithTimeout(ctx, timeout)
		defer cancel()
		fs, err := engine.Eval(ctx, doc)
		return fs, nil, err
	}
	accounts := snapshot.AccountInputs(doc)
	fs, err := engine.EvalAccounts(ctx, accounts, timeout)
	if err != nil {
		return nil, nil, err
	}
	return fs, orgReport(doc, accounts), nil
}

// orgReport describes the organization and its accounts for the reports.
func orgReport(doc snapshot.Document, accounts []snapshot.AccountInput) *report.Organization {
	o := &report.Organization{}
	o.ID, o.ManagementAccountID = snapshot.OrgIdentity(doc)
	for _, a := range accounts {
		ra := report.OrgAccount{ID: a.ID, Name: a.Name, OUPath: a.OUPath, Status: a.Status, Scanned: a.Scanned}
		if !a.Scanned {
			ra.Reason = a.NotScannedReason()
		}
		o.Accounts = append(o.Accounts, ra)
	}
	return o
}

func parseFailOn(s string) (findings.Severity, error) {
	if strings.EqualFold(s, "none") {
		return "", nil
	}
	return findings.ParseSeverity(s)
}

func splitList(vals []string) []string {
	var out []string
	for _, v := range vals {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// parseFilter reads --check, --severity and --status.
func parseFilter(checks, severities, statuses []string) (findings.Filter, error) {
	f := findings.Filter{Checks: splitList(checks)}
	for _, s := range splitList(severities) {
		sev, err := findings.ParseSeverity(s)
		if err != nil {
			return f, fmt.Errorf("--severity: %v", err)
		}
		f.Severities = append(f.Severities, sev)
	}
	for _, s := range splitList(statuses) {
		st := findings.Status(strings.ToUpper(s))
		switch st {
		case findings.Pass, findings.Fail, findings.Unknown, findings.Waived:
		default:
			return f, fmt.Errorf("--status: unknown status %q (want PASS, FAIL, UNKNOWN or WAIVED)", s)
		}
		f.Statuses = append(f.Statuses, st)
	}
	return f, nil
}

// parseParams reads NAME=VALUE pairs; VALUE is JSON when it parses as JSON, a string otherwise.
func parseParams(pairs []string) (map[string]any, error) {
	params := map[string]any{}
	for _, p := range pairs {
		name, raw, ok := strings.Cut(p, "=")
		if !ok || strings.TrimSpace(name) == "" {
			return nil, fmt.Errorf("%q is not NAME=VALUE", p)
		}
		var v any
		if err := json.Unmarshal([]byte(raw), &v); err != nil {
			v = raw
		}
		params[strings.TrimSpace(name)] = v
	}
	return params, nil
}
