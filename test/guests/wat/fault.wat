;; fault.wat - guest pointers and lengths that leave linear memory.
;;
;; Every call below passes a pointer (or pointer + length) that is not inside
;; the module's single 64 KiB page. The Warden contract is that the call
;; returns errno `fault` (21) and has no other effect.
;;
;; NOTE: the witx docs say a function "shall trap" on misaligned pointers and
;; wasmtime also traps on out-of-bounds ones; node:wasi returns `overflow`
;; (61). This module encodes the Warden choice (fault) - see README.md.
;;
;; Run with one environment variable (manifest env {"FAULT_TEST": "1"}) so
;; that environ_get has something to write.
;;
;; Reports like the C programs: "FAIL fault.wat:<line>: ..." lines, then
;; "ok fault" and exit 0, or exit 1 if any check failed. <line> is the line
;; of the check in this file.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_pread" (func $fd_pread (param i32 i32 i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_pwrite" (func $fd_pwrite (param i32 i32 i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $environ_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_get" (func $environ_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock_time_get (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_res_get" (func $clock_res_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_get" (func $fd_prestat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_dir_name" (func $fd_prestat_dir_name (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_filestat_get" (func $fd_filestat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_fdstat_get" (func $fd_fdstat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_seek" (func $fd_seek (param i32 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_tell" (func $fd_tell (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_readdir" (func $fd_readdir (param i32 i32 i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_filestat_get" (func $path_filestat_get (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_readlink" (func $path_readlink (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_symlink" (func $path_symlink (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_create_directory" (func $path_create_directory (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll_oneoff (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)

  ;; ---- shared helpers (same in every test module) ----------------------
  ;; memory map: 0..15 iovec + nwritten for $print, 16..63 number buffer,
  ;; 64..1023 scratch for the checks, 1024.. strings (data segments),
  ;; 4096.. free for the test body.
  (global $failures (mut i32) (i32.const 0))

  ;; write [ptr, ptr+len) to stdout, retrying on short writes
  (func $print (param $ptr i32) (param $len i32)
    (block $done
      (loop $again
        (br_if $done (i32.eqz (local.get $len)))
        (i32.store (i32.const 0) (local.get $ptr))
        (i32.store (i32.const 4) (local.get $len))
        (br_if $done (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
        (br_if $done (i32.eqz (i32.load (i32.const 8))))
        (local.set $ptr (i32.add (local.get $ptr) (i32.load (i32.const 8))))
        (local.set $len (i32.sub (local.get $len) (i32.load (i32.const 8))))
        (br $again))))

  ;; print an unsigned decimal number
  (func $print_u32 (param $n i32)
    (local $p i32)
    (local.set $p (i32.const 48))
    (loop $digits
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p)
        (i32.add (i32.const 48) (i32.rem_u (local.get $n) (i32.const 10))))
      (local.set $n (i32.div_u (local.get $n) (i32.const 10)))
      (br_if $digits (local.get $n)))
    (call $print (local.get $p) (i32.sub (i32.const 48) (local.get $p))))

  ;; "FAIL <file>:<line>: <what> (got <got> want <want>)\n"
  (func $fail (param $line i32) (param $what i32) (param $what_len i32)
              (param $got i32) (param $want i32) (param $want2 i32) (param $want3 i32)
    (global.set $failures (i32.add (global.get $failures) (i32.const 1)))
    (call $print (i32.const 1024) (i32.const 5) (; "FAIL " ;))
    (call $print (i32.const 1029) (i32.const 9) (; "fault.wat" ;))
    (call $print (i32.const 1038) (i32.const 1) (; ":" ;))
    (call $print_u32 (local.get $line))
    (call $print (i32.const 1039) (i32.const 2) (; ": " ;))
    (call $print (local.get $what) (local.get $what_len))
    (call $print (i32.const 1041) (i32.const 6) (; " (got " ;))
    (call $print_u32 (local.get $got))
    (call $print (i32.const 1047) (i32.const 6) (; " want " ;))
    (call $print_u32 (local.get $want))
    (if (i32.ne (local.get $want2) (i32.const -1))
      (then (call $print (i32.const 1053) (i32.const 4) (; " or " ;)) (call $print_u32 (local.get $want2))))
    (if (i32.ne (local.get $want3) (i32.const -1))
      (then (call $print (i32.const 1053) (i32.const 4) (; " or " ;)) (call $print_u32 (local.get $want3))))
    (call $print (i32.const 1057) (i32.const 2) (; ")\n" ;)))

  ;; check that got == want (errnos or any other i32)
  (func $expect (param $line i32) (param $what i32) (param $what_len i32)
                (param $got i32) (param $want i32)
    (if (i32.ne (local.get $got) (local.get $want))
      (then (call $fail (local.get $line) (local.get $what) (local.get $what_len)
                        (local.get $got) (local.get $want) (i32.const -1) (i32.const -1)))))

  ;; check that got is one of want/want2/want3 (pass -1 for unused)
  (func $expect_any (param $line i32) (param $what i32) (param $what_len i32)
                    (param $got i32) (param $want i32) (param $want2 i32) (param $want3 i32)
    (if (i32.and (i32.ne (local.get $got) (local.get $want))
                 (i32.and (i32.ne (local.get $got) (local.get $want2))
                          (i32.ne (local.get $got) (local.get $want3))))
      (then (call $fail (local.get $line) (local.get $what) (local.get $what_len)
                        (local.get $got) (local.get $want) (local.get $want2) (local.get $want3)))))

  ;; print "ok <name>" and return normally, or exit 1 if anything failed
  (func $finish
    (if (global.get $failures) (then (call $proc_exit (i32.const 1))))
    (call $print (i32.const 1059) (i32.const 3) (; "ok " ;))
    (call $print (i32.const 1062) (i32.const 5) (; "fault" ;))
    (call $print (i32.const 1067) (i32.const 1) (; "\n" ;)))
  ;; ----------------------------------------------------------------------

  (func (export "_start")
    (local $fd i32)
    ;; a file with 16 bytes of content and a symlink to read back
    (call $expect (i32.const 123) (i32.const 1068) (i32.const 15) (; "path_open(data)" ;)
      (call $path_open (i32.const 3) (i32.const 0) (i32.const 1083) (i32.const 4) (; "data" ;) (i32.const 1)
        (i64.const 0x8e001ff) (i64.const 0x8e001ff) (i32.const 0) (i32.const 64)) (i32.const 0))
    (local.set $fd (i32.load (i32.const 64)))
    (i32.store (i32.const 80) (i32.const 4096))
    (i32.store (i32.const 84) (i32.const 16))
    (call $expect (i32.const 129) (i32.const 1087) (i32.const 14) (; "fd_write(data)" ;)
      (call $fd_write (local.get $fd) (i32.const 80) (i32.const 1) (i32.const 88)) (i32.const 0))
    (call $expect (i32.const 131) (i32.const 1101) (i32.const 18) (; "path_symlink(link)" ;)
      (call $path_symlink (i32.const 1083) (i32.const 4) (; "data" ;) (i32.const 3) (i32.const 1119) (i32.const 4) (; "link" ;)) (i32.const 0))

    ;; --- iovec arrays ---------------------------------------------------
    ;; array straddling the end of memory
    (call $expect (i32.const 136) (i32.const 1123) (i32.const 32) (; "fd_write iovs straddling the end" ;)
      (call $fd_write (i32.const 2) (i32.const 65532) (i32.const 1) (i32.const 88)) (i32.const 21))
    ;; array entirely past the end
    (call $expect (i32.const 139) (i32.const 1155) (i32.const 26) (; "fd_write iovs past the end" ;)
      (call $fd_write (i32.const 2) (i32.const 100000) (i32.const 1) (i32.const 88)) (i32.const 21))
    ;; a huge iovs_len from a valid start
    (call $expect (i32.const 142) (i32.const 1181) (i32.const 28) (; "fd_write iovs_len 0x10000000" ;)
      (call $fd_write (i32.const 2) (i32.const 80) (i32.const 0x10000000) (i32.const 88)) (i32.const 21))
    ;; one good iovec followed by one that leaves memory
    (i32.store (i32.const 96) (i32.const 4096))
    (i32.store (i32.const 100) (i32.const 4))
    (i32.store (i32.const 104) (i32.const 65530))
    (i32.store (i32.const 108) (i32.const 100))
    (call $expect (i32.const 149) (i32.const 1209) (i32.const 42) (; "fd_pwrite second iovec buffer past the end" ;)
      (call $fd_pwrite (local.get $fd) (i32.const 96) (i32.const 2) (i64.const 0) (i32.const 88)) (i32.const 21))
    ;; a buffer whose pointer + length wraps around 2^32
    (i32.store (i32.const 96) (i32.const 0xfffffff0))
    (i32.store (i32.const 100) (i32.const 0x20))
    (call $expect (i32.const 154) (i32.const 1251) (i32.const 38) (; "fd_pwrite iovec buffer wrapping around" ;)
      (call $fd_pwrite (local.get $fd) (i32.const 96) (i32.const 1) (i64.const 0) (i32.const 88)) (i32.const 21))
    ;; read buffers
    (i32.store (i32.const 96) (i32.const 65530))
    (i32.store (i32.const 100) (i32.const 100))
    (call $expect (i32.const 159) (i32.const 1289) (i32.const 35) (; "fd_pread into a buffer past the end" ;)
      (call $fd_pread (local.get $fd) (i32.const 96) (i32.const 1) (i64.const 0) (i32.const 88)) (i32.const 21))
    (call $expect (i32.const 161) (i32.const 1324) (i32.const 30) (; "fd_read with iovs past the end" ;)
      (call $fd_read (local.get $fd) (i32.const 70000) (i32.const 1) (i32.const 88)) (i32.const 21))
    ;; result pointers
    (i32.store (i32.const 96) (i32.const 4096))
    (i32.store (i32.const 100) (i32.const 4))
    (call $expect (i32.const 166) (i32.const 1354) (i32.const 35) (; "fd_pread nread pointer past the end" ;)
      (call $fd_pread (local.get $fd) (i32.const 96) (i32.const 1) (i64.const 0) (i32.const 65536)) (i32.const 21))

    ;; --- results written to bad places -----------------------------------
    (call $expect (i32.const 170) (i32.const 1389) (i32.const 32) (; "args_sizes_get argc past the end" ;)
      (call $args_sizes_get (i32.const 65536) (i32.const 128)) (i32.const 21))
    (call $expect (i32.const 172) (i32.const 1421) (i32.const 38) (; "args_sizes_get size straddling the end" ;)
      (call $args_sizes_get (i32.const 128) (i32.const 65534)) (i32.const 21))
    (call $expect (i32.const 174) (i32.const 1459) (i32.const 26) (; "args_get argv past the end" ;)
      (call $args_get (i32.const 65536) (i32.const 4096)) (i32.const 21))
    (call $expect (i32.const 176) (i32.const 1485) (i32.const 30) (; "args_get argv_buf past the end" ;)
      (call $args_get (i32.const 128) (i32.const 65535)) (i32.const 21))
    (call $expect (i32.const 178) (i32.const 1515) (i32.const 30) (; "environ_sizes_get past the end" ;)
      (call $environ_sizes_get (i32.const 65536) (i32.const 128)) (i32.const 21))
    (call $expect (i32.const 180) (i32.const 1545) (i32.const 28) (; "environ_get buf past the end" ;)
      (call $environ_get (i32.const 128) (i32.const 65535)) (i32.const 21))
    (call $expect (i32.const 182) (i32.const 1573) (i32.const 34) (; "clock_time_get result past the end" ;)
      (call $clock_time_get (i32.const 1) (i64.const 0) (i32.const 65536)) (i32.const 21))
    (call $expect (i32.const 184) (i32.const 1607) (i32.const 33) (; "clock_res_get result past the end" ;)
      (call $clock_res_get (i32.const 0) (i32.const 65536)) (i32.const 21))
    (call $expect (i32.const 186) (i32.const 1640) (i32.const 36) (; "random_get buffer straddling the end" ;)
      (call $random_get (i32.const 65530) (i32.const 100)) (i32.const 21))
    (call $expect (i32.const 188) (i32.const 1676) (i32.const 34) (; "fd_prestat_get result past the end" ;)
      (call $fd_prestat_get (i32.const 3) (i32.const 65536)) (i32.const 21))
    (call $expect (i32.const 190) (i32.const 1710) (i32.const 45) (; "fd_prestat_dir_name buffer straddling the end" ;)
      (call $fd_prestat_dir_name (i32.const 3) (i32.const 65532) (i32.const 8)) (i32.const 21))
    (call $expect (i32.const 192) (i32.const 1755) (i32.const 35) (; "fd_filestat_get result past the end" ;)
      (call $fd_filestat_get (local.get $fd) (i32.const 65536)) (i32.const 21))
    (call $expect (i32.const 194) (i32.const 1790) (i32.const 39) (; "fd_fdstat_get result straddling the end" ;)
      (call $fd_fdstat_get (local.get $fd) (i32.const 65528)) (i32.const 21))
    (call $expect (i32.const 196) (i32.const 1829) (i32.const 27) (; "fd_seek result past the end" ;)
      (call $fd_seek (local.get $fd) (i64.const 0) (i32.const 0) (i32.const 65536)) (i32.const 21))
    (call $expect (i32.const 198) (i32.const 1856) (i32.const 27) (; "fd_tell result past the end" ;)
      (call $fd_tell (local.get $fd) (i32.const 65536)) (i32.const 21))
    (call $expect (i32.const 200) (i32.const 1883) (i32.const 36) (; "fd_readdir buffer straddling the end" ;)
      (call $fd_readdir (i32.const 3) (i32.const 65530) (i32.const 100) (i64.const 0) (i32.const 128)) (i32.const 21))
    (call $expect (i32.const 202) (i32.const 1919) (i32.const 39) (; "path_readlink buffer straddling the end" ;)
      (call $path_readlink (i32.const 3) (i32.const 1119) (i32.const 4) (; "link" ;) (i32.const 65534) (i32.const 10) (i32.const 128)) (i32.const 21))
    (call $expect (i32.const 204) (i32.const 1958) (i32.const 37) (; "path_filestat_get result past the end" ;)
      (call $path_filestat_get (i32.const 3) (i32.const 0) (i32.const 1083) (i32.const 4) (; "data" ;) (i32.const 65536)) (i32.const 21))

    ;; --- paths and other inputs -------------------------------------------
    (call $expect (i32.const 208) (i32.const 1995) (i32.const 33) (; "path_open path straddling the end" ;)
      (call $path_open (i32.const 3) (i32.const 0) (i32.const 65530) (i32.const 100) (i32.const 1)
        (i64.const 0) (i64.const 0) (i32.const 0) (i32.const 64)) (i32.const 21))
    (call $expect (i32.const 211) (i32.const 2028) (i32.const 39) (; "path_create_directory path past the end" ;)
      (call $path_create_directory (i32.const 3) (i32.const 70000) (i32.const 4)) (i32.const 21))
    (call $expect (i32.const 213) (i32.const 2067) (i32.const 44) (; "poll_oneoff subscriptions straddling the end" ;)
      (call $poll_oneoff (i32.const 65520) (i32.const 4096) (i32.const 1) (i32.const 128)) (i32.const 21))

    ;; --- nothing changed ----------------------------------------------------
    (call $expect (i32.const 217) (i32.const 2111) (i32.const 21) (; "fd_filestat_get(data)" ;)
      (call $fd_filestat_get (local.get $fd) (i32.const 256)) (i32.const 0))
    (call $expect (i32.const 219) (i32.const 2132) (i32.const 12) (; "size of data" ;)
      (i32.wrap_i64 (i64.load (i32.const 288))) (i32.const 16))
    (call $finish))
  (data (i32.const 1024) "FAIL ")
  (data (i32.const 1029) "fault.wat")
  (data (i32.const 1038) ":")
  (data (i32.const 1039) ": ")
  (data (i32.const 1041) " (got ")
  (data (i32.const 1047) " want ")
  (data (i32.const 1053) " or ")
  (data (i32.const 1057) ")\0a")
  (data (i32.const 1059) "ok ")
  (data (i32.const 1062) "fault")
  (data (i32.const 1067) "\0a")
  (data (i32.const 1068) "path_open(data)")
  (data (i32.const 1083) "data")
  (data (i32.const 1087) "fd_write(data)")
  (data (i32.const 1101) "path_symlink(link)")
  (data (i32.const 1119) "link")
  (data (i32.const 1123) "fd_write iovs straddling the end")
  (data (i32.const 1155) "fd_write iovs past the end")
  (data (i32.const 1181) "fd_write iovs_len 0x10000000")
  (data (i32.const 1209) "fd_pwrite second iovec buffer past the end")
  (data (i32.const 1251) "fd_pwrite iovec buffer wrapping around")
  (data (i32.const 1289) "fd_pread into a buffer past the end")
  (data (i32.const 1324) "fd_read with iovs past the end")
  (data (i32.const 1354) "fd_pread nread pointer past the end")
  (data (i32.const 1389) "args_sizes_get argc past the end")
  (data (i32.const 1421) "args_sizes_get size straddling the end")
  (data (i32.const 1459) "args_get argv past the end")
  (data (i32.const 1485) "args_get argv_buf past the end")
  (data (i32.const 1515) "environ_sizes_get past the end")
  (data (i32.const 1545) "environ_get buf past the end")
  (data (i32.const 1573) "clock_time_get result past the end")
  (data (i32.const 1607) "clock_res_get result past the end")
  (data (i32.const 1640) "random_get buffer straddling the end")
  (data (i32.const 1676) "fd_prestat_get result past the end")
  (data (i32.const 1710) "fd_prestat_dir_name buffer straddling the end")
  (data (i32.const 1755) "fd_filestat_get result past the end")
  (data (i32.const 1790) "fd_fdstat_get result straddling the end")
  (data (i32.const 1829) "fd_seek result past the end")
  (data (i32.const 1856) "fd_tell result past the end")
  (data (i32.const 1883) "fd_readdir buffer straddling the end")
  (data (i32.const 1919) "path_readlink buffer straddling the end")
  (data (i32.const 1958) "path_filestat_get result past the end")
  (data (i32.const 1995) "path_open path straddling the end")
  (data (i32.const 2028) "path_create_directory path past the end")
  (data (i32.const 2067) "poll_oneoff subscriptions straddling the end")
  (data (i32.const 2111) "fd_filestat_get(data)")
  (data (i32.const 2132) "size of data")
)
