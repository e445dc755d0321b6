package report

import (
	"bufio"
	"fmt"
	"html/template"
	"io"
	"maps"
	"slices"

	"github.com/trailguard/trailguard/compliance"
	"github.com/trailguard/trailguard/findings"
)

// HTML writes one self-contained page for people who read results in a
// browser (an auditor, a CI artefact): a summary, SVG charts of failures by
// severity and of results by framework, a findings table with a text filter
// and status and severity filters, each finding's remediation, and the
// control table of eval --framework. Everything (CSS, JS, charts) is inline:
// the page fetches nothing and works offline. All text goes through
// html/template, so snapshot content cannot inject markup or script.
//
// The filter can be preset from the URL fragment, e.g.
// report.html#q=TG-CT-003&status=fail&severity=high (status and severity in
// any case), and the page writes the filter back to the fragment, so that a
// filtered view can be bookmarked or shared. The page has a main landmark,
// named expand buttons and a row count that screen readers announce, and
// does not scroll sideways on a 390 px wide phone.
type HTML struct{}

// NewHTML returns the HTML writer.
func NewHTML() *HTML { return &HTML{} }

type htmlBar struct {
	Label string
	Count int
	Y, W  int
	TextX int
	Class string
}

type htmlSegment struct {
	X, W  int
	Class string
	Title string
}

type htmlFrameworkBar struct {
	Name                        string
	Y                           int
	Segments                    []htmlSegment
	Pass, Fail, Unknown, Waived int
	Total                       int
	SummaryX                    int
	Summary                     string
}

type htmlFinding struct {
	N           int
	CheckID     string
	Title       string
	Status      string
	StatusClass string
	Severity    string
	Resource    string
	Region      string
	Message     string
	Note        string
	Waived      bool
	Console     string
	CLI         string
	Controls    []string
}

type htmlData struct {
	Account, Snapshot, CollectedAt string
	Summary                        findings.Summary
	Severities                     []string
	SevBars                        []htmlBar
	SevChartHeight                 int
	Frameworks                     []htmlFrameworkBar
	FwChartHeight                  int
	Findings                       []htmlFinding
	Compliance                     *compliance.Result
	ComplianceWaived               bool
	CheckTitles                    map[string]string
	Org                            template.HTML // organization section (org_writers.go)
}

const (
	htmlBarMax   = 440 // widest bar, px
	htmlBarLeft  = 90  // x where bars start
	htmlFwLeft   = 150
	htmlFwBarMax = 300
)

// Write implements Writer.
func (HTML) Write(w io.Writer, r Report) error {
	fs := slices.Clone(r.Findings)
	findings.Sort(fs)
	fs = byImportance(fs)
	checks := r.checksByID()
	d := htmlData{Account: r.Account, Snapshot: r.Snapshot, CollectedAt: r.CollectedAt, Summary: r.Summary(), Compliance: r.Compliance}
	if d.Account == "" {
		d.Account = "unknown account"
	}
	if org := r.OrgSummary(); org != nil {
		d.Account = "organization " + org.ID
		html, err := orgHTML(org, checks)
		if err != nil {
			return err
		}
		d.Org = html
	}
	for _, s := range findings.Severities {
		d.Severities = append(d.Severities, string(s))
	}
	d.SevBars, d.SevChartHeight = severityBars(d.Summary)
	d.Frameworks = frameworkBars(fs, checks)
	d.FwChartHeight = 10 + len(d.Frameworks)*34
	d.Findings = make([]htmlFinding, len(fs))
	for i, f := range fs {
		d.Findings[i] = r.htmlFinding(i+1, f, checks[f.CheckID])
	}
	if r.Compliance != nil {
		d.ComplianceWaived = hasWaived(r.Compliance)
		d.CheckTitles = map[string]string{}
		for id, c := range checks {
			d.CheckTitles[id] = c.Title
		}
	}

	bw := bufio.NewWriterSize(w, 64<<10)
	if err := htmlTemplate.Execute(bw, d); err != nil {
		return err
	}
	return bw.Flush()
}

