// Package plugin runs untrusted WebAssembly plugins under wazero with the
// ABI "ltb-plugin/1" (docs/PLUGINS.md): a plugin directory holds a
// plugin.toml manifest and a .wasm module; the Host compiles the module
// once (cached on disk by content hash), keeps a pool of instances per
// plugin and gives every call one instance, a timeout that closes it, a
// memory limit and caps on what crosses the boundary. An instance that
// traps, times out or breaks the ABI is discarded, never reused.
//
// The sandbox offers WASI with no preopened directory, no environment, no
// arguments, no sockets, fake clocks and a deterministic random source.
// The only way out is the host module "ltb", whose service call is gated
// by the manifest's capabilities.
//
// Evaluator plugins become assertion types "plugin:NAME" (see Activate);
// transformers run around each call of a suite that names them
// (TransformRequest, TransformResponse); exporters are report outputs
// "plugin:NAME=PATH"; providers are the vendor "plugin" (ids
// plugin:NAME[:MODEL]); notifiers deliver alerts (NotifyAlert). The host
// service http.request reaches a manifest's allowed_hosts for plugins the
// operator grants it.
// A Manager keeps a plugin directory: it installs plugins (from a
// directory or an uploaded zip, ReadArchive), reloads, removes and, with
// auto_reload, watches them, swapping a new version in only once it has
// compiled; grants (Grant) decide which capabilities a manifest may ask
// for; each plugin's log lines go to a bounded file (ReadLog).
package plugin
