;; Imports two functions no WASI host provides.
(module
  (import "env" "host_magic" (func))
  (import "wasi_snapshot_preview2" "fd_write" (func))
  (memory (export "memory") 1)
  (func (export "_start")))
