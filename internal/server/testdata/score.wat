;; A plugin that meets ltb-plugin/1 and answers every call with a score
;; of 1. score.wasm is this file compiled with wabt: wat2wasm score.wat.
(module
  (import "ltb" "set_output" (func $set_output (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "{\"score\":1}")
  (func (export "ltb_abi_version") (result i32) (i32.const 1))
  (func (export "ltb_alloc") (param i32) (result i32) (i32.const 4096))
  (func (export "ltb_free") (param i32 i32))
  (func (export "ltb_handle") (param i32 i32) (result i32)
    (call $set_output (i32.const 16) (i32.const 11))
    (i32.const 0)))
