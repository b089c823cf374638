// Package azure is a client for Azure OpenAI: the openai client with
// Azure's routes, api-key auth and error shapes. It registers the vendor
// "azure".
//
// Two routes are supported. The v1 route ({base}/openai/v1/chat/completions,
// the deployment name as "model" in the body) is the default. Setting the
// option "api_version" or "deployment" selects the deployments route
// ({base}/openai/deployments/{deployment}/chat/completions?api-version=...),
// where the deployment in the path picks the model.
package azure

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/httpcall"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/options"
	"github.com/llm-test-bench/llm-test-bench/provider/openai"
)

// Vendor is the registered vendor name.
const Vendor = "azure"

// KeyEnv is the variable the key is usually read from.
const KeyEnv = "AZURE_OPENAI_API_KEY"

// DefaultAPIVersion is the GA api-version used on the deployments route
// when only the "deployment" option is set.
const DefaultAPIVersion = "2024-10-21"

// deploymentsListVersion is the last api-version whose data plane listed
// deployments; newer resources answer 404 and Models falls back.
const deploymentsListVersion = "2023-03-15-preview"

func init() {
	provider.Register(provider.Vendor{
		Name:   Vendor,
		KeyEnv: KeyEnv,
		// No default: every resource has its own host.
		New: func(cfg provider.Config) (provider.Provider, error) {
			return New(cfg)
		},
	})
}

var (
	_ provider.Provider          = (*Client)(nil)
	_ provider.Lister            = (*Client)(nil)
	_ provider.HealthChecker     = (*Client)(nil)
	_ provider.RateLimitReporter = (*Client)(nil)
	_ provider.Embedder          = (*Client)(nil)
	_ provider.InputChecker      = (*Client)(nil)
)

// Client calls one Azure OpenAI resource. It is safe for concurrent use.
type Client struct {
	*openai.Client
}

// New builds a client from cfg. cfg.BaseURL is required: the resource
// endpoint, https://{resource}.openai.azure.com (a trailing /openai or
// /openai/v1 is accepted). The key is sent in the api-key header. Options:
//   - "deployment": the deployment to call (default: the model id), which
//     selects the deployments route;
//   - "api_version": the api-version of the deployments route (default
//     DefaultAPIVersion), which selects that route;
//   - "auth": "api-key" (default) or "bearer" to send the key as an
//     Authorization: Bearer token (a Microsoft Entra ID token);
//
// and those of openai.NewCompatible ("reasoning" helps when a deployment's
// name does not show that it serves a reasoning model).
func New(cfg provider.Config) (*Client, error) {
	root, err := resourceRoot(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	deployment, err := options.String(cfg.Options, "deployment")
	if err != nil {
		return nil, err
	}
	version, err := options.String(cfg.Options, "api_version")
	if err != nil {
		return nil, err
	}
	auth, err := options.String(cfg.Options, "auth")
	if err != nil {
		return nil, err
	}
	d := openai.Dialect{
		Vendor: Vendor, AuthHeader: "api-key", ReasoningRules: true, Inputs: openai.OpenAIInputs,
		ModelsPath: "/v1/models", Refine: refine, Options: []string{"api_version", "auth", "deployment"},
		ChatPath:  func(string) string { return "/v1/chat/completions" },
		EmbedPath: func(string) string { return "/v1/embeddings" },
	}
	switch auth {
	case "", "api-key":
	case "bearer":
		d.AuthHeader = ""
	default:
		return nil, fmt.Errorf("option auth: want \"api-key\" or \"bearer\", got %q", auth)
	}
	if deployment != "" || version != "" {
		if version == "" {
			version = DefaultAPIVersion
		}
		query := "?api-version=" + url.QueryEscape(version)
		name := func(model string) string {
			if deployment != "" && (model == "" || model == cfg.Model) {
				model = deployment
			}
			return "/deployments/" + url.PathEscape(model)
		}
		d.ChatPath = func(model string) string { return name(model) + "/chat/completions" + query }
		d.EmbedPath = func(model string) string { return name(model) + "/embeddings" + query }
	}
	cfg.BaseURL = root + "/openai"
	c, err := openai.NewCompatible(cfg, d)
	if err != nil {
		return nil, err
	}
	return &Client{Client: c}, nil
}

// resourceRoot checks the base URL and returns it without a trailing
// /openai or /openai/v1.
func resourceRoot(base string) (string, error) {
	base = strings.TrimRight(strings.TrimSpace(base), "/")
	if base == "" {
		return "", errors.New("azure needs base_url, the resource endpoint, such as https://my-resource.openai.azure.com")
	}
	u, err := url.Parse(base)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return "", fmt.Errorf("azure base_url %q: want the resource endpoint, such as https://my-resource.openai.azure.com", base)
	}
	base = strings.TrimSuffix(base, "/v1")
	return strings.TrimSuffix(base, "/openai"), nil
}

// Models lists the resource's deployments where the data plane still
// offers that list, else the models of the v1 route.
func (c *Client) Models(ctx context.Context) ([]string, error) {
	ids, err := c.ListModels(ctx, "/deployments?api-version="+deploymentsListVersion)
	if err == nil {
		return ids, nil
	}
	if pe := provider.AsError(err); pe != nil && pe.Kind == provider.KindAuth {
		return nil, err
	}
	return c.ListModels(ctx, "/v1/models")
}

// refine adds what to check to Azure's 404 for an unknown deployment.
func refine(pe *provider.Error, status int, _ http.Header, body []byte) {
	if status != http.StatusNotFound {
		return
	}
	if ve, ok := httpcall.ParseVendorError(body); ok && ve.Code == "DeploymentNotFound" {
		pe.Err = fmt.Errorf("%w (check the model id or the deployment option: it must name a deployment of this resource)", pe.Err)
	}
}
