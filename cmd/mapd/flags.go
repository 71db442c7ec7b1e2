package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
)

// stringList is a repeatable string flag; values may also be
// comma-separated.
type stringList []string

func (l *stringList) String() string { return strings.Join(*l, ",") }

func (l *stringList) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			*l = append(*l, s)
		}
	}
	return nil
}

// envName returns the environment twin of a flag: --token-file is
// MAPD_TOKEN_FILE.
func envName(flagName string) string {
	return "MAPD_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// applyEnv sets each flag of fs from its environment twin, when set. It runs
// before fs.Parse so that the command line wins.
func applyEnv(fs *flag.FlagSet) error {
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if err != nil {
			return
		}
		if v, ok := os.LookupEnv(envName(f.Name)); ok && v != "" {
			if e := fs.Set(f.Name, v); e != nil {
				err = fmt.Errorf("%s=%q: %w", envName(f.Name), v, e)
			}
		}
	})
	return err
}

// parseFlags applies the environment, then the arguments. It returns
// done=true with the exit code when parsing ended the command (--help or
// an error).
func parseFlags(fs *flag.FlagSet, args []string) (done bool, code int) {
	if err := applyEnv(fs); err != nil {
		fmt.Fprintf(fs.Output(), "mapd %s: %v\n", fs.Name(), err)
		return true, 2
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return true, 0
		}
		return true, 2
	}
	return false, 0
}
