package session

import (
	"fmt"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/config"
	"github.com/llm-test-bench/llm-test-bench/internal/media"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

// mediaLimits are the [multimodal] bounds on cases' images and audio.
func (s *Service) mediaLimits() media.Limits { return MediaLimits(s.cfg) }

// MediaLimits are cfg's [multimodal] bounds on cases' images and audio.
func MediaLimits(cfg *config.Config) media.Limits {
	m := cfg.Multimodal
	return media.Limits{
		DisableImages: !m.EnableVision,
		DisableAudio:  !m.EnableAudio,
		MaxImageBytes: int64(m.MaxImageSizeMB) << 20,
		MaxAudio:      time.Duration(m.MaxAudioDurationSeconds) * time.Second,
		ImageFormats:  m.SupportedImageFormats,
		AudioFormats:  m.SupportedAudioFormats,
	}
}

// inputProblems lists, before any call, each provider that cannot take a
// kind of input the suites carry, naming the first case that carries it.
func inputProblems(p *Plan, targets []*target) []string {
	if p == nil {
		return nil
	}
	var out []string
	for _, s := range p.suites {
		for _, k := range s.InputKinds() {
			msgs := []bench.Message{{Role: bench.RoleUser, Parts: []bench.Part{k.Part}}}
			for _, t := range targets {
				if err := provider.CheckInputs(t.Provider, msgs); err != nil {
					out = append(out, fmt.Sprintf("provider %q cannot take case %q's input (%s:%d): %v", t.ID, k.CaseID, k.Source.File, k.Source.Line, err))
				}
			}
		}
	}
	return out
}

// toolProblems lists, before any call, each provider that cannot send the
// tools the suites offer, naming the first case that offers them.
func toolProblems(p *Plan, targets []*target) []string {
	if p == nil {
		return nil
	}
	var out []string
	for _, s := range p.suites {
		u := s.ToolUse()
		if u == nil {
			continue
		}
		for _, t := range targets {
			if err := provider.CheckTools(t.Provider, u.Tools, u.Choice); err != nil {
				out = append(out, fmt.Sprintf("provider %q cannot take case %q's tools (%s:%d): %v", t.ID, u.CaseID, u.Source.File, u.Source.Line, err))
			}
		}
	}
	return out
}