// severityBars is the chart of failures by severity, and its height.
func severityBars(sum findings.Summary) ([]htmlBar, int) {
	maxSev := 0
	for _, s := range findings.Severities {
		maxSev = max(maxSev, sum.FailedBySeverity[s])
	}
	var bars []htmlBar
	for i, s := range findings.Severities {
		n := sum.FailedBySeverity[s]
		bars = append(bars, htmlBar{Label: string(s), Count: n, Y: 10 + i*30, W: scale(n, maxSev, htmlBarMax),
			TextX: htmlBarLeft + scale(n, maxSev, htmlBarMax) + 6, Class: "sev-" + string(s)})
	}
	return bars, 10 + len(findings.Severities)*30
}

// frameworkBars is the chart of results by framework: the findings mapped
// to each framework, by status.
func frameworkBars(fs []findings.Finding, checks map[string]findings.Check) []htmlFrameworkBar {
	byFW := map[string]*findings.Tally{}
	for _, f := range fs {
		fw := f.Frameworks
		if len(fw) == 0 {
			fw = checks[f.CheckID].Frameworks
		}
		for name := range fw {
			c := byFW[name]
			if c == nil {
				c = &findings.Tally{}
				byFW[name] = c
			}
			c.Add(f.Status)
		}
	}
	maxFW := 0
	for _, c := range byFW {
		maxFW = max(maxFW, c.Total())
	}
	var bars []htmlFrameworkBar
	for i, name := range slices.Sorted(maps.Keys(byFW)) {
		c := byFW[name]
		b := htmlFrameworkBar{Name: name, Y: 10 + i*34, Pass: c.Pass, Fail: c.Fail, Unknown: c.Unknown,
			Waived: c.Waived, Total: c.Total()}
		x := htmlFwLeft
		for _, seg := range []struct {
			n     int
			class string
			label string
		}{{c.Fail, "st-fail", "FAIL"}, {c.Unknown, "st-unknown", "UNKNOWN"}, {c.Waived, "st-waived", "WAIVED"}, {c.Pass, "st-pass", "PASS"}} {
			if seg.n == 0 {
				continue
			}
			wd := max(scale(seg.n, maxFW, htmlFwBarMax), 1)
			b.Segments = append(b.Segments, htmlSegment{X: x, W: wd, Class: seg.class, Title: fmt.Sprintf("%s %s: %d", name, seg.label, seg.n)})
			x += wd
		}
		b.SummaryX = x + 6
		b.Summary = fmt.Sprintf("%d fail, %d unknown, %d pass", c.Fail, c.Unknown, c.Pass)
		if c.Waived > 0 {
			b.Summary = fmt.Sprintf("%d fail, %d unknown, %d waived, %d pass", c.Fail, c.Unknown, c.Waived, c.Pass)
		}
		bars = append(bars, b)
	}
	return bars
}

// htmlFinding is finding number n as the page shows it, with its check's
// remediation and frameworks when the finding carries none.
func (r Report) htmlFinding(n int, f findings.Finding, check findings.Check) htmlFinding {
	rem := f.Remediation
	if rem.Console == "" && rem.CLI == "" {
		rem = check.Remediation
	}
	fw := f.Frameworks
	if len(fw) == 0 {
		fw = check.Frameworks
	}
	return htmlFinding{N: n, CheckID: f.CheckID, Title: f.Title, Status: string(f.Status),
		StatusClass: statusClass(f.Status), Severity: string(f.Severity), Resource: r.resourceLabel(f), Region: f.Region,
		Message: f.Message, Note: waiverNote(f), Waived: f.Status == findings.Waived,
		Console: rem.Console, CLI: rem.CLI, Controls: controls(fw)}
}

// scale maps n in [0, total] to [0, width] pixels.
func scale(n, total, width int) int {
	if total == 0 {
		return 0
	}
	return n * width / total
}

func statusClass(s findings.Status) string {
	switch s {
	case findings.Fail:
		return "st-fail"
	case findings.Unknown:
		return "st-unknown"
	case findings.Waived:
		return "st-waived"
	}
	return "st-pass"
}

func controlClass(s compliance.Status) string {
	switch s {
	case compliance.Fail:
		return "st-fail"
	case compliance.Unknown:
		return "st-unknown"
	case compliance.Waived:
		return "st-waived"
	case compliance.Pass:
		return "st-pass"
	case compliance.PartlyCovered:
		return "st-waived"
	}
	return "st-none"
}

