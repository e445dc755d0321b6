package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/mattn/go-isatty"
	"golang.org/x/term"

	"github.com/trailguard/trailguard/internal/atomicfile"
	"github.com/trailguard/trailguard/report"
)

// target is one report to write: a format and a file ("" or "-" is standard output).
type target struct{ format, file string }

// parseTargets reads the --format values, FORMAT or FORMAT=FILE. A FORMAT
// without a file goes to --output, or to standard output. At most one report
// may go to standard output and no file may be named twice.
func parseTargets(values []string, output string) ([]target, error) {
	if len(values) == 0 {
		format := "table"
		if output != "" && output != "-" {
			f, err := formatOf(output)
			if err != nil {
				return nil, err
			}
			format = f
		}
		values = []string{format}
	}
	var ts []target
	seen := map[string]bool{}
	for _, v := range values {
		format, file, hasFile := strings.Cut(strings.TrimSpace(v), "=")
		format = strings.ToLower(strings.TrimSpace(format))
		if hasFile && strings.TrimSpace(file) == "" {
			return nil, fmt.Errorf("%q names no file after =", v)
		}
		if !hasFile {
			file = output
		}
		if file == "-" {
			file = ""
		}
		if _, err := report.New(format, report.Options{}); err != nil {
			return nil, err
		}
		key := file
		if key != "" {
			key = filepath.Clean(file)
		}
		if seen[key] {
			if key == "" {
				return nil, errors.New("only one format can write to standard output; give the others a file, e.g. -f sarif=out.sarif")
			}
			return nil, fmt.Errorf("two formats write to %s", file)
		}
		seen[key] = true
		ts = append(ts, target{format: format, file: file})
	}
	return ts, nil
}

// formatByExtension is the format -o FILE writes when no --format is given.
var formatByExtension = map[string]string{
	".txt": "table", ".json": "json", ".sarif": "sarif", ".xml": "junit",
	".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html", ".csv": "csv",
}

// formatOf is the report format of file, from its extension.
func formatOf(file string) (string, error) {
	ext := strings.ToLower(filepath.Ext(file))
	f, ok := formatByExtension[ext]
	if ok && slices.Contains(report.Formats(), f) {
		return f, nil
	}
	var known []string
	for e, f := range formatByExtension {
		if slices.Contains(report.Formats(), f) {
			known = append(known, e)
		}
	}
	slices.Sort(known)
	return "", fmt.Errorf("cannot tell the format of %s from its extension %q (known: %s); name it, e.g. -f sarif -o %s", file, ext, strings.Join(known, " "), file)
}

type output struct {
	target
	w      io.Writer
	writer report.Writer
}

func (o output) where() string {
	if o.file == "" {
		return ""
	}
	return " to " + o.file
}

// outputs are the reports of one evaluation, opened by openTargets.
type outputs struct {
	list  []output
	files []*atomicfile.File // of the reports that go to files
}

// openTargets creates the writers and, for reports that go to files, the
// files (atomicfile: nothing is in place until every report was written),
// before evaluating, so that a file that cannot be written fails fast.
// Reports without a file go to stdout; opts are the writers' options but for
// colour and width, which depend on where each report goes.
func openTargets(ts []target, stdout io.Writer, opts report.Options, noColor bool) (*outputs, error) {
	outs := &outputs{}
	for _, t := range ts {
		w := stdout
		if t.file != "" {
			f, err := atomicfile.Create(t.file, 0o644)
			if err != nil {
				outs.abort()
				return nil, fmt.Errorf("--format %s=%s: %v", t.format, t.file, atomicfile.Cause(err))
			}
			outs.files = append(outs.files, f)
			w = f
		}
		o := opts
		o.Color, o.Width = useColor(noColor, w), termWidth(w)
		wr, err := report.New(t.format, o)
		if err != nil {
			outs.abort()
			return nil, err
		}
		outs.list = append(outs.list, output{target: t, w: w, writer: wr})
	}
	return outs, nil
}

// write writes rep in every format, puts the files in place when all were
// written, and says on stderr which files it wrote.
func (outs *outputs) write(rep report.Report, stderr io.Writer) error {
	for _, o := range outs.list {
		if err := o.writer.Write(o.w, rep); err != nil {
			return exitWith(exitError, fmt.Sprintf("writing the %s report%s: %v", o.format, o.where(), err))
		}
	}
	var first error
	for _, f := range outs.files {
		if err := f.Commit(); err != nil && first == nil {
			first = fmt.Errorf("writing %s: %v", f.Path(), err)
		}
	}
	if first != nil {
		return exitWith(exitError, first.Error())
	}
	for _, o := range outs.list {
		if o.file != "" {
			fmt.Fprintf(stderr, "trailguard: wrote the %s report to %s\n", o.format, o.file)
		}
	}
	return nil
}

// abort removes the files of reports not put in place.
func (outs *outputs) abort() {
	for _, f := range outs.files {
		f.Abort()
	}
}

// termWidth is the width of the terminal out writes to, else COLUMNS, else
// 0 (the table's default).
func termWidth(out io.Writer) int {
	if f, ok := out.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		if w, _, err := term.GetSize(int(f.Fd())); err == nil && w > 0 {
			return w
		}
	}
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n > 0 {
		return n
	}
	return 0
}

// useColor colours only a terminal, and never when NO_COLOR is set or --no-color given.
func useColor(noColor bool, out io.Writer) bool {
	if noColor || os.Getenv("NO_COLOR") != "" {
		return false
	}
	f, ok := out.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}
