package main

import (
	"fmt"

	"github.com/urfave/cli/v2"
)

// The bash and zsh scripts are urfave/cli's (autocomplete/), which ask the
// binary itself for the words to offer (--generate-bash-completion); fish gets
// a static script generated from the commands and flags.
const bashCompletion = `# bash completion for trailguard; load with: source <(trailguard completion bash)
_trailguard_complete() {
  local cur words cword
  COMPREPLY=()
  cur="${COMP_WORDS[COMP_CWORD]}"
  words=("${COMP_WORDS[@]:0:$COMP_CWORD}")
  local request="${words[*]}"
  if [[ "$cur" == "-"* ]]; then
    request="$request $cur"
  fi
  local opts
  opts=$(eval "$request --generate-bash-completion" 2>/dev/null)
  COMPREPLY=($(compgen -W "$opts" -- "$cur"))
  return 0
}
complete -o bashdefault -o default -F _trailguard_complete trailguard
`

const zshCompletion = `#compdef trailguard
# zsh completion for trailguard; load with: source <(trailguard completion zsh)
_trailguard() {
  local -a opts
  local cur
  cur=${words[-1]}
  if [[ "$cur" == "-"* ]]; then
    opts=("${(@f)$(${words[@]:0:#words[@]-1} ${cur} --generate-bash-completion)}")
  else
    opts=("${(@f)$(${words[@]:0:#words[@]-1} --generate-bash-completion)}")
  fi
  if [[ "${opts[1]}" != "" ]]; then
    _describe 'values' opts
  else
    _files
  fi
}
compdef _trailguard trailguard
`

func completionCommand() *cli.Command {
	return &cli.Command{
		Name:      "completion",
		Usage:     "print a shell completion script: bash, zsh or fish (e.g. source <(trailguard completion bash))",
		ArgsUsage: "bash|zsh|fish",
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usageError("completion takes one shell, bash, zsh or fish (usage: trailguard completion bash)")
			}
			var script string
			switch shell := c.Args().First(); shell {
			case "bash":
				script = bashCompletion
			case "zsh":
				script = zshCompletion
			case "fish":
				s, err := c.App.ToFishCompletion()
				if err != nil {
					return fmt.Errorf("generating the fish completion: %w", err)
				}
				script = s
			default:
				return usageError("completion: unknown shell %q (want bash, zsh or fish)", shell)
			}
			_, err := fmt.Fprint(c.App.Writer, script)
			return err
		},
	}
}
