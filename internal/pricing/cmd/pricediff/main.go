// Command pricediff compares the embedded pricing table with a copy of
// pydantic/genai-prices' prices/data.json, to refresh the table by hand:
//
//	curl -LO https://raw.githubusercontent.com/pydantic/genai-prices/main/prices/data.json
//	go run ./internal/pricing/cmd/pricediff -data data.json
//
// It prints each table model whose price differs from the data's (or that
// the data does not price) and, with -missing, the data's models the table
// lacks. It reads only the file it is given.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/llm-test-bench/llm-test-bench/internal/pricing"
	"github.com/llm-test-bench/llm-test-bench/internal/pricing/genaiprices"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "pricediff:", err)
		os.Exit(1)
	}
}

func run(args []string, w io.Writer) error {
	fs := flag.NewFlagSet("pricediff", flag.ContinueOnError)
	path := fs.String("data", "data.json", "genai-prices prices/data.json, downloaded")
	day := fs.String("date", time.Now().UTC().Format(time.DateOnly), "compare with the prices current on this date")
	missing := fs.Bool("missing", false, "also list the data's models the table does not price")
	if err := fs.Parse(args); err != nil {
		return err
	}
	on, err := time.Parse(time.DateOnly, *day)
	if err != nil {
		return fmt.Errorf("-date %q: want YYYY-MM-DD", *day)
	}
	data, err := os.ReadFile(*path)
	if err != nil {
		return fmt.Errorf("read genai-prices data: %w", err)
	}
	providers, err := genaiprices.Parse(data)
	if err != nil {
		return fmt.Errorf("%s: %w", *path, err)
	}
	tab := pricing.Default()
	fmt.Fprintf(w, "table as of %s; data prices current on %s\n", tab.AsOf(), *day)
	for _, d := range genaiprices.Compare(tab, providers, on) {
		if d.Source == nil {
			fmt.Fprintf(w, "%s: not in the data (table %s)\n", d.Key, show(d.Table))
			continue
		}
		timed := ""
		if d.Timed {
			timed = " (the data also has time-of-day prices)"
		}
		fmt.Fprintf(w, "%s: table %s, data %s %s%s\n", d.Key, show(d.Table), d.SourceModel, show(*d.Source), timed)
	}
	if *missing {
		for _, m := range genaiprices.Missing(tab, providers) {
			fmt.Fprintf(w, "%s: not in the table\n", m)
		}
	}
	return nil
}

// show prints a price as input/output/cached/write, with its tiers.
func show(p pricing.Price) string {
	s := fmt.Sprintf("%g/%g/%g/%g", p.InputPerMTok, p.OutputPerMTok, p.CachedInputPerMTok, p.CacheWritePerMTok)
	for _, t := range p.Tiers {
		s += fmt.Sprintf(" >%d: %g/%g/%g/%g", t.AbovePromptTokens, t.Input, t.Output, t.CachedInput, t.CacheWrite)
	}
	return s
}
