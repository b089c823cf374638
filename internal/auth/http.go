package auth

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/llm-test-bench/llm-test-bench/internal/problem"
)

// maxBodyBytes bounds every auth request body.
const maxBodyBytes = 16 << 10

// Routes serves the auth API, to be mounted at /api/v1/auth:
//
//	POST   /login          {"username","password"} -> 200 TokenPair
//	POST   /refresh        {"refresh_token"} -> 200 TokenPair
//	POST   /logout         {"refresh_token"?} -> 204 (authenticated)
//	POST   /apikey         {"name","scopes"?} -> 201 NewAPIKey (apikey.manage)
//	GET    /apikey         -> 200 {"items":[keys without secrets],"next_cursor":null}
//	DELETE /apikey/{id}    -> 204 (apikey.manage; others' keys need apikey.admin)
//	DELETE /apikey         {"id"} -> 204
func (s *Service) Routes() http.Handler {
	r := chi.NewRouter()
	r.Use(s.RefuseCredentialsInURL)
	r.Post("/login", s.handleLogin)
	r.Post("/refresh", s.handleRefresh)
	r.Group(func(r chi.Router) {
		r.Use(s.Middleware)
		r.Post("/logout", s.handleLogout)
		r.Group(func(r chi.Router) {
			r.Use(s.Require("apikey.manage"))
			r.Post("/apikey", s.handleCreateKey)
			r.Get("/apikey", s.handleListKeys)
			r.Delete("/apikey/{id}", s.handleRevokeKey)
			r.Delete("/apikey", s.handleRevokeKey)
		})
	})
	return r
}

// decodeJSON reads a JSON body into dst: application/json only (415),
// unknown members and trailing data refused, at most maxBodyBytes. With
// optional, an empty body leaves dst as it is.
func (s *Service) decodeJSON(w http.ResponseWriter, r *http.Request, dst any, optional bool) bool {
	if optional && r.ContentLength == 0 && r.Header.Get("Content-Type") == "" {
		return true
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		s.writeErrorStatus(w, r, http.StatusUnsupportedMediaType, "send application/json")
		return false
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	dec.DisallowUnknownFields()
	err = dec.Decode(dst)
	if optional && errors.Is(err, io.EOF) {
		return true // an empty body, sent as JSON: the members are optional
	}
	if err == nil {
		if _, more := dec.Token(); more != io.EOF {
			err = errors.New("trailing data after the JSON object")
		}
	}
	if err != nil {
		var mbe *http.MaxBytesError
		msg := "invalid JSON body: " + jsonProblem(err)
		if errors.As(err, &mbe) {
			msg = "request body is too large"
		}
		s.writeError(w, r, &InputError{Msg: msg})
		return false
	}
	return true
}

// jsonProblem describes a decoding error without echoing the input.
func jsonProblem(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return "syntax error"
	case errors.As(err, &te):
		return "member " + te.Field + " has the wrong type"
	case errors.Is(err, io.EOF):
		return "empty body"
	}
	return err.Error() // unknown field "x", trailing data
}

func (s *Service) writeErrorStatus(w http.ResponseWriter, r *http.Request, status int, detail string) {
	w.Header().Set("Cache-Control", "no-store")
	d := problem.New(status, detail)
	d.RequestID = requestID(r)
	problem.Write(w, d)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (s *Service) handleLogin(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	if !s.decodeJSON(w, r, &in, false) {
		return
	}
	if in.Username == "" || in.Password == "" {
		s.writeError(w, r, &InputError{Msg: "username and password are required"})
		return
	}
	ip := s.ClientIP(r)
	pair, err := s.Login(WithRequest(r.Context(), requestID(r), ip), in.Username, in.Password, ip)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, pair)
}

func (s *Service) handleRefresh(w http.ResponseWriter, r *http.Request) {
	var in struct {
		RefreshToken string `json:"refresh_token"`
	}
	if !s.decodeJSON(w, r, &in, false) {
		return
	}
	if in.RefreshToken == "" {
		s.writeError(w, r, &InputError{Field: "refresh_token", Msg: "refresh_token is required"})
		return
	}
	pair, err := s.Refresh(WithRequest(r.Context(), requestID(r), s.ClientIP(r)), in.RefreshToken)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, pair)
}

func (s *Service) handleLogout(w http.ResponseWriter, r *http.Request) {
	var in struct {
		RefreshToken string `json:"refresh_token"`
	}
	if !s.decodeJSON(w, r, &in, true) {
		return
	}
	if err := s.Logout(r.Context(), FromContext(r.Context()), in.RefreshToken); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Service) handleCreateKey(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name   string   `json:"name"`
		Scopes []string `json:"scopes"`
	}
	if !s.decodeJSON(w, r, &in, false) {
		return
	}
	k, err := s.CreateAPIKey(r.Context(), FromContext(r.Context()), in.Name, in.Scopes)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, k)
}

// keyView is a key as listings show it.
type keyView struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	Scopes     []string   `json:"scopes"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	ExpiresAt  *time.Time `json:"expires_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

func (s *Service) handleListKeys(w http.ResponseWriter, r *http.Request) {
	ks, err := s.ListAPIKeys(r.Context(), FromContext(r.Context()))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	items := make([]keyView, 0, len(ks))
	for _, k := range ks {
		items = append(items, keyView{ID: k.ID, Name: k.Name, Prefix: k.Prefix, Scopes: k.Scopes, CreatedAt: k.CreatedAt, LastUsedAt: k.LastUsedAt, ExpiresAt: k.ExpiresAt, RevokedAt: k.RevokedAt})
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "next_cursor": nil})
}

func (s *Service) handleRevokeKey(w http.ResponseWriter, r *http.Request) {
	id := chi.URLParam(r, "id")
	if id == "" {
		var in struct {
			ID string `json:"id"`
		}
		if !s.decodeJSON(w, r, &in, false) {
			return
		}
		id = in.ID
	}
	if id == "" {
		s.writeError(w, r, &InputError{Field: "id", Msg: "id is required"})
		return
	}
	if err := s.RevokeAPIKey(r.Context(), FromContext(r.Context()), id); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
