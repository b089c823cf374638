package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/llm-test-bench/llm-test-bench/internal/api"
	"github.com/llm-test-bench/llm-test-bench/internal/plugin"
	"github.com/llm-test-bench/llm-test-bench/internal/problem"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// PluginAdmin is what the /plugins routes need of the plugin manager
// (*plugin.Manager).
type PluginAdmin interface {
	List(ctx context.Context) ([]plugin.Info, error)
	Info(ctx context.Context, name string) (plugin.Info, error)
	InstallArchive(ctx context.Context, zipData []byte, replace bool) (*plugin.Plugin, error)
	Remove(ctx context.Context, name string) error
	Reload(ctx context.Context, name string) (*plugin.Plugin, error)
}

var _ PluginAdmin = (*plugin.Manager)(nil)

// MaxPluginUpload bounds the body of POST /plugins: the archive's cap and
// room for the multipart framing. The server's body limit middleware
// lets this route's body grow to it (serve); the handler enforces it.
const MaxPluginUpload = plugin.MaxArchiveBytes + 64<<10

// PluginUploadPath is the route whose body may reach MaxPluginUpload.
const PluginUploadPath = Prefix + "/plugins"

// uploadPart is the multipart part that holds the zip archive.
const uploadPart = "file"

func (h *handlers) noPlugins(w http.ResponseWriter) bool {
	if h.plugins == nil {
		problem.Error(w, http.StatusNotFound, "plugins are not managed by this server")
		return true
	}
	return false
}

// listPlugins is GET /plugins: every installed plugin, one page.
func (h *handlers) listPlugins(w http.ResponseWriter, r *http.Request) {
	if h.noPlugins(w) {
		return
	}
	list, err := h.plugins.List(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, api.Page[plugin.Info]{Items: list})
}

// getPlugin is GET /plugins/{name}.
func (h *handlers) getPlugin(w http.ResponseWriter, r *http.Request) {
	if h.noPlugins(w) {
		return
	}
	in, err := h.plugins.Info(r.Context(), chi.URLParam(r, "name"))
	if err != nil {
		h.pluginFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, in)
}

// uploadPlugin is POST /plugins: a multipart/form-data body whose part
// "file" is the plugin as a zip archive; ?replace=true replaces an
// installed version. Nothing is written before the archive's names, the
// manifest, the grants, the module and its ABI are checked.
func (h *handlers) uploadPlugin(w http.ResponseWriter, r *http.Request) {
	if h.noPlugins(w) {
		return
	}
	replace := false
	if v := r.URL.Query().Get("replace"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			problem.Write(w, field("replace", "want true or false"))
			return
		}
		replace = b
	}
	data, d := readUpload(r)
	if d != nil {
		problem.Write(w, d)
		return
	}
	p, err := h.plugins.InstallArchive(r.Context(), data, replace)
	if err != nil {
		h.pluginFail(w, r, err)
		return
	}
	in, err := h.plugins.Info(r.Context(), p.Name())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Location", Prefix+"/plugins/"+p.Name())
	writeJSON(w, http.StatusCreated, in)
}

// readUpload reads the archive part of a multipart upload, at most
// plugin.MaxArchiveBytes.
func readUpload(r *http.Request) ([]byte, *problem.Details) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		return nil, problem.New(http.StatusUnsupportedMediaType, "send the plugin as multipart/form-data with its zip archive in the part \"file\"")
	}
	r.Body = http.MaxBytesReader(nil, r.Body, MaxPluginUpload)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, problem.New(http.StatusBadRequest, "malformed multipart body")
	}
	var data []byte
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, uploadProblem(err)
		}
		if part.FormName() != uploadPart || data != nil {
			return nil, problem.New(http.StatusBadRequest, fmt.Sprintf("unexpected part %q: send one part %q holding the zip archive", part.FormName(), uploadPart))
		}
		data, err = io.ReadAll(io.LimitReader(part, plugin.MaxArchiveBytes+1))
		if err != nil {
			return nil, uploadProblem(err)
		}
		if len(data) > plugin.MaxArchiveBytes {
			return nil, problem.New(http.StatusRequestEntityTooLarge, fmt.Sprintf("the archive is larger than %d MiB", plugin.MaxArchiveBytes>>20))
		}
	}
	if data == nil {
		return nil, problem.New(http.StatusBadRequest, fmt.Sprintf("no part %q holding the plugin's zip archive", uploadPart))
	}
	return data, nil
}

func uploadProblem(err error) *problem.Details {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return problem.New(http.StatusRequestEntityTooLarge, fmt.Sprintf("the upload is larger than %d MiB", MaxPluginUpload>>20))
	}
	return problem.New(http.StatusBadRequest, "malformed multipart body")
}

// deletePlugin is DELETE /plugins/{name}.
func (h *handlers) deletePlugin(w http.ResponseWriter, r *http.Request) {
	if h.noPlugins(w) {
		return
	}
	if err := h.plugins.Remove(r.Context(), chi.URLParam(r, "name")); err != nil {
		h.pluginFail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// reloadPlugin is POST /plugins/{name}/reload: the installed files are
// loaded anew and swapped in; when they fail, the loaded version keeps
// serving and the answer is 422 with the reason.
func (h *handlers) reloadPlugin(w http.ResponseWriter, r *http.Request) {
	if h.noPlugins(w) {
		return
	}
	name := chi.URLParam(r, "name")
	if _, err := h.plugins.Reload(r.Context(), name); err != nil {
		h.pluginFail(w, r, err)
		return
	}
	in, err := h.plugins.Info(r.Context(), name)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, in)
}

// pluginFail answers a plugin error: 404 not installed, 409 exists, 422
// the plugin is refused (its archive, manifest, grants or module), 500
// anything else (the store, the disk).
func (h *handlers) pluginFail(w http.ResponseWriter, r *http.Request, err error) {
	var pe *plugin.Error
	switch {
	case plugin.IsNotInstalled(err):
		problem.Error(w, http.StatusNotFound, "no such plugin")
	case errors.Is(err, store.ErrExists):
		problem.Error(w, http.StatusConflict, "a plugin of this name is installed; pass ?replace=true to replace it")
	case errors.As(err, &pe), plugin.IsRefused(err):
		problem.Error(w, http.StatusUnprocessableEntity, err.Error())
	default:
		h.fail(w, r, err)
	}
}
