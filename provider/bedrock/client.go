// Package bedrock is a client for Amazon Bedrock's runtime API. It registers
// the vendor "bedrock". Every model is called through Converse and
// ConverseStream (Bedrock's model-neutral chat API, streamed as an AWS event
// stream); Anthropic models can instead be called through InvokeModel and
// InvokeModelWithResponseStream with Anthropic's own Messages body (option
// api = "invoke"). Requests are signed with AWS Signature Version 4 from the
// standard AWS credential chain, or carry a Bedrock API key as a bearer
// token when one is configured.
package bedrock

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/httpcall"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/options"
)

// Vendor is the registered vendor name.
const Vendor = "bedrock"

// KeyEnv is the variable a Bedrock API key is usually read from. The key is
// optional: without it requests are signed with AWS credentials.
const KeyEnv = "AWS_BEARER_TOKEN_BEDROCK"

// DefaultBaseURL is the runtime endpoint; "{region}" is replaced by the
// client's region, in this and in any configured base URL.
const DefaultBaseURL = "https://bedrock-runtime.{region}.amazonaws.com"

// DefaultRegion is used when neither the options nor the AWS configuration
// name a region.
const DefaultRegion = "us-east-1"

// SigningName is the service name in Bedrock's SigV4 credential scope.
const SigningName = "bedrock"

// AnthropicVersion is the anthropic_version Bedrock's InvokeModel takes in
// an Anthropic Messages body.
const AnthropicVersion = "bedrock-2023-05-31"

// The APIs a client can call, chosen with the "api" option.
const (
	// APIConverse is Converse / ConverseStream, for every model (the default).
	APIConverse = "converse"
	// APIInvoke is InvokeModel / InvokeModelWithResponseStream with
	// Anthropic's Messages body, for Anthropic models only.
	APIInvoke = "invoke"
)

func init() {
	provider.Register(provider.Vendor{
		Name: Vendor,
		// KeyEnv is left empty on purpose: a Bedrock API key is optional
		// (SigV4 credentials are the usual auth), so the CLI must not refuse
		// to run without one. The config layer still reads KeyEnv.
		DefaultBaseURL: DefaultBaseURL,
		New: func(cfg provider.Config) (provider.Provider, error) {
			return New(cfg)
		},
	})
}

var (
	_ provider.Provider      = (*Client)(nil)
	_ provider.Lister        = (*Client)(nil)
	_ provider.HealthChecker = (*Client)(nil)
	_ provider.InputChecker  = (*Client)(nil)
)

// Client calls Bedrock for one model. It is safe for concurrent use.
type Client struct {
	// runtime calls bedrock-runtime (Converse, InvokeModel); control calls
	// the control plane (ListFoundationModels) on its own host.
	runtime *httpcall.Client
	control *httpcall.Client
	model   string
	api     string
	region  string
	secrets []string
}

// optionNames are the names New understands in cfg.Options.
var optionNames = []string{"api", "profile", "region"}

