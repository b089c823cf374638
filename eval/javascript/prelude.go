package javascript

// prelude is evaluated once in every new engine. It locks the built-ins
// down, so that what one assertion does to them cannot change what the
// next one sees on a reused engine, and returns the four functions the Go
// side calls, kept in a closure rather than on the global object:
//
//   - check(body): compiles body as a function of (output, context,
//     process), as promptfoo does with new Function, and runs nothing;
//   - run(body, output, contextJSON): compiles and calls it, and returns
//     the description of what it returned, or "pending" for a thenable;
//   - settle(): the description of the thenable's outcome, once the Go
//     side has run the pending jobs;
//   - clean(): deletes the globals the script added and reports whether
//     the global object is back to what the prelude left.
//
// A description is JSON: {"k":"boolean","b":...}, {"k":"number","n":...},
// {"k":"grading","pass":...,"score":...,"reason":...} or {"k":"bad","t":
// what was returned instead}. Locking down: every object reachable from the
// globals is frozen and the globals themselves made read-only, after a few
// prototype properties that scripts commonly shadow on their own objects
// (toString, message, name, ...) were turned into accessors whose setter
// defines the property on the object assigned to, so freezing the
// prototype does not silently drop `err.message = ...` (the "override
// mistake" of frozen prototypes).
const prelude = `(function () {
  'use strict';
  const G = globalThis;
  const defineProperty = Object.defineProperty;
  const getOwn = Object.getOwnPropertyDescriptor;
  const hasOwn = Object.prototype.hasOwnProperty;
  const ownKeys = Reflect.ownKeys;
  const stringify = JSON.stringify;
  const isFinite = Number.isFinite;
  const isArray = Array.isArray;
  const Fn = Function;
  const parse = JSON.parse;
  const PromiseResolve = Promise.resolve.bind(Promise);
  const then = Promise.prototype.then;
  const apply = Reflect.apply;

  function overridable(obj, key) {
    const d = getOwn(obj, key);
    if (!d || !('value' in d)) return;
    const value = d.value;
    defineProperty(obj, key, {
      get() { return value; },
      set(v) {
        if (this === obj) throw new TypeError('cannot assign to read only property ' + String(key));
        defineProperty(this, key, { value: v, writable: true, enumerable: true, configurable: true });
      },
      enumerable: d.enumerable,
      configurable: false,
    });
  }
  for (const k of ['toString', 'valueOf', 'toLocaleString', 'constructor', 'hasOwnProperty', 'isPrototypeOf', 'propertyIsEnumerable']) overridable(Object.prototype, k);
  for (const k of ['name', 'message', 'toString', 'constructor']) overridable(Error.prototype, k);
  for (const k of ['toString', 'constructor']) overridable(Fn.prototype, k);

  const seen = new Set();
  function freeze(o) {
    if (o === null || (typeof o !== 'object' && typeof o !== 'function') || seen.has(o)) return;
    seen.add(o);
    Object.freeze(o);
    for (const k of ownKeys(o)) {
      const d = getOwn(o, k);
      if (!d) continue;
      if ('value' in d) freeze(d.value); else { freeze(d.get); freeze(d.set); }
    }
    freeze(Object.getPrototypeOf(o));
  }
  const baseline = new Set(ownKeys(G));
  seen.add(G);
  for (const k of baseline) {
    const d = getOwn(G, k);
    if ('value' in d) freeze(d.value);
    if (d.configurable) defineProperty(G, k, { writable: false, configurable: false });
  }

  const REASON_LIMIT = 4000;
  function describe(v) {
    switch (typeof v) {
      case 'boolean':
        return stringify({ k: 'boolean', b: v });
      case 'number':
        return isFinite(v) ? stringify({ k: 'number', n: v }) : stringify({ k: 'bad', t: 'the non-finite number ' + String(v) });
      case 'object': {
        if (v === null) return stringify({ k: 'bad', t: 'null' });
        if (isArray(v)) return stringify({ k: 'bad', t: 'an array' });
        const pass = v.pass, score = v.score, reason = v.reason;
        if (typeof pass === 'boolean' && typeof score === 'number' && isFinite(score) && typeof reason === 'string') {
          return stringify({ k: 'grading', pass: pass, score: score, reason: reason.length > REASON_LIMIT ? reason.slice(0, REASON_LIMIT) : reason });
        }
        return stringify({ k: 'bad', t: 'an object without pass (boolean), score (finite number) and reason (string)' });
      }
      default:
        return stringify({ k: 'bad', t: 'a ' + typeof v });
    }
  }

  let outcome = null;
  function check(body) { new Fn('output', 'context', 'process', body); }
  function run(body, output, contextJSON) {
    outcome = null;
    const f = new Fn('output', 'context', 'process', body);
    const r = apply(f, undefined, [output, parse(contextJSON), undefined]);
    if (r !== null && (typeof r === 'object' || typeof r === 'function') && typeof r.then === 'function') {
      apply(then, PromiseResolve(r), [
        function (v) { outcome = { v: v }; },
        function (e) { outcome = { e: e }; },
      ]);
      return 'pending';
    }
    return describe(r);
  }
  function settle() {
    if (outcome === null) return stringify({ k: 'bad', t: 'a promise that never settled' });
    if ('e' in outcome) throw outcome.e;
    return describe(outcome.v);
  }
  function clean() {
    outcome = null;
    let ok = true;
    for (const k of ownKeys(G)) {
      if (baseline.has(k)) continue;
      if (!Reflect.deleteProperty(G, k)) ok = false;
    }
    return ok && Object.isExtensible(G);
  }
  return [check, run, settle, clean];
})()`
