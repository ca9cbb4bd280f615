;; bad_enums.wat - enum and flag arguments with values the witx does not
;; define, and contradictory fstflags.
;;
;; Warden contract: errno `inval` (28) for an unknown whence, clockid,
;; advice, or subscription event type / clock id, and for fstflags that ask
;; for both SET and NOW of the same timestamp (wasi-testsuite
;; fstflags_validate / path_filestat).
;; NOTE: wasmtime agrees on the fstflags and on values read from memory
;; (subscriptions), but traps when an out-of-range enum arrives as a direct
;; argument (whence, clockid, advice); the spec says nothing. See README.md.
;; For poll_oneoff either the call fails with inval or it succeeds and the
;; event for that subscription carries inval.
;;
;; Reports like the C programs; <line> in FAIL lines is this file's line.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_seek" (func $fd_seek (param i32 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_advise" (func $fd_advise (param i32 i64 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_filestat_get" (func $fd_filestat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_filestat_set_times" (func $fd_filestat_set_times (param i32 i64 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_filestat_set_times" (func $path_filestat_set_times (param i32 i32 i32 i32 i64 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock_time_get (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_res_get" (func $clock_res_get (param i32 i32) (result i32)))
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
    (call $print (i32.const 1029) (i32.const 13) (; "bad_enums.wat" ;))
    (call $print (i32.const 1042) (i32.const 1) (; ":" ;))
    (call $print_u32 (local.get $line))
    (call $print (i32.const 1043) (i32.const 2) (; ": " ;))
    (call $print (local.get $what) (local.get $what_len))
    (call $print (i32.const 1045) (i32.const 6) (; " (got " ;))
    (call $print_u32 (local.get $got))
    (call $print (i32.const 1051) (i32.const 6) (; " want " ;))
    (call $print_u32 (local.get $want))
    (if (i32.ne (local.get $want2) (i32.const -1))
      (then (call $print (i32.const 1057) (i32.const 4) (; " or " ;)) (call $print_u32 (local.get $want2))))
    (if (i32.ne (local.get $want3) (i32.const -1))
      (then (call $print (i32.const 1057) (i32.const 4) (; " or " ;)) (call $print_u32 (local.get $want3))))
    (call $print (i32.const 1061) (i32.const 2) (; ")\n" ;)))

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
    (call $print (i32.const 1063) (i32.const 3) (; "ok " ;))
    (call $print (i32.const 1066) (i32.const 9) (; "bad_enums" ;))
    (call $print (i32.const 1075) (i32.const 1) (; "\n" ;)))
  ;; ----------------------------------------------------------------------

  ;; poll_oneoff on the single subscription at 4096 (48 bytes); events at
  ;; 4608. Accept: call -> inval, or call ok + one event with error inval.
  (func $poll_expect_inval (param $line i32) (param $what i32) (param $what_len i32)
    (local $r i32)
    (i32.store (i32.const 128) (i32.const 0))
    (local.set $r (call $poll_oneoff (i32.const 4096) (i32.const 4608) (i32.const 1) (i32.const 128)))
    (if (i32.eqz (local.get $r))
      (then
        (call $expect (local.get $line) (local.get $what) (local.get $what_len)
          (i32.load (i32.const 128)) (i32.const 1))
        (call $expect (local.get $line) (local.get $what) (local.get $what_len)
          (i32.load16_u (i32.const 4616)) (i32.const 28)))
      (else
        (call $expect (local.get $line) (local.get $what) (local.get $what_len)
          (local.get $r) (i32.const 28)))))

  (func (export "_start")
    (local $fd i32)
    (call $expect (i32.const 122) (i32.const 1076) (i32.const 12) (; "path_open(f)" ;)
      (call $path_open (i32.const 3) (i32.const 0) (i32.const 1088) (i32.const 1) (; "f" ;) (i32.const 1)
        (i64.const 0x8e001ff) (i64.const 0) (i32.const 0) (i32.const 64)) (i32.const 0))
    (local.set $fd (i32.load (i32.const 64)))

    ;; fstflags: ATIM (1) with ATIM_NOW (2), MTIM (4) with MTIM_NOW (8)
    (call $expect (i32.const 128) (i32.const 1089) (i32.const 22) (; "fd_filestat_get before" ;)
      (call $fd_filestat_get (local.get $fd) (i32.const 256)) (i32.const 0))
    (call $expect (i32.const 130) (i32.const 1111) (i32.const 35) (; "fd_filestat_set_times ATIM|ATIM_NOW" ;)
      (call $fd_filestat_set_times (local.get $fd) (i64.const 100) (i64.const 200) (i32.const 3)) (i32.const 28))
    (call $expect (i32.const 132) (i32.const 1146) (i32.const 35) (; "fd_filestat_set_times MTIM|MTIM_NOW" ;)
      (call $fd_filestat_set_times (local.get $fd) (i64.const 100) (i64.const 200) (i32.const 12)) (i32.const 28))
    (call $expect (i32.const 134) (i32.const 1181) (i32.const 30) (; "fd_filestat_set_times all four" ;)
      (call $fd_filestat_set_times (local.get $fd) (i64.const 100) (i64.const 200) (i32.const 15)) (i32.const 28))
    (call $expect (i32.const 136) (i32.const 1211) (i32.const 21) (; "fd_filestat_get after" ;)
      (call $fd_filestat_get (local.get $fd) (i32.const 320)) (i32.const 0))
    (call $expect (i32.const 138) (i32.const 1232) (i32.const 28) (; "mtim unchanged (low 32 bits)" ;)
      (i32.load (i32.const 368)) (i32.load (i32.const 304)))
    (call $expect (i32.const 140) (i32.const 1260) (i32.const 28) (; "atim unchanged (low 32 bits)" ;)
      (i32.load (i32.const 360)) (i32.load (i32.const 296)))

    ;; poll_oneoff: unknown event type (tag 3) and unknown clock id (77)
    (i64.store (i32.const 4096) (i64.const 7))          ;; userdata
    (i32.store8 (i32.const 4104) (i32.const 3))         ;; tag
    (i32.store (i32.const 4112) (i32.const 1))          ;; clock id / fd
    (i64.store (i32.const 4120) (i64.const 1000))       ;; timeout
    (i64.store (i32.const 4128) (i64.const 0))          ;; precision
    (i32.store16 (i32.const 4136) (i32.const 0))        ;; flags
    (call $poll_expect_inval (i32.const 150) (i32.const 1288) (i32.const 24) (; "poll_oneoff event type 3" ;))
    (i32.store8 (i32.const 4104) (i32.const 0))
    (i32.store (i32.const 4112) (i32.const 77))
    (call $poll_expect_inval (i32.const 153) (i32.const 1312) (i32.const 23) (; "poll_oneoff clock id 77" ;))

    ;; unknown direct enum arguments
    (call $expect (i32.const 156) (i32.const 1335) (i32.const 16) (; "fd_seek whence 3" ;)
      (call $fd_seek (local.get $fd) (i64.const 0) (i32.const 3) (i32.const 128)) (i32.const 28))
    (call $expect (i32.const 158) (i32.const 1351) (i32.const 18) (; "fd_seek whence 255" ;)
      (call $fd_seek (local.get $fd) (i64.const 0) (i32.const 255) (i32.const 128)) (i32.const 28))
    (call $expect (i32.const 160) (i32.const 1369) (i32.const 22) (; "clock_time_get clock 4" ;)
      (call $clock_time_get (i32.const 4) (i64.const 0) (i32.const 128)) (i32.const 28))
    (call $expect (i32.const 162) (i32.const 1391) (i32.const 31) (; "clock_time_get clock 0x7fffffff" ;)
      (call $clock_time_get (i32.const 0x7fffffff) (i64.const 0) (i32.const 128)) (i32.const 28))
    (call $expect (i32.const 164) (i32.const 1422) (i32.const 22) (; "clock_res_get clock 99" ;)
      (call $clock_res_get (i32.const 99) (i32.const 128)) (i32.const 28))
    (call $expect (i32.const 166) (i32.const 1444) (i32.const 18) (; "fd_advise advice 6" ;)
      (call $fd_advise (local.get $fd) (i64.const 0) (i64.const 0) (i32.const 6)) (i32.const 28))
    (call $expect (i32.const 168) (i32.const 1462) (i32.const 20) (; "fd_advise advice 255" ;)
      (call $fd_advise (local.get $fd) (i64.const 0) (i64.const 0) (i32.const 255)) (i32.const 28))

    ;; last: path_filestat_set_times MTIM|MTIM_NOW (node:wasi leaves fd 3
    ;; locked after this error, so no fd 3 call may follow it)
    (call $expect (i32.const 173) (i32.const 1482) (i32.const 37) (; "path_filestat_set_times MTIM|MTIM_NOW" ;)
      (call $path_filestat_set_times (i32.const 3) (i32.const 0) (i32.const 1088) (i32.const 1) (; "f" ;)
        (i64.const 0) (i64.const 0) (i32.const 12)) (i32.const 28))
    (call $finish))
  (data (i32.const 1024) "FAIL ")
  (data (i32.const 1029) "bad_enums.wat")
  (data (i32.const 1042) ":")
  (data (i32.const 1043) ": ")
  (data (i32.const 1045) " (got ")
  (data (i32.const 1051) " want ")
  (data (i32.const 1057) " or ")
  (data (i32.const 1061) ")\0a")
  (data (i32.const 1063) "ok ")
  (data (i32.const 1066) "bad_enums")
  (data (i32.const 1075) "\0a")
  (data (i32.const 1076) "path_open(f)")
  (data (i32.const 1088) "f")
  (data (i32.const 1089) "fd_filestat_get before")
  (data (i32.const 1111) "fd_filestat_set_times ATIM|ATIM_NOW")
  (data (i32.const 1146) "fd_filestat_set_times MTIM|MTIM_NOW")
  (data (i32.const 1181) "fd_filestat_set_times all four")
  (data (i32.const 1211) "fd_filestat_get after")
  (data (i32.const 1232) "mtim unchanged (low 32 bits)")
  (data (i32.const 1260) "atim unchanged (low 32 bits)")
  (data (i32.const 1288) "poll_oneoff event type 3")
  (data (i32.const 1312) "poll_oneoff clock id 77")
  (data (i32.const 1335) "fd_seek whence 3")
  (data (i32.const 1351) "fd_seek whence 255")
  (data (i32.const 1369) "clock_time_get clock 4")
  (data (i32.const 1391) "clock_time_get clock 0x7fffffff")
  (data (i32.const 1422) "clock_res_get clock 99")
  (data (i32.const 1444) "fd_advise advice 6")
  (data (i32.const 1462) "fd_advise advice 255")
  (data (i32.const 1482) "path_filestat_set_times MTIM|MTIM_NOW")
)
