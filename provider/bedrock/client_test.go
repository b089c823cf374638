package bedrock

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/google/go-cmp/cmp"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/replay"
)

// isolateAWS points the AWS SDK at an empty configuration, so a test never
// reads the developer's files, profiles or instance metadata.
func isolateAWS(t testing.TB) {
	t.Helper()
	for k, v := range map[string]string{
		"AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null", "AWS_EC2_METADATA_DISABLED": "true",
		"AWS_PROFILE": "", "AWS_DEFAULT_PROFILE": "", "AWS_REGION": "", "AWS_DEFAULT_REGION": "",
		"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_SESSION_TOKEN": "",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "", "AWS_CONTAINER_CREDENTIALS_FULL_URI": "",
		"AWS_WEB_IDENTITY_TOKEN_FILE": "", "AWS_ROLE_ARN": "", "AWS_BEARER_TOKEN_BEDROCK": "",
	} {
		t.Setenv(k, v)
	}
}

const (
	akid   = "AKIDEXAMPLE"
	secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
	token  = "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN"
)

var sigv4Header = regexp.MustCompile(`^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/(\d{8})/(us-west-2)/bedrock/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$`)

// TestSigV4 checks that without an API key every call is signed with the
// environment's credentials for the bedrock service: a well-formed
// Authorization header and X-Amz-Date, the session token, and a signature
// the AWS signer itself reproduces from what arrived on the wire.
func TestSigV4(t *testing.T) {
	isolateAWS(t)
	t.Setenv("AWS_ACCESS_KEY_ID", akid)
	t.Setenv("AWS_SECRET_ACCESS_KEY", secret)
	t.Setenv("AWS_SESSION_TOKEN", token)
	t.Setenv("AWS_REGION", "us-west-2")
	cp, srv := newCapture(t, replay.Response{Body: converseDoc})
	c, err := New(provider.Config{Vendor: Vendor, Model: testModel, BaseURL: srv.URL, Headers: map[string]string{"X-Custom": "v"}})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if c.Region() != "us-west-2" {
		t.Errorf("region = %q, want us-west-2 from AWS_REGION", c.Region())
	}
	if _, err := c.Generate(t.Context(), provider.Request{Messages: hello}, discard); err != nil {
		t.Fatalf("Generate: %v", err)
	}
	got := cp.last(t)
	auth := got.Header.Get("Authorization")
	m := sigv4Header.FindStringSubmatch(auth)
	if m == nil {
		t.Fatalf("Authorization = %q, not a SigV4 header for bedrock in us-west-2", auth)
	}
	date := got.Header.Get("X-Amz-Date")
	signedAt, err := time.Parse("20060102T150405Z", date)
	if err != nil || m[1] != date[:8] {
		t.Fatalf("X-Amz-Date = %q (credential date %s): %v", date, m[1], err)
	}
	if got.Header.Get("X-Amz-Security-Token") != token {
		t.Errorf("X-Amz-Security-Token = %q, want the session token", got.Header.Get("X-Amz-Security-Token"))
	}
	signed := strings.Split(m[3], ";")
	for _, h := range []string{"content-type", "host", "x-amz-date", "x-amz-security-token", "x-custom"} {
		if !strings.Contains(";"+m[3]+";", ";"+h+";") {
			t.Errorf("SignedHeaders %q lack %s", m[3], h)
		}
	}

	// Re-sign what arrived, with only the signed headers, and compare.
	req, err := http.NewRequest(got.Method, "http://"+got.Host+got.RequestURI, bytes.NewReader(got.Body))
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range signed {
		if h != "host" && h != "content-length" {
			req.Header[http.CanonicalHeaderKey(h)] = got.Header.Values(h)
		}
	}
	req.Header.Del("X-Amz-Date")
	req.Header.Del("X-Amz-Security-Token")
	sum := sha256.Sum256(got.Body)
	creds := aws.Credentials{AccessKeyID: akid, SecretAccessKey: secret, SessionToken: token}
	if err := v4.NewSigner().SignHTTP(t.Context(), creds, req, hex.EncodeToString(sum[:]), "bedrock", "us-west-2", signedAt); err != nil {
		t.Fatal(err)
	}
	if want := req.Header.Get("Authorization"); want != auth {
		t.Errorf("signature does not verify:\n got %s\nwant %s", auth, want)
	}
	if !strings.Contains(got.RequestURI, "%3A0/converse") {
		t.Errorf("request URI %s: model id not escaped", got.RequestURI)
	}
}