var htmlTemplate = template.Must(template.New("html").Funcs(template.FuncMap{
	"controlClass": controlClass,
}).Parse(htmlPage))

const htmlPage = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>trailguard: {{if .Org}}{{.Account}}{{else}}account {{.Account}}{{end}}</title>
<style>
*,*::before,*::after{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:1240px;padding:16px 20px;color:#1f2328;background:#fff;overflow-wrap:anywhere}
h1{font-size:1.5em;margin:.2em 0}h2{font-size:1.15em;margin:1.4em 0 .5em}
.meta{color:#57606a;margin:.2em 0 .8em}.meta code{background:#f6f8fa;padding:1px 4px;border-radius:4px}
.counts{display:flex;flex-wrap:wrap;gap:10px;margin:10px 0}
.count{border:1px solid #d0d7de;border-radius:6px;padding:8px 14px;min-width:90px}
.count b{display:block;font-size:1.6em}
.charts{display:flex;flex-wrap:wrap;gap:24px}
.chart{border:1px solid #d0d7de;border-radius:6px;padding:8px 12px;max-width:100%}
.chart svg{max-width:100%;height:auto}
.chart h2{margin:.2em 0 .4em}
svg text{font-size:13px;fill:#1f2328}
.sev-critical{fill:#8b0000}.sev-high{fill:#d1242f}.sev-medium{fill:#e16f24}.sev-low{fill:#d4a72c}.sev-info{fill:#6e7781}
rect.st-fail{fill:#d1242f}rect.st-unknown{fill:#d4a72c}rect.st-waived{fill:#0969da}rect.st-pass{fill:#1a7f37}
.filters{display:flex;flex-wrap:wrap;gap:10px;align-items:center;margin:8px 0}
.filters input{min-width:min(320px,100%);padding:5px 8px}.filters select{padding:5px;max-width:100%}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid #d0d7de;padding:5px 8px;text-align:left;vertical-align:top;font-size:14px}
th{background:#f6f8fa;position:sticky;top:0}
td.res{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px;word-break:break-all}
.badge{display:inline-block;border-radius:10px;padding:1px 8px;font-size:12px;font-weight:600;color:#fff}
.badge.st-fail{background:#d1242f}.badge.st-unknown{background:#9a6700}.badge.st-waived{background:#0969da}.badge.st-pass{background:#1a7f37}.badge.st-none{background:#6e7781}
.note{color:#57606a;font-style:italic}
tr.waived td{background:#f1f8ff}
button.toggle{border:1px solid #d0d7de;background:#f6f8fa;border-radius:4px;cursor:pointer;padding:0 6px}
tr.detail td{background:#fbfbfc}
pre{background:#f6f8fa;padding:8px;border-radius:4px;white-space:pre-wrap;word-break:break-all;margin:.3em 0}
.num{text-align:right}
.ctitle{color:#57606a}
@media (max-width:700px){
body{padding:12px 10px}
#findings thead{display:none}
#findings,#findings tbody,#findings tr,#findings td{display:block;width:100%}
#findings tbody.finding{border-bottom:1px solid #d0d7de;padding:4px 0}
#findings tbody[hidden],#findings tr[hidden]{display:none}
#findings td{border:0;padding:2px 4px}
#findings td:first-child{float:right;width:auto}
}
</style>
</head>
<body>
<header>
<h1>trailguard: {{if .Org}}{{.Account}}{{else}}account {{.Account}}{{end}}</h1>
<p class="meta">{{if .Snapshot}}Snapshot <code>{{.Snapshot}}</code>{{end}}{{if .CollectedAt}} · collected {{.CollectedAt}}{{end}} · {{.Summary.ChecksEvaluated}} checks on {{.Summary.ResourcesEvaluated}} resources</p>
<div class="counts">
<div class="count" id="count-total"><b>{{.Summary.Total}}</b>findings</div>
<div class="count" id="count-fail"><b>{{.Summary.Failed}}</b>failed</div>
<div class="count" id="count-unknown"><b>{{.Summary.Unknown}}</b>unknown</div>
<div class="count" id="count-waived"><b>{{.Summary.Waived}}</b>waived</div>
<div class="count" id="count-pass"><b>{{.Summary.Passed}}</b>passed</div>
</div>
</header>
<main>
<section class="charts">
<div class="chart">
<h2>Failures by severity</h2>
<svg id="chart-severity" role="img" aria-label="Failures by severity" width="600" height="{{.SevChartHeight}}" viewBox="0 0 600 {{.SevChartHeight}}">
{{range .SevBars}}<g><title>{{.Label}}: {{.Count}} failed</title><text x="0" y="{{.Y}}" dy="15">{{.Label}}</text><rect class="{{.Class}}" x="90" y="{{.Y}}" width="{{.W}}" height="20"></rect><text x="{{.TextX}}" y="{{.Y}}" dy="15">{{.Count}}</text></g>
{{end}}</svg>
</div>
<div class="chart">
<h2>Results by framework</h2>
{{if .Frameworks}}<svg id="chart-framework" role="img" aria-label="Results by framework" width="680" height="{{.FwChartHeight}}" viewBox="0 0 680 {{.FwChartHeight}}">
{{range .Frameworks}}{{$y := .Y}}<g><title>{{.Name}}: {{.Summary}}</title><text x="0" y="{{.Y}}" dy="15">{{.Name}}</text>{{range .Segments}}<rect class="{{.Class}}" x="{{.X}}" y="{{$y}}" width="{{.W}}" height="20"><title>{{.Title}}</title></rect>{{end}}<text x="{{.SummaryX}}" y="{{.Y}}" dy="15">{{.Summary}}</text></g>
{{end}}</svg>{{else}}<p class="note">No findings are mapped to a framework.</p>{{end}}
</div>
</section>
{{.Org}}{{with .Compliance}}<section id="compliance">
<h2>Compliance: {{.Framework}}</h2>
<p>{{.Summary.Controls}} controls: <b>{{.Summary.Failed}} failed</b>, {{.Summary.Unknown}} unknown, {{if .Summary.Waived}}{{.Summary.Waived}} waived, {{end}}{{.Summary.Passed}} passed, {{if .Summary.PartlyCovered}}{{.Summary.PartlyCovered}} partly covered (what the checks examine passes; the rest of the control is not examined), {{end}}{{.Summary.NotCovered}} not covered.</p>
<div class="scroll"><table id="controls">
<thead><tr><th>Control</th><th>Status</th><th>Checks</th><th class="num">Pass</th><th class="num">Fail</th><th class="num">Unknown</th>{{if $.ComplianceWaived}}<th class="num">Waived</th>{{end}}</tr></thead>
<tbody>
{{range .Controls}}<tr><td>{{.ID}}</td><td><span class="badge {{controlClass .Status}}">{{.Status}}</span></td><td>{{range $i, $c := .Checks}}{{if $i}}<br>{{end}}<b>{{$c}}</b>{{with index $.CheckTitles $c}} <span class="ctitle">{{.}}</span>{{end}}{{end}}{{if .Partial}}<br><small>partly covered: {{range $i, $n := .Notes}}{{if $i}}; {{end}}{{$n}}{{end}}</small>{{end}}</td><td class="num">{{.Passed}}</td><td class="num">{{.Failed}}</td><td class="num">{{.Unknown}}</td>{{if $.ComplianceWaived}}<td class="num">{{.Waived}}</td>{{end}}</tr>
{{end}}</tbody>
</table></div>
</section>
{{end}}<section id="findings-section">
<h2>Findings</h2>
<div class="filters">
<input id="q" type="search" placeholder="Filter: check, resource, message…" aria-label="Text filter">
<select id="status" aria-label="Status filter"><option value="">All statuses</option><option>FAIL</option><option>UNKNOWN</option><option>WAIVED</option><option>PASS</option></select>
<select id="severity" aria-label="Severity filter"><option value="">All severities</option>{{range .Severities}}<option>{{.}}</option>{{end}}</select>
<span id="shown" role="status" aria-live="polite">{{len .Findings}} of {{len .Findings}} shown</span>
</div>
<table id="findings">
<thead><tr><th></th><th>Status</th><th>Severity</th><th>Check</th><th>Resource</th><th>Message</th></tr></thead>
{{range .Findings}}<tbody class="finding" data-status="{{.Status}}" data-severity="{{.Severity}}" data-check="{{.CheckID}}">
<tr class="main{{if .Waived}} waived{{end}}"><td><button class="toggle" type="button" aria-expanded="false" aria-controls="d{{.N}}" aria-label="Remediation of {{.CheckID}} for {{.Resource}}" title="Show remediation">+</button></td><td><span class="badge {{.StatusClass}}">{{.Status}}</span></td><td>{{.Severity}}</td><td><b>{{.CheckID}}</b> {{.Title}}</td><td class="res">{{.Resource}}{{if .Region}} ({{.Region}}){{end}}</td><td>{{.Message}}{{if .Note}} <span class="note">({{.Note}})</span>{{end}}</td></tr>
<tr class="detail" id="d{{.N}}" hidden><td></td><td colspan="5">{{if .Console}}<p><b>Console:</b> {{.Console}}</p>{{end}}{{if .CLI}}<p><b>CLI:</b></p><pre><code>{{.CLI}}</code></pre>{{end}}{{if not (or .Console .CLI)}}<p class="note">No remediation given.</p>{{end}}{{if .Controls}}<p><b>Controls:</b> {{range $i, $c := .Controls}}{{if $i}}, {{end}}{{$c}}{{end}}</p>{{end}}</td></tr>
</tbody>
{{end}}</table>
{{if not .Findings}}<p>No findings.</p>{{end}}
</section>
</main>
<script>
(function () {
  "use strict";
  var q = document.getElementById("q"), st = document.getElementById("status"), sev = document.getElementById("severity");
  var shown = document.getElementById("shown");
  var bodies = Array.prototype.slice.call(document.querySelectorAll("#findings tbody.finding"));
  var texts = bodies.map(function (b) { return b.rows[0].textContent.toLowerCase(); });
  function apply() {
    var needle = q.value.trim().toLowerCase(), s = st.value, v = sev.value, n = 0;
    for (var i = 0; i < bodies.length; i++) {
      var b = bodies[i];
      var ok = (!s || b.dataset.status === s) && (!v || b.dataset.severity === v) && (!needle || texts[i].indexOf(needle) >= 0);
      b.hidden = !ok;
      if (ok) { n++; }
    }
    shown.textContent = n + " of " + bodies.length + " shown";
  }
  // option picks the option of sel whose value matches v in any case.
  function option(sel, v) {
    v = (v || "").trim().toLowerCase();
    for (var i = 0; i < sel.options.length; i++) {
      if (sel.options[i].value.toLowerCase() === v) { return sel.options[i].value; }
    }
    return "";
  }
  function fromHash() {
    var p = new URLSearchParams(location.hash.replace(/^#/, ""));
    q.value = p.get("q") || "";
    st.value = option(st, p.get("status"));
    sev.value = option(sev, p.get("severity"));
    apply();
  }
  // toHash writes the filter back to the URL (without a history entry).
  function toHash() {
    var p = new URLSearchParams();
    if (q.value.trim()) { p.set("q", q.value.trim()); }
    if (st.value) { p.set("status", st.value); }
    if (sev.value) { p.set("severity", sev.value); }
    var h = p.toString();
    history.replaceState(null, "", h ? "#" + h : location.pathname + location.search);
  }
  function changed() { apply(); toHash(); }
  q.addEventListener("input", changed);
  st.addEventListener("change", changed);
  sev.addEventListener("change", changed);
  window.addEventListener("hashchange", fromHash);
  document.getElementById("findings").addEventListener("click", function (e) {
    var btn = e.target.closest("button.toggle");
    if (!btn) { return; }
    var detail = document.getElementById(btn.getAttribute("aria-controls"));
    detail.hidden = !detail.hidden;
    btn.textContent = detail.hidden ? "+" : "\u2212";
    btn.setAttribute("aria-expanded", String(!detail.hidden));
  });
  fromHash();
})();
</script>
</body>
</html>
`
