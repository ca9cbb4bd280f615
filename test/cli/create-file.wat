;; Creates "new.txt" in the directory at fd 3, writes "written by the guest\n" into it, exits 0.
;; Exits 1 if the open fails, 2 if the write fails.
(module
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 64) "new.txt")
  (data (i32.const 128) "written by the guest\n")
  (func (export "_start")
    ;; path_open(fd 3, no follow, "new.txt", O_CREAT|O_TRUNC, rights fd_write, 0, 0, &fd at 16)
    (if (call $path_open (i32.const 3) (i32.const 0) (i32.const 64) (i32.const 7)
          (i32.const 9) (i64.const 64) (i64.const 0) (i32.const 0) (i32.const 16))
      (then (call $proc_exit (i32.const 1))))
    (i32.store (i32.const 0) (i32.const 128))
    (i32.store (i32.const 4) (i32.const 21))
    (if (call $fd_write (i32.load (i32.const 16)) (i32.const 0) (i32.const 1) (i32.const 8))
      (then (call $proc_exit (i32.const 2))))))