// TestBearerWinsOverSigV4 checks a Bedrock API key is sent as a bearer
// token and nothing is signed, even with AWS credentials around.
func TestBearerWinsOverSigV4(t *testing.T) {
	isolateAWS(t)
	t.Setenv("AWS_ACCESS_KEY_ID", akid)
	t.Setenv("AWS_SECRET_ACCESS_KEY", secret)
	t.Setenv("AWS_DEFAULT_REGION", "eu-west-1")
	cp, srv := newCapture(t, replay.Response{Body: converseDoc})
	c, err := New(provider.Config{Vendor: Vendor, Model: testModel, BaseURL: srv.URL, APIKey: testKey})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if c.Region() != "eu-west-1" {
		t.Errorf("region = %q, want eu-west-1 from AWS_DEFAULT_REGION", c.Region())
	}
	if _, err := c.Generate(t.Context(), provider.Request{Messages: hello}, discard); err != nil {
		t.Fatalf("Generate: %v", err)
	}
	got := cp.last(t)
	if got.Header.Get("Authorization") != "Bearer "+testKey || got.Header.Get("X-Amz-Date") != "" {
		t.Errorf("Authorization = %q, X-Amz-Date = %q; want the bearer key and no signature", got.Header.Get("Authorization"), got.Header.Get("X-Amz-Date"))
	}
}

// TestMissingCredentials checks that with no key and no AWS credentials
// the first call fails as auth, saying what to set, and sends nothing.
func TestMissingCredentials(t *testing.T) {
	isolateAWS(t)
	srv := serve(t, "application/json", converseDoc)
	c, err := New(provider.Config{Vendor: Vendor, Model: novaModel, BaseURL: srv.URL})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if c.Region() != DefaultRegion {
		t.Errorf("region = %q, want the default %s", c.Region(), DefaultRegion)
	}
	_, err = c.Generate(t.Context(), provider.Request{Messages: hello}, discard)
	pe := provider.AsError(err)
	if pe == nil || pe.Kind != provider.KindAuth || pe.Kind.Retryable() {
		t.Fatalf("Generate error = %v, want auth", err)
	}
	for _, want := range []string{"no AWS credentials", "AWS_ACCESS_KEY_ID", "AWS_BEARER_TOKEN_BEDROCK"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests sent without credentials", n)
	}
}

func TestUnknownProfile(t *testing.T) {
	isolateAWS(t)
	_, err := New(provider.Config{Vendor: Vendor, Model: novaModel, Options: map[string]any{"profile": "no-such-profile"}})
	if err == nil || !strings.Contains(err.Error(), "no-such-profile") {
		t.Fatalf("New error = %v, want one naming the profile", err)
	}
}

func TestNewOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		opts    map[string]any
		base    string
		wantErr string
		wantAPI string
		wantURL string
	}{
		{"defaults", nil, "", "", APIConverse, "https://bedrock-runtime.us-east-1.amazonaws.com"},
		{"region fills the default URL", map[string]any{"region": "ap-northeast-1"}, "", "", APIConverse, "https://bedrock-runtime.ap-northeast-1.amazonaws.com"},
		{"region fills a configured template", map[string]any{"region": "us-gov-west-1"}, "https://bedrock-runtime-fips.{region}.amazonaws.com/", "", APIConverse, "https://bedrock-runtime-fips.us-gov-west-1.amazonaws.com"},
		{"invoke", map[string]any{"api": "invoke"}, "", "", APIInvoke, "https://bedrock-runtime.us-east-1.amazonaws.com"},
		{"unknown option", map[string]any{"regoin": "x"}, "", "option regoin: unknown to the bedrock provider (known: api, profile, region)", "", ""},
		{"bad api", map[string]any{"api": "chat"}, "", `option api: want "converse" or "invoke", got "chat"`, "", ""},
		{"bad region", map[string]any{"region": "US East"}, "", "option region", "", ""},
		{"region not a string", map[string]any{"region": 1}, "", "option region: want a string", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			opts := map[string]any{"region": testRegion}
			for k, v := range tt.opts {
				opts[k] = v
			}
			var got string
			hc := &http.Client{Transport: roundTrip(func(r *http.Request) (*http.Response, error) {
				got = r.URL.Scheme + "://" + r.URL.Host
				return &http.Response{StatusCode: 200, Header: http.Header{}, Body: http.NoBody, Request: r}, nil
			})}
			c, err := New(provider.Config{Vendor: Vendor, Model: testModel, BaseURL: tt.base, APIKey: testKey, Options: opts, HTTPClient: hc})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("New error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			_, _ = c.Generate(t.Context(), provider.Request{Messages: hello}, discard)
			if c.API() != tt.wantAPI || got != tt.wantURL {
				t.Errorf("api %q calling %q, want %q calling %q", c.API(), got, tt.wantAPI, tt.wantURL)
			}
		})
	}
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestRegistered(t *testing.T) {
	t.Parallel()
	v, ok := provider.Lookup(Vendor)
	if !ok || v.DefaultBaseURL != DefaultBaseURL || v.KeyEnv != "" {
		t.Fatalf("Lookup(%q) = %+v, %v", Vendor, v, ok)
	}
	p, err := provider.New(provider.Config{ID: "bedrock:" + novaModel, Vendor: Vendor, Model: novaModel, APIKey: testKey, Options: map[string]any{"region": "eu-central-1"}})
	if err != nil {
		t.Fatalf("provider.New: %v", err)
	}
	if r := p.(*Client).Region(); r != "eu-central-1" {
		t.Errorf("region = %q", r)
	}
}

