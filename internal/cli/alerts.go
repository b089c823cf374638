package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

func (a *app) alertsCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "alerts",
		Short: "List the alerts raised by [monitoring] alert_rules",
		Long: "List the alerts raised by the alert rules of [monitoring] alert_rules, which `serve` evaluates\n" +
			"over every benchmark and `bench` over its own run (see docs/MONITORING.md).",
	}
	cmd.AddCommand(a.alertsListCommand())
	return cmd
}

type alertsListFlags struct {
	state, rule, cursor string
	limit               int
	json                bool
}

func (a *app) alertsListCommand() *cobra.Command {
	f := &alertsListFlags{}
	cmd := &cobra.Command{
		Use: "list", Short: "List alerts, newest first", Args: cobra.NoArgs,
		Example: `  llm-test-bench alerts list
  llm-test-bench alerts list --state firing --rule high_latency
  llm-test-bench alerts list --json --limit 200`,
		RunE: func(cmd *cobra.Command, _ []string) error { return a.listAlerts(cmd, f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.state, "state", "", "only firing or only resolved alerts")
	fl.StringVar(&f.rule, "rule", "", "only this rule's alerts")
	fl.IntVar(&f.limit, "limit", store.DefaultPage, fmt.Sprintf("how many alerts, at most %d", store.MaxPage))
	fl.StringVar(&f.cursor, "cursor", "", "continue after the page that printed this cursor")
	fl.BoolVar(&f.json, "json", false, "print {items, next_cursor} as JSON")
	return cmd
}

func (a *app) listAlerts(cmd *cobra.Command, f *alertsListFlags) error {
	switch f.state {
	case "", store.AlertFiring, store.AlertResolved:
	default:
		return configErr("--state %q: want firing or resolved", f.state)
	}
	if f.limit < 1 || f.limit > store.MaxPage {
		return configErr("--limit %d: want 1 to %d", f.limit, store.MaxPage)
	}
	ctx := cmd.Context()
	st, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	items, next, err := st.ListAlerts(ctx, store.AlertQuery{State: f.state, Rule: f.rule, After: f.cursor, Limit: f.limit})
	if errors.Is(err, store.ErrBadCursor) {
		return configErr("--cursor: not a cursor this command printed")
	}
	if err != nil {
		return fmt.Errorf("list alerts: %w", err)
	}
	w := cmd.OutOrStdout()
	if f.json {
		page := struct {
			Items      []store.Alert `json:"items"`
			NextCursor *string       `json:"next_cursor"`
		}{Items: items}
		if next != "" {
			page.NextCursor = &next
		}
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		return enc.Encode(page)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tRULE\tSEVERITY\tSTATE\tPROVIDER\tVALUE\tTHRESHOLD\tTRIGGERED\tRESOLVED")
	for _, al := range items {
		state, resolved := store.AlertFiring, "-"
		if al.ResolvedAt != nil {
			state, resolved = store.AlertResolved, al.ResolvedAt.Local().Format("2006-01-02 15:04:05")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", al.ID, al.Rule, al.Severity, state, orDash(al.Provider),
			strconv.FormatFloat(al.Value, 'g', 6, 64), strconv.FormatFloat(al.Threshold, 'g', 6, 64),
			al.TriggeredAt.Local().Format("2006-01-02 15:04:05"), resolved)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if next != "" {
		fmt.Fprintf(w, "\nMore alerts: llm-test-bench alerts list --cursor %s\n", next)
	}
	return nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
