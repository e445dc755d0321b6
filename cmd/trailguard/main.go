// Command trailguard audits how well an AWS account protects its CloudTrail
// audit trail. See README.md for usage and exit codes.
package main

import (
	"os"
)

func main() {
	os.Exit(run(os.Args, os.Stdout, os.Stderr))
}
