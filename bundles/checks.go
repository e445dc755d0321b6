package bundles

import (
	"fmt"
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/trailguard/trailguard/findings"
)

// checksNamespace is where the built-in checks live; every package below it
// must be a well-formed check.
const checksNamespace = "data.trailguard.checks."

// readChecks builds the catalog from the compiled modules' package METADATA.
// A package is a check when its METADATA has custom.id, or when it lives
// under data.trailguard.checks (where missing METADATA is an error).
func readChecks(c *ast.Compiler) ([]findings.Check, error) {
	var checks []findings.Check
	var errs []string
	byID := map[string]findings.Check{}
	seenPkg := map[string]bool{}
	for _, name := range sortedKeys(c.Modules) {
		m := c.Modules[name]
		pkg := m.Package.Path.String()
		ann := packageAnnotation(m)
		if ann == nil {
			continue
		}
		if _, ok := ann.Custom["id"]; !ok && !strings.HasPrefix(pkg, checksNamespace) {
			continue
		}
		if seenPkg[pkg] {
			errs = append(errs, fmt.Sprintf("%s:%d: package %s has METADATA in more than one file", name, ann.Location.Row, pkg))
			continue
		}
		seenPkg[pkg] = true
		chk, err := checkFromAnnotation(name, pkg, ann)
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		if prev, dup := byID[chk.ID]; dup {
			errs = append(errs, fmt.Sprintf("%s: check id %s is also used by %s", name, chk.ID, prev.File))
			continue
		}
		if !definesFindings(c, m.Package.Path) {
			errs = append(errs, fmt.Sprintf("%s: check %s defines no `findings` rule", name, chk.ID))
			continue
		}
		byID[chk.ID] = chk
		checks = append(checks, chk)
	}
	// Packages under the checks namespace without METADATA are errors too.
	for _, name := range sortedKeys(c.Modules) {
		m := c.Modules[name]
		pkg := m.Package.Path.String()
		if strings.HasPrefix(pkg, checksNamespace) && !seenPkg[pkg] && !strings.HasSuffix(pkg, "_test") {
			seenPkg[pkg] = true
			errs = append(errs, fmt.Sprintf("%s:%d: package %s has no package METADATA (title, custom.id, custom.severity)", name, m.Package.Location.Row, pkg))
		}
	}
	if len(errs) > 0 {
		return nil, &PolicyError{Msg: errs[0], All: errs}
	}
	slices.SortFunc(checks, func(a, b findings.Check) int { return strings.Compare(a.ID, b.ID) })
	return checks, nil
}

// frameworkControl reads one entry of a custom.frameworks list: a control id
// ("3.1"), for a control the check covers whole, or an object
// {id: "1.15", partial: "what the check does not examine"} for one it covers
// only in part (the reason is required, so that a report can say what is left).
func frameworkControl(entry any) (id, partial string, err error) {
	switch e := entry.(type) {
	case string:
		return e, "", nil
	case map[string]any:
		for k := range e {
			if k != "id" && k != "partial" {
				return "", "", fmt.Errorf("control %v: unknown key %q (want id and partial)", e, k)
			}
		}
		id, _ = e["id"].(string)
		partial, _ = e["partial"].(string)
		if id == "" {
			return "", "", fmt.Errorf("control %v has no id", e)
		}
		if strings.TrimSpace(partial) == "" {
			return "", "", fmt.Errorf("control %s: partial must say what the check does not examine", id)
		}
		return id, strings.TrimSpace(partial), nil
	}
	return "", "", fmt.Errorf("control id %v is not a string (or {id, partial})", entry)
}

func packageAnnotation(m *ast.Module) *ast.Annotations {
	for _, a := range m.Annotations {
		if a.Scope == "package" {
			return a
		}
	}
	return nil
}

func definesFindings(c *ast.Compiler, pkg ast.Ref) bool {
	return len(c.GetRules(pkg.Append(ast.StringTerm("findings")))) > 0
}

func checkFromAnnotation(file, pkg string, a *ast.Annotations) (findings.Check, error) {
	where := fmt.Sprintf("%s:%d", file, a.Location.Row)
	chk := findings.Check{
		Title:       strings.TrimSpace(a.Title),
		Description: strings.TrimSpace(a.Description),
		Package:     pkg,
		File:        file,
	}
	var ok bool
	if chk.ID, ok = a.Custom["id"].(string); !ok || chk.ID == "" {
		return chk, fmt.Errorf("%s: METADATA custom.id is missing or not a string", where)
	}
	if chk.Title == "" {
		return chk, fmt.Errorf("%s: METADATA title is missing for check %s", where, chk.ID)
	}
	sev, _ := a.Custom["severity"].(string)
	s, err := findings.ParseSeverity(sev)
	if err != nil {
		return chk, fmt.Errorf("%s: METADATA custom.severity of %s: %v", where, chk.ID, err)
	}
	chk.Severity = s
	if rt, present := a.Custom["resource_type"]; present {
		if chk.ResourceType, ok = rt.(string); !ok {
			return chk, fmt.Errorf("%s: METADATA custom.resource_type of %s must be a string", where, chk.ID)
		}
	}
	if r, present := a.Custom["remediation"]; present {
		rm, ok := r.(map[string]any)
		if !ok {
			return chk, fmt.Errorf("%s: METADATA custom.remediation of %s must be an object with console and cli", where, chk.ID)
		}
		chk.Remediation.Console, _ = rm["console"].(string)
		chk.Remediation.CLI, _ = rm["cli"].(string)
	}
	if fw, present := a.Custom["frameworks"]; present {
		fm, ok := fw.(map[string]any)
		if !ok {
			return chk, fmt.Errorf("%s: METADATA custom.frameworks of %s must map a framework to a list of control ids", where, chk.ID)
		}
		chk.Frameworks = map[string][]string{}
		for name, ids := range fm {
			list, ok := ids.([]any)
			if !ok {
				return chk, fmt.Errorf("%s: METADATA custom.frameworks.%s of %s must be a list of control ids", where, name, chk.ID)
			}
			for _, id := range list {
				ctrl, partial, err := frameworkControl(id)
				if err != nil {
					return chk, fmt.Errorf("%s: METADATA custom.frameworks.%s of %s: %v", where, name, chk.ID, err)
				}
				chk.Frameworks[name] = append(chk.Frameworks[name], ctrl)
				if partial != "" {
					if chk.PartialControls == nil {
						chk.PartialControls = map[string]map[string]string{}
					}
					if chk.PartialControls[name] == nil {
						chk.PartialControls[name] = map[string]string{}
					}
					chk.PartialControls[name][ctrl] = partial
				}
			}
		}
	}
	return chk, nil
}
