package bedrock

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/config"
)

// loadAWSConfig resolves the AWS configuration the SDK way (environment,
// shared config and credentials files, the named profile). Credentials are
// not fetched here: the chain runs at the first signed call.
func loadAWSConfig(profile, region string) (aws.Config, error) {
	var opts []func(*config.LoadOptions) error
	if profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(profile))
	}
	if region != "" {
		opts = append(opts, config.WithRegion(region))
	}
	ac, err := config.LoadDefaultConfig(context.Background(), opts...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("load AWS configuration: %w", err)
	}
	return ac, nil
}

// signer signs requests with SigV4 for the bedrock service in one region.
type signer struct {
	creds  aws.CredentialsProvider
	region string
	v4     *v4.Signer
	now    func() time.Time
}

func newSigner(creds aws.CredentialsProvider, region string) *signer {
	return &signer{creds: creds, region: region, v4: v4.NewSigner(), now: time.Now}
}

// errNoCredentials explains what to configure when the chain finds nothing.
var errNoCredentials = errors.New("no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY " +
	"(and AWS_SESSION_TOKEN for temporary ones), configure a profile (AWS_PROFILE or the option profile), " +
	"or use a Bedrock API key (AWS_BEARER_TOKEN_BEDROCK)")

// sign is httpcall's Options.Sign: it fetches (cached) credentials and adds
// X-Amz-Date, X-Amz-Security-Token when the credentials are temporary, and
// the Authorization header over the request's headers and body hash.
func (s *signer) sign(req *http.Request, body []byte) error {
	if s.creds == nil {
		return errNoCredentials
	}
	creds, err := s.creds.Retrieve(req.Context())
	if err != nil {
		return fmt.Errorf("%w (%w)", errNoCredentials, err)
	}
	if !creds.HasKeys() {
		return errNoCredentials
	}
	sum := sha256.Sum256(body)
	if err := s.v4.SignHTTP(req.Context(), creds, req, hex.EncodeToString(sum[:]), SigningName, s.region, s.now()); err != nil {
		return fmt.Errorf("sigv4: %w", err)
	}
	return nil
}
