package report

import (
	"bytes"
	"context"
	"encoding/json"
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
		"<h2>Compliance: cis-aws-v3.0.0</h2>", `<table id="controls">`, `<td>3.2</td><td><span class="badge st-fail">FAIL</span></td><td><b>TG-CT-005</b> <span class="ctitle">Log file validation is enabled</span></td>`,
		"<main>", "</main>", `<span id="shown" role="status" aria-live="polite">`,
		`aria-label="Remediation of TG-CT-005 for arn:aws:cloudtrail:us-east-1:111122223333:trail/main"`,
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
		if want := regexp.MustCompile(`<span id="shown"[^>]*>` + regexp.QuoteMeta(strings.TrimSpace(
			strings.Join([]string{itoa(shown), "of", itoa(len(tags)), "shown"}, " "))) + `</span>`); !want.MatchString(dom) {
			t.Errorf("#%s: the shown counter does not say %d of %d", fragment, shown, len(tags))
		}
	}
	check("q=TG-CT-005", func(tag string) bool { return strings.Contains(tag, `data-check="TG-CT-005"`) })
	check("status=PASS&severity=critical", func(tag string) bool {
		return strings.Contains(tag, `data-status="PASS"`) && strings.Contains(tag, `data-severity="critical"`)
	})
	// The README's example fragment shows rows (check() demands some, not
	// all); its status is in lower case, which must work as well.
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("`report[.]html#([^`]+)`").FindSubmatch(readme)
	if m == nil {
		t.Fatal("README has no example fragment `report.html#…`")
	}
	check(string(m[1]), func(tag string) bool {
		return strings.Contains(tag, `data-check="TG-CT-003"`) && strings.Contains(tag, `data-status="FAIL"`) && strings.Contains(tag, `data-severity="high"`)
	})

	// A filter chosen on the page is written back to the URL, and on a
	// 390 px phone nothing scrolls sideways. A copy of the page gets a probe
	// script that picks a status like a user would and records the URL; as
	// headless chromium's window is at least 500 px wide, the probe also
	// loads the page into a 390 px frame and records its widths.
	page390 := string(render(t, "html", withCompliance(t)))
	probe := strings.Replace(page390, "</body>", `<script>
var st = document.getElementById("status");
st.value = "UNKNOWN";
st.dispatchEvent(new Event("change"));
document.body.setAttribute("data-hash", location.hash);
var f = document.createElement("iframe");
f.width = "390"; f.height = "900"; f.style.border = "0";
f.srcdoc = `+jsString(page390)+`;
f.addEventListener("load", function () {
  var w = f.contentWindow, d = w.document;
  document.body.setAttribute("data-width", d.documentElement.scrollWidth + " " + d.documentElement.clientWidth + " " + w.innerWidth);
});
document.body.appendChild(f);
</script>
</body>`, 1)
	phone := filepath.Join(artifacts, "report-phone.html")
	if err := os.WriteFile(phone, []byte(probe), 0o644); err != nil {
		t.Fatal(err)
	}
	dom := string(run("--dump-dom", "file://"+phone))
	hm := regexp.MustCompile(`data-hash="([^"]*)"`).FindStringSubmatch(dom)
	if hm == nil || hm[1] != "#status=UNKNOWN" {
		t.Errorf("filter state not written to the URL: %v", hm)
	}
	wm := regexp.MustCompile(`data-width="(\d+) (\d+) (\d+)"`).FindStringSubmatch(dom)
	if wm == nil {
		t.Fatalf("the probe did not run:\n%.1500s", dom)
	}
	scroll, client, inner := atoi(wm[1]), atoi(wm[2]), atoi(wm[3])
	if inner != 390 || client == 0 {
		t.Fatalf("frame viewport %d px wide, want 390", inner)
	}
	if scroll > client {
		t.Errorf("at %d px the page is %d px wide: it scrolls sideways", client, scroll)
	}
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

func itoa(n int) string { return strconv.Itoa(n) }

// jsString is s as a JavaScript string literal that is safe inside <script>
// (encoding/json escapes <, > and &).
func jsString(s string) string { b, _ := json.Marshal(s); return string(b) }
