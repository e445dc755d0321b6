package main

import (
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/trailguard/trailguard/internal/suggest"
)

// withUsageErrors makes every mistake on the command line one line on stderr
// and exit 2, naming the --help to read, instead of urfave/cli's defaults (the
// whole help text on stdout for a bad flag, "No help topic" and exit 3 for an
// unknown command).
func withUsageErrors(app *cli.App) {
	app.OnUsageError = func(_ *cli.Context, err error, _ bool) error {
		return usageError("%s (see trailguard --help)", flagError(err, app.Flags))
	}
	app.Action = unknownCommand("trailguard", app.Commands)
	var walk func(path string, cmds []*cli.Command)
	walk = func(path string, cmds []*cli.Command) {
		for _, cmd := range cmds {
			p, flags := path+" "+cmd.Name, cmd.Flags
			cmd.OnUsageError = func(_ *cli.Context, err error, _ bool) error {
				return usageError("%s: %s (see %s --help)", strings.TrimPrefix(p, "trailguard "), flagError(err, flags), p)
			}
			if len(cmd.Subcommands) > 0 {
				if cmd.Action == nil {
					cmd.Action = unknownCommand(p, cmd.Subcommands)
				}
				walk(p, cmd.Subcommands)
			}
		}
	}
	walk("trailguard", app.Commands)
}

// unknownCommand is the action of a command that only holds subcommands: with
// no argument it shows the help, otherwise the argument is not a command.
func unknownCommand(path string, cmds []*cli.Command) cli.ActionFunc {
	return func(c *cli.Context) error {
		if c.NArg() == 0 {
			return cli.ShowSubcommandHelp(c)
		}
		var names []string
		for _, cmd := range cmds {
			if !cmd.Hidden {
				names = append(names, cmd.Names()...)
			}
		}
		name := c.Args().First()
		if name == "help" {
			// "trailguard help" and "trailguard help eval", as urfave/cli offers them.
			if c.NArg() == 1 {
				return cli.ShowSubcommandHelp(c)
			}
			topic := c.Args().Get(1)
			if c.App.Command(topic) == nil {
				return usageError("unknown command %q%s (see %s --help)", topic, suggest.Hint(topic, names), path)
			}
			return cli.ShowCommandHelp(c, topic)
		}
		return usageError("unknown command %q%s (see %s --help)", name, suggest.Hint(name, names), path)
	}
}

// buildVersion is the version and commit the binary was built from: the
// version set with -ldflags "-X main.version=..." or the module version, and
// the VCS revision Go records when building from a checkout (with "-dirty"
// when there were uncommitted changes).
func buildVersion() string {
	v := version
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return v
	}
	if v == "dev" && info.Main.Version != "" && info.Main.Version != "(devel)" {
		v = info.Main.Version
	}
	var rev, when string
	dirty := false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			when = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return fmt.Sprintf("%s (commit unknown, %s)", v, info.GoVersion)
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if dirty {
		rev += "-dirty"
	}
	if when != "" {
		rev += " " + when
	}
	return fmt.Sprintf("%s (commit %s, %s)", v, rev, info.GoVersion)
}

// flagError rewords the flag package's errors: "flag provided but not
// defined: -x" becomes "unknown flag --x", with the closest flag's name.
func flagError(err error, flags []cli.Flag) string {
	name, ok := strings.CutPrefix(err.Error(), "flag provided but not defined: ")
	if !ok {
		return err.Error()
	}
	name = strings.TrimLeft(name, "-")
	var names []string
	for _, f := range flags {
		names = append(names, f.Names()...)
	}
	dashed := func(n string) string {
		if len(n) == 1 {
			return "-" + n
		}
		return "--" + n
	}
	msg := "unknown flag " + dashed(name)
	if c := suggest.Closest(name, names); c != "" {
		msg += " (did you mean " + dashed(c) + "?)"
	}
	return msg
}