func TestControlBase(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"https://bedrock-runtime.us-east-1.amazonaws.com":      "https://bedrock.us-east-1.amazonaws.com",
		"https://bedrock-runtime-fips.us-east-1.amazonaws.com": "https://bedrock-fips.us-east-1.amazonaws.com",
		"http://127.0.0.1:8080/bedrock":                        "http://127.0.0.1:8080/bedrock",
	}
	for in, want := range tests {
		if got := controlBase(in); got != want {
			t.Errorf("controlBase(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestModelsAndHealth(t *testing.T) {
	t.Parallel()
	body := `{"modelSummaries":[{"customizationsSupported":[],"inferenceTypesSupported":["ON_DEMAND"],"inputModalities":["TEXT","IMAGE"],"modelArn":"arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0","modelId":"amazon.nova-pro-v1:0","modelLifecycle":{"status":"ACTIVE"},"modelName":"Nova Pro","outputModalities":["TEXT"],"providerName":"Amazon","responseStreamingSupported":true},{"modelArn":"arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0","modelId":"anthropic.claude-haiku-4-5-20251001-v1:0","modelLifecycle":{"status":"ACTIVE"},"modelName":"Claude Haiku 4.5","providerName":"Anthropic"}]}`
	srv := serve(t, "application/json", body)
	c := newClient(t, srv.URL, nil)
	ids, err := c.Models(t.Context())
	if err != nil {
		t.Fatalf("Models: %v", err)
	}
	if diff := cmp.Diff([]string{"amazon.nova-pro-v1:0", "anthropic.claude-haiku-4-5-20251001-v1:0"}, ids); diff != "" {
		t.Errorf("models (-want +got):\n%s", diff)
	}
	got := srv.Last(t)
	if got.Method != "GET" || got.Path != "/foundation-models" || got.Header.Get("Authorization") != "Bearer "+testKey {
		t.Errorf("request %s %s auth %q", got.Method, got.Path, got.Header.Get("Authorization"))
	}
	if err := c.Health(t.Context()); err != nil {
		t.Errorf("Health: %v", err)
	}

	denied := replay.Serve(t, []replay.Response{replay.Error(403, `{"message":"User: arn:aws:iam::123456789012:user/bench is not authorized to perform: bedrock:ListFoundationModels"}`,
		"X-Amzn-Errortype", "AccessDeniedException:http://internal.amazon.com/coral/com.amazon.bedrock/")})
	err = newClient(t, denied.URL, nil).Health(t.Context())
	if pe := provider.AsError(err); pe == nil || pe.Kind != provider.KindAuth {
		t.Errorf("Health error = %v, want auth", err)
	}
	bad := serve(t, "application/json", `{"models":[]}`)
	if _, err := newClient(t, bad.URL, nil).Models(t.Context()); provider.AsError(err) == nil {
		t.Errorf("Models on a body without modelSummaries = %v, want an error", err)
	}
}