// New builds a client from cfg. Options understood:
//   - "region": the AWS region (default: AWS_REGION, AWS_DEFAULT_REGION or
//     the profile's region, as the AWS SDK resolves them, else us-east-1);
//   - "api": "converse" (default, every model) or "invoke" (InvokeModel with
//     Anthropic's Messages body; Anthropic models and inference profiles
//     only, as in the Bedrock recordings);
//   - "profile": the AWS shared-config profile to take credentials from.
//
// Other names are rejected. With cfg.APIKey (a Bedrock API key, usually
// from AWS_BEARER_TOKEN_BEDROCK) requests carry Authorization: Bearer and
// are not signed; otherwise they are signed with SigV4 from the standard AWS
// credential chain (environment, shared files and profiles, SSO, container
// and instance roles), resolved at the first call: missing credentials are
// an auth error then. Without cfg.BaseURL the client calls
// https://bedrock-runtime.{region}.amazonaws.com and lists models on
// https://bedrock.{region}.amazonaws.com.
func New(cfg provider.Config) (*Client, error) {
	if err := options.Check(Vendor, cfg.Options, optionNames); err != nil {
		return nil, err
	}
	opt := func(name string) (string, error) {
		s, err := options.String(cfg.Options, name)
		return strings.TrimSpace(s), err
	}
	api, err := opt("api")
	if err != nil {
		return nil, err
	}
	switch api {
	case "":
		api = APIConverse
	case APIConverse, APIInvoke:
	default:
		return nil, fmt.Errorf("option api: want %q or %q, got %q", APIConverse, APIInvoke, api)
	}
	region, err := opt("region")
	if err != nil {
		return nil, err
	}
	if region != "" && !validRegion(region) {
		return nil, fmt.Errorf("option region: %q is not an AWS region name such as us-east-1", region)
	}
	profile, err := opt("profile")
	if err != nil {
		return nil, err
	}
	c := &Client{model: cfg.Model, api: api, secrets: []string{cfg.APIKey}}

	h := http.Header{}
	var sign func(*http.Request, []byte) error
	if cfg.APIKey != "" {
		h.Set("Authorization", "Bearer "+cfg.APIKey)
		if region == "" {
			// The key needs no AWS configuration; read it only for the region.
			if ac, err := loadAWSConfig(profile, ""); err == nil {
				region = ac.Region
			}
		}
	} else {
		ac, err := loadAWSConfig(profile, region)
		if err != nil {
			return nil, err
		}
		if region == "" {
			region = ac.Region
		}
		if region == "" {
			region = DefaultRegion
		}
		sign = newSigner(ac.Credentials, region).sign
	}
	if region == "" {
		region = DefaultRegion
	}
	c.region = region

	base := cfg.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	base = strings.TrimRight(strings.ReplaceAll(base, "{region}", region), "/")
	if _, err := url.Parse(base); err != nil {
		return nil, fmt.Errorf("base URL %q: %w", base, err)
	}
	none := func(http.Header) (provider.RateLimits, bool) { return provider.RateLimits{}, false }
	c.runtime = httpcall.New(httpcall.Options{
		Vendor: Vendor, BaseURL: base, HTTPClient: cfg.HTTPClient, Timeout: cfg.Timeout, Header: h, Custom: cfg.Headers, Secrets: c.secrets,
		Refine: c.refine, RateLimits: none, Sign: sign,
	})
	c.control = httpcall.New(httpcall.Options{
		Vendor: Vendor, BaseURL: controlBase(base), HTTPClient: cfg.HTTPClient, Timeout: cfg.Timeout, Header: h, Custom: cfg.Headers, Secrets: c.secrets,
		Refine: c.refine, RateLimits: none, Sign: sign,
	})
	return c, nil
}

// validRegion reports whether s looks like an AWS region name: lowercase
// letters, digits and dashes (us-east-1, eu-central-2, us-gov-west-1).
func validRegion(s string) bool {
	if s == "" || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if b := s[i]; (b < 'a' || b > 'z') && (b < '0' || b > '9') && b != '-' {
			return false
		}
	}
	return true
}

// controlBase is the control-plane URL for a runtime base URL: the host's
// first label "bedrock-runtime" (or "bedrock-runtime-fips") loses its
// "-runtime". A base URL on another host (a gateway, a test server) serves
// both.
func controlBase(base string) string {
	u, err := url.Parse(base)
	if err != nil {
		return base
	}
	if rest, ok := strings.CutPrefix(u.Host, "bedrock-runtime"); ok {
		u.Host = "bedrock" + rest
	}
	return u.String()
}

// Region returns the AWS region the client signs for and calls.
func (c *Client) Region() string { return c.region }

// API returns the Bedrock API the client calls: APIConverse or APIInvoke.
func (c *Client) API() string { return c.api }

// Models lists the foundation models of the client's region
// (ListFoundationModels on the control plane). Inference profiles such as
// "us.anthropic.…" are not foundation models and are not listed.
func (c *Client) Models(ctx context.Context) ([]string, error) {
	var list struct {
		ModelSummaries []struct {
			ModelID string `json:"modelId"`
		} `json:"modelSummaries"`
	}
	status, err := c.control.GetJSON(ctx, "/foundation-models", "foundation-models", &list)
	if err != nil {
		return nil, err
	}
	if list.ModelSummaries == nil {
		return nil, &provider.Error{Kind: provider.KindTransient, StatusCode: status,
			Err: fmt.Errorf("%s: foundation-models response has no modelSummaries", Vendor)}
	}
	ids := make([]string, 0, len(list.ModelSummaries))
	for _, m := range list.ModelSummaries {
		ids = append(ids, m.ModelID)
	}
	return ids, nil
}

// Health checks that Bedrock answers ListFoundationModels with the
// configured credentials.
func (c *Client) Health(ctx context.Context) error {
	_, err := c.Models(ctx)
	return err
}

// modelPath is "/model/{modelId}/{op}" with the model id escaped as the AWS
// SDK escapes path labels: everything but unreserved characters, so the
// ":" of "…-v1:0" is sent as %3A and the "/" of an ARN as %2F.
func modelPath(model, op string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len("/model/") + len(model)*3 + 1 + len(op))
	b.WriteString("/model/")
	for i := 0; i < len(model); i++ {
		ch := model[i]
		if ch >= 'A' && ch <= 'Z' || ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || ch == '-' || ch == '_' || ch == '.' || ch == '~' {
			b.WriteByte(ch)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[ch>>4])
		b.WriteByte(hex[ch&15])
	}
	b.WriteByte('/')
	b.WriteString(op)
	return b.String()
}
