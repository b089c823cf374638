package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/spf13/cobra"

	"github.com/llm-test-bench/llm-test-bench/internal/auth"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

func (a *app) authCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use: "auth", Short: "Manage the API server's users and API keys",
		Long: "Manage the API server's users and API keys in the store that serve uses.\nNo account exists after a fresh install: create the first admin with create-user.",
	}
	cmd.AddCommand(a.authCreateUserCommand(), a.authGenerateKeyCommand(), a.authRevokeKeyCommand())
	return cmd
}

// withAuth opens the store and an accounts service on it (no signing
// secret is needed to manage users and keys) and runs fn.
func (a *app) withAuth(ctx context.Context, fn func(*auth.Service, store.AuthStore) error) error {
	st, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	as, ok := st.(store.AuthStore)
	if !ok {
		return fmt.Errorf("this store does not keep users and API keys")
	}
	svc, err := auth.NewAccounts(as, a.cfg, a.log, nil)
	if err != nil {
		return withCode(ExitConfig, err)
	}
	return fn(svc, as)
}

// authErr marks what the user can fix (a bad name, a taken username, an
// unknown key) as an input error.
func authErr(err error) error {
	switch auth.StatusOf(err) {
	case http.StatusBadRequest, http.StatusNotFound, http.StatusConflict:
		return inputErr(err)
	}
	return err
}

func (a *app) authCreateUserCommand() *cobra.Command {
	var username, role string
	var passwordStdin bool
	cmd := &cobra.Command{
		Use: "create-user", Short: "Create a user; the password is read from standard input", Args: cobra.NoArgs,
		Example: "  printf '%s\\n' \"$PASSWORD\" | llm-test-bench auth create-user --username alice --role admin --password-stdin",
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !passwordStdin {
				return configErr("the password is read from standard input only: pass --password-stdin (never on the command line, where other users and the shell history see it)")
			}
			pw, err := readPassword(cmd.InOrStdin())
			if err != nil {
				return inputErr(err)
			}
			return a.withAuth(cmd.Context(), func(svc *auth.Service, _ store.AuthStore) error {
				u, err := svc.CreateUser(cmd.Context(), username, pw, role)
				if err != nil {
					return authErr(err)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "Created user %s (id %s) with role %s.\n", u.Username, u.ID, u.Role)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&username, "username", "", "the user's login name")
	cmd.Flags().StringVar(&role, "role", "", "the user's role (default: [security] default_role)")
	cmd.Flags().BoolVar(&passwordStdin, "password-stdin", false, "read the password from the first line of standard input")
	_ = cmd.MarkFlagRequired("username")
	return cmd
}

// readPassword reads the first line of r, without its line ending; the
// password may hold spaces.
func readPassword(r io.Reader) (string, error) {
	line, err := bufio.NewReader(io.LimitReader(r, auth.MaxPasswordBytes+3)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read the password from standard input: %w", err)
	}
	pw := strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
	if pw == "" {
		return "", errors.New("no password on standard input")
	}
	return pw, nil
}

func (a *app) authGenerateKeyCommand() *cobra.Command {
	var user, userID, name string
	var scopes []string
	cmd := &cobra.Command{
		Use: "generate-key", Short: "Create an API key for a user and print it (shown only this once)", Args: cobra.NoArgs,
		Long: "Create an API key for a user and print it on standard output. Only its hash is\nstored: it cannot be shown again. --scopes narrows it to some of the user's permissions.",
		RunE: func(cmd *cobra.Command, _ []string) error {
			if (user == "") == (userID == "") {
				return configErr("name the key's owner with exactly one of --user NAME and --user-id ID")
			}
			ctx := cmd.Context()
			return a.withAuth(ctx, func(svc *auth.Service, st store.AuthStore) error {
				id := userID
				if user != "" {
					u, err := st.GetUserByName(ctx, user)
					if errors.Is(err, store.ErrNotFound) {
						return inputErr(fmt.Errorf("no user named %q", user))
					}
					if err != nil {
						return err
					}
					id = u.ID
				}
				k, err := svc.IssueAPIKey(ctx, id, name, scopes)
				if err != nil {
					return authErr(err)
				}
				fmt.Fprintln(cmd.OutOrStdout(), k.Key)
				fmt.Fprintf(cmd.ErrOrStderr(), "API key %s (id %s, %s) created; it is shown only this once.\n", k.Prefix+"...", k.ID, k.Name)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&user, "user", "", "the owner's username")
	cmd.Flags().StringVar(&userID, "user-id", "", "the owner's user id")
	cmd.Flags().StringVar(&name, "name", "cli", "a name for the key, shown in listings")
	cmd.Flags().StringSliceVar(&scopes, "scopes", nil, "permissions the key is limited to, within the owner's role (default: all of the role's)")
	return cmd
}

func (a *app) authRevokeKeyCommand() *cobra.Command {
	return &cobra.Command{
		Use: "revoke-key ID", Short: "Revoke an API key: it stops working at once", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withAuth(cmd.Context(), func(svc *auth.Service, _ store.AuthStore) error {
				if err := svc.RevokeAPIKeyByID(cmd.Context(), args[0]); err != nil {
					return authErr(err)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "Revoked API key %s.\n", args[0])
				return nil
			})
		},
	}
}
