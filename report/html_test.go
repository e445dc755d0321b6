package report

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/trailguard/trailguard/compliance"
	"github.com/trailguard/trailguard/findings"
)

// htmlWithCompliance adds the cis-aws-v3.0.0 control table to r.
func htmlWithCompliance(t *testing.T, r Report) Report {
	t.Helper()
	fw, ok := compliance.Find(compliance.Catalog(r.Checks), "cis-aws-v3.0.0")
	if !ok {
		t.Fatal("no cis-aws-v3.0.0 framework")
	}
	res := compliance.Evaluate(fw, r.Findings)
	r.Compliance = &res
	return r
}

func TestHTML(t *testing.T) {
	r := sample()
	r.Findings = append(r.Findings, findings.Finding{CheckID: "TG-S3-001", Title: "The trail's S3 bucket is not publicly accessible",
		Status: findings.Waived, Severity: findings.Critical, Resource: "arn:aws:s3:::website", Message: "ACL grants READ to AllUsers",
		WaiverReason: "public website <bucket>, accepted by CISO", WaiverExpires: "2026-12-31"})
	out := string(render(t, "html", htmlWithCompliance(t, r)))
	for _, want := range []string{
		"<title>trailguard: account 111122223333</title>",
		"Snapshot <code>snapshots/prod.json</code>", "collected 2026-01-02T03:04:05Z",
		`<svg id="chart-severity"`, "<title>critical: 2 failed</title>", "<title>medium: 1 failed</title>",
		`<svg id="chart-framework"`, "<title>cis-aws-v3.0.0: 1 fail, 0 unknown, 1 pass</title>", "<title>securityhub: 1 fail, 0 unknown, 0 pass</title>",
		`<input id="q"`, `<select id="status"`, `<select id="severity"`,
		`log file validation is off | &lt;b&gt;not&lt;/b&gt; &amp; &#34;quoted&#34;`,
		"<b>Console:</b> CloudTrail console &gt; Trails &gt; Edit",
		"<pre><code>aws cloudtrail update-trail --name &lt;trail-arn&gt; --enable-log-file-validation</code></pre>",
		`data-status="WAIVED"`, `<tr class="main waived">`, "waived until 2026-12-31: public website &lt;bucket&gt;, accepted by CISO",
		"<h2>Compliance: cis-aws-v3.0.0</h2>", `<table id="controls">`, `<td>3.2</td><td><span class="badge st-fail">FAIL</span></td><td>TG-CT-005</td>`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if strings.Index(out, `data-check="TG-S3-001"`) > strings.Index(out, `data-check="TG-CT-005"`) {
		t.Error("failures are not ordered most severe first")
	}
	if strings.Contains(out, "<b>not</b>") {
		t.Error("snapshot text is not escaped")
	}
	if empty := string(render(t, "html", Report{})); !strings.Contains(empty, "<p>No findings.</p>") || strings.Contains(empty, `id="controls"`) {
		t.Errorf("empty report:\n%s", empty)
	}
}

// TestHTMLSelfContained makes sure the page fetches nothing: no external
// scripts, styles, images, fonts or frames. URLs may only appear as text.
func TestHTMLSelfContained(t *testing.T) {
	for name, r := range map[string]Report{"example": withCompliance(t), "sample": sample()} {
		out := strings.ToLower(string(render(t, "html", r)))
		for _, bad := range []string{"<script src", "<link", "<img", "<iframe", "<object", "<embed", "url(", "@import", " src=", " href=", "xlink:href"} {
			if strings.Contains(out, bad) {
				t.Errorf("%s: page contains %q, which could fetch something", name, bad)
			}
		}
		for _, proto := range []string{"http://", "https://", "//cdn"} {
			for _, tag := range []string{"<style", "<script"} {
				i := strings.Index(out, tag)
				j := strings.Index(out[i:], "</"+tag[1:]) + i
				if strings.Contains(out[i:j], proto) {
					t.Errorf("%s: %s block references %q", name, tag, proto)
				}
			}
		}
	}
}

var tbodyTag = regexp.MustCompile(`<tbody class="finding"[^>]*>`)

// TestHTMLInBrowser renders the example report in Debian's headless chromium:
// it takes a screenshot (kept in testdata/artifacts) and checks that the
// filter preset from the URL fragment hides the rows that do not match.
func TestHTMLInBrowser(t *testing.T) {
	const chromium = "/usr/bin/chromium"
	if _, err := os.Stat(chromium); err != nil {
		t.Skipf("%s not found (apt-get install chromium to run this test)", chromium)
	}
	if testing.Short() {
		t.Skip("-short: skipping the headless browser")
	}
	artifacts, err := filepath.Abs(filepath.Join("testdata", "artifacts"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}
	page := filepath.Join(artifacts, "report.html")
	if err := os.WriteFile(page, render(t, "html", withCompliance(t)), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) []byte {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
			"--disable-background-networking", "--disable-component-update", "--disable-sync",
			"--user-data-dir=" + t.TempDir()}
		cmd := exec.CommandContext(ctx, chromium, append(base, args...)...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("chromium %v: %v\n%s", args, err, stderr.String())
		}
		return out
	}

	shot := filepath.Join(artifacts, "report.png")
	os.Remove(shot)
	run("--screenshot="+shot, "--window-size=1280,2000", "file://"+page)
	png, err := os.ReadFile(shot)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	if len(png) < 1000 || !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
		t.Fatalf("screenshot %s is not a PNG (%d bytes)", shot, len(png))
	}
	t.Logf("screenshot: %s (%d bytes)", shot, len(png))

	check := func(fragment string, visible func(tag string) bool) {
		t.Helper()
		dom := string(run("--dump-dom", "file://"+page+"#"+fragment))
		tags := tbodyTag.FindAllString(dom, -1)
		if len(tags) == 0 {
			t.Fatalf("#%s: no finding rows in the dumped DOM:\n%.2000s", fragment, dom)
		}
		shown := 0
		for _, tag := range tags {
			hidden := strings.Contains(tag, "hidden")
			if want := visible(tag); hidden == want {
				t.Errorf("#%s: row %s: hidden=%v, want visible=%v", fragment, tag, hidden, want)
			}
			if !hidden {
				shown++
			}
		}
		if shown == 0 || shown == len(tags) {
			t.Errorf("#%s: %d of %d rows shown: the filter did nothing useful", fragment, shown, len(tags))
		}
		if want := regexp.MustCompile(`<span id="shown">` + regexp.QuoteMeta(strings.TrimSpace(
			strings.Join([]string{itoa(shown), "of", itoa(len(tags)), "shown"}, " "))) + `</span>`); !want.MatchString(dom) {
			t.Errorf("#%s: the shown counter does not say %d of %d", fragment, shown, len(tags))
		}
	}
	check("q=TG-CT-005", func(tag string) bool { return strings.Contains(tag, `data-check="TG-CT-005"`) })
	check("status=PASS&severity=critical", func(tag string) bool {
		return strings.Contains(tag, `data-status="PASS"`) && strings.Contains(tag, `data-severity="critical"`)
	})
}

func itoa(n int) string { return strconv.Itoa(n) }
