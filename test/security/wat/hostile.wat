;; hostile.wat - path_open, path_symlink, path_rename (and a few more) with
;; hostile raw pointers against the /box host preopen (fd 3: the test runs
;; it with a single --dir): strings that end exactly at the end of memory,
;; one byte past it, lengths that wrap around 2^32, overlapping inputs and
;; outputs, misaligned result pointers, whole-memory strings, and the same
;; after memory.grow. The host must answer every call with an errno (no
;; trap, no crash) and nothing outside the box may change.
;;
;; Output: one "attempt <kind> <op> -: errno <n>" line per call (the label is
;; always "-"), then "done hostile <count>". Kinds (mapped to errnos by
;; escape.test.ts):
;;   fault      fault (21): a pointer/length outside memory (never wrapped)
;;   misalign   inval (28) or fault (21): a misaligned result pointer
;;   escape     perm (63) / notcapable (76)
;;   bad-string inval (28), ilseq (25), nametoolong (37): a whole page of
;;              memory (NULs, random bytes) as a path
;;   ilseq      ilseq (25): a string starting inside a UTF-8 sequence
;;   noent      noent (44): nothing was created by a refused call
;;   ok         0: in-bounds calls whose inputs/outputs overlap still work
;;   loop       loop (32)
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $fd_close (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_symlink" (func $path_symlink (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_rename" (func $path_rename (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_filestat_get" (func $path_filestat_get (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_unlink_file" (func $path_unlink_file (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_readlink" (func $path_readlink (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_link" (func $path_link (param i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)

  ;; memory map: 0..15 iovec + nwritten for $print, 16..63 number buffer,
  ;; 1024..4095 strings, 4096.. result slots, 8192.. scratch, the last
  ;; bytes of memory for the end-of-memory cases.
  (global $attempts (mut i32) (i32.const 0))

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

  ;; "attempt <kind> <op> -: errno <n>\n"
  (func $report (param $kind i32) (param $kind_len i32) (param $op i32) (param $op_len i32) (param $errno i32)
    (global.set $attempts (i32.add (global.get $attempts) (i32.const 1)))
    (call $print (i32.const 1024) (i32.const 8) (; "attempt " ;))
    (call $print (local.get $kind) (local.get $kind_len))
    (call $print (i32.const 1032) (i32.const 1) (; " " ;))
    (call $print (local.get $op) (local.get $op_len))
    (call $print (i32.const 1033) (i32.const 10) (; " -: errno " ;))
    (call $print_u32 (local.get $errno))
    (call $print (i32.const 1043) (i32.const 1) (; "\n" ;)))

  ;; copy len bytes from src to dst (byte loop: no bulk-memory needed)
  (func $put (param $dst i32) (param $src i32) (param $len i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $len)))
        (i32.store8 (local.get $dst) (i32.load8_u (local.get $src)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 1)))
        (local.set $src (i32.add (local.get $src) (i32.const 1)))
        (local.set $len (i32.sub (local.get $len) (i32.const 1)))
        (br $next))))

  ;; memory size in bytes
  (func $end (result i32) (i32.mul (memory.size) (i32.const 65536)))

  ;; path_open(3, follow, ptr, len, oflags, rights 0x1fffffff) with the result at $out
  (func $open (param $ptr i32) (param $len i32) (param $oflags i32) (param $out i32) (result i32)
    (call $path_open (i32.const 3) (i32.const 1) (local.get $ptr) (local.get $len) (local.get $oflags)
      (i64.const 0x46) (i64.const 0) (i32.const 0) (local.get $out)))

  ;; close the fd stored at $out if the call that filled it succeeded
  (func $close_if_ok (param $errno i32) (param $out i32) (result i32)
    (if (i32.eqz (local.get $errno)) (then (drop (call $fd_close (i32.load (local.get $out))))))
    (local.get $errno))

  (func $tail (param $n i32) (result i32) (i32.sub (call $end) (local.get $n)))

  (func (export "_start")
    (local $p i32)
    (local $e i32)

    ;; ---- strings that end exactly at the end of memory ----------------
    (call $put (call $tail (i32.const 13)) (i32.const 1044) (i32.const 13) (; "../canary.txt" ;))
    (call $report (i32.const 1057) (i32.const 6) (; "escape" ;) (i32.const 1063) (i32.const 18) (; "open-escape-at-end" ;)
      (call $close_if_ok (call $open (call $tail (i32.const 13)) (i32.const 13) (i32.const 0) (i32.const 4096)) (i32.const 4096)))
    (call $report (i32.const 1057) (i32.const 6) (; "escape" ;) (i32.const 1081) (i32.const 19) (; "creat-escape-at-end" ;)
      (call $close_if_ok (call $open (call $tail (i32.const 13)) (i32.const 13) (i32.const 1) (i32.const 4096)) (i32.const 4096)))
    (call $report (i32.const 1057) (i32.const 6) (; "escape" ;) (i32.const 1100) (i32.const 25) (; "symlink-new-escape-at-end" ;)
      (call $path_symlink (i32.const 1125) (i32.const 10) (; "inside.txt" ;) (i32.const 3) (call $tail (i32.const 13)) (i32.const 13)))
    (call $report (i32.const 1057) (i32.const 6) (; "escape" ;) (i32.const 1135) (i32.const 23) (; "rename-to-escape-at-end" ;)
      (call $path_rename (i32.const 3) (i32.const 1158) (i32.const 13) (; "victim-in.txt" ;) (i32.const 3) (call $tail (i32.const 13)) (i32.const 13)))
    (call $report (i32.const 1057) (i32.const 6) (; "escape" ;) (i32.const 1171) (i32.const 25) (; "rename-from-escape-at-end" ;)
      (call $path_rename (i32.const 3) (call $tail (i32.const 13)) (i32.const 13) (i32.const 3) (i32.const 1196) (i32.const 6) (; "stolen" ;)))
    (call $report (i32.const 1057) (i32.const 6) (; "escape" ;) (i32.const 1202) (i32.const 23) (; "link-from-escape-at-end" ;)
      (call $path_link (i32.const 3) (i32.const 0) (call $tail (i32.const 13)) (i32.const 13) (i32.const 3) (i32.const 1196) (i32.const 6) (; "stolen" ;)))

    (call $put (call $tail (i32.const 10)) (i32.const 1125) (i32.const 10) (; "inside.txt" ;))
    (call $report (i32.const 1225) (i32.const 2) (; "ok" ;) (i32.const 1227) (i32.const 18) (; "open-inside-at-end" ;)
      (call $close_if_ok (call $open (call $tail (i32.const 10)) (i32.const 10) (i32.const 0) (i32.const 4096)) (i32.const 4096)))
    ;; the result slot itself in the last 4 bytes
    (call $report (i32.const 1225) (i32.const 2) (; "ok" ;) (i32.const 1245) (i32.const 27) (; "open-result-in-last-4-bytes" ;)
      (call $close_if_ok (call $open (i32.const 1125) (i32.const 10) (; "inside.txt" ;) (i32.const 0) (call $tail (i32.const 4))) (call $tail (i32.const 4))))

    ;; ---- one byte past the end, and lengths that wrap around 2^32 -----
    (call $report (i32.const 1272) (i32.const 5) (; "fault" ;) (i32.const 1277) (i32.const 17) (; "open-one-past-end" ;)
      (call $open (call $tail (i32.const 10)) (i32.const 11) (i32.const 0) (i32.const 4096)))
    (call $report (i32.const 1272) (i32.const 5) (; "fault" ;) (i32.const 1294) (i32.const 17) (; "open-len-ffffffff" ;)
      (call $open (call $tail (i32.const 10)) (i32.const -1) (i32.const 0) (i32.const 4096)))
    (call $report (i32.const 1272) (i32.const 5) (; "fault" ;) (i32.const 1311) (i32.const 17) (; "open-ptr-ffffffff" ;)
      (call $open (i32.const -1) (i32.const 1) (i32.const 0) (i32.const 4096)))
    (call $report (i32.const 1272) (i32.const 5) (; "fault" ;) (i32.const 1328) (i32.const 17) (; "open-ptr-len-wrap" ;)
      (call $open (i32.const 0xfffffff0) (i32.const 0x20) (i32.const 0) (i32.const 4096)))
    (call $report (i32.const 1272) (i32.const 5) (; "fault" ;) (i32.const 1345) (i32.const 21) (; "open-ptr-at-end-len-1" ;)
      (call $open (call $end) (i32.const 1) (i32.const 0) (i32.const 4096)))
    (call $report (i32.const 1272) (i32.const 5) (; "fault" ;) (i32.const 1366) (i32.const 21) (; "creat-result-past-end" ;)
      (call $open (i32.const 1387) (i32.const 18) (; "created-badptr.txt" ;) (i32.const 1) (call $end)))
    (call $report (i32.const 1272) (i32.const 5) (; "fault" ;) (i32.const 1405) (i32.const 18) (; "creat-result-wraps" ;)
      (call $open (i32.const 1387) (i32.const 18) (; "created-badptr.txt" ;) (i32.const 1) (i32.const 0xfffffffc)))
    (call $report (i32.const 1272) (i32.const 5) (; "fault" ;) (i32.const 1423) (i32.const 26) (; "creat-result-straddles-end" ;)
      (call $open (i32.const 1387) (i32.const 18) (; "created-badptr.txt" ;) (i32.const 1) (call $tail (i32.const 2))))
    (call $report (i32.const 1449) (i32.const 5) (; "noent" ;) (i32.const 1454) (i32.const 33) (; "nothing-created-by-bad-result-ptr" ;)
      (call $path_filestat_get (i32.const 3) (i32.const 0) (i32.const 1387) (i32.const 18) (; "created-badptr.txt" ;) (i32.const 4096)))
    (call $report (i32.const 1487) (i32.const 8) (; "misalign" ;) (i32.const 1495) (i32.const 23) (; "creat-result-misaligned" ;)
      (call $close_if_ok (call $open (i32.const 1518) (i32.const 22) (; "created-misaligned.txt" ;) (i32.const 1) (i32.const 4097)) (i32.const 4097)))
    (call $report (i32.const 1272) (i32.const 5) (; "fault" ;) (i32.const 1540) (i32.const 20) (; "symlink-old-past-end" ;)
      (call $path_symlink (call $tail (i32.const 10)) (i32.const 11) (i32.const 3) (i32.const 1560) (i32.const 7) (; "sym-bad" ;)))
    (call $report (i32.const 1272) (i32.const 5) (; "fault" ;) (i32.const 1567) (i32.const 20) (; "symlink-new-past-end" ;)
      (call $path_symlink (i32.const 1125) (i32.const 10) (; "inside.txt" ;) (i32.const 3) (call $tail (i32.const 10)) (i32.const 11)))
    (call $report (i32.const 1272) (i32.const 5) (; "fault" ;) (i32.const 1587) (i32.const 17) (; "symlink-new-wraps" ;)
      (call $path_symlink (i32.const 1125) (i32.const 10) (; "inside.txt" ;) (i32.const 3) (i32.const 0xfffffffe) (i32.const 4)))
    (call $report (i32.const 1272) (i32.const 5) (; "fault" ;) (i32.const 1604) (i32.const 19) (; "rename-new-past-end" ;)
      (call $path_rename (i32.const 3) (i32.const 1158) (i32.const 13) (; "victim-in.txt" ;) (i32.const 3) (call $tail (i32.const 10)) (i32.const 11)))
    (call $report (i32.const 1272) (i32.const 5) (; "fault" ;) (i32.const 1623) (i32.const 16) (; "rename-old-wraps" ;)
      (call $path_rename (i32.const 3) (i32.const 0xffffffff) (i32.const 2) (i32.const 3) (i32.const 1639) (i32.const 7) (; "renamed" ;)))
    (call $report (i32.const 1225) (i32.const 2) (; "ok" ;) (i32.const 1646) (i32.const 35) (; "victim-still-there-after-bad-rename" ;)
      (call $path_filestat_get (i32.const 3) (i32.const 0) (i32.const 1158) (i32.const 13) (; "victim-in.txt" ;) (i32.const 4096)))
    (call $report (i32.const 1272) (i32.const 5) (; "fault" ;) (i32.const 1681) (i32.const 21) (; "readlink-buf-past-end" ;)
      (call $path_readlink (i32.const 3) (i32.const 1702) (i32.const 2) (; "up" ;) (call $tail (i32.const 1)) (i32.const 2) (i32.const 4096)))
    (call $report (i32.const 1272) (i32.const 5) (; "fault" ;) (i32.const 1704) (i32.const 26) (; "filestat-buf-straddles-end" ;)
      (call $path_filestat_get (i32.const 3) (i32.const 0) (i32.const 1125) (i32.const 10) (; "inside.txt" ;) (call $tail (i32.const 32))))

    ;; ---- overlapping inputs and outputs --------------------------------
    ;; the result fd written over the path it was opened with
    (call $put (i32.const 8192) (i32.const 1125) (i32.const 10) (; "inside.txt" ;))
    (call $report (i32.const 1225) (i32.const 2) (; "ok" ;) (i32.const 1730) (i32.const 21) (; "open-result-over-path" ;)
      (call $close_if_ok (call $open (i32.const 8192) (i32.const 10) (i32.const 0) (i32.const 8192)) (i32.const 8192)))
    (call $put (i32.const 8192) (i32.const 1751) (i32.const 15) (; "ovl-created.txt" ;))
    (call $report (i32.const 1225) (i32.const 2) (; "ok" ;) (i32.const 1766) (i32.const 24) (; "creat-result-inside-path" ;)
      (call $close_if_ok (call $open (i32.const 8192) (i32.const 15) (i32.const 1) (i32.const 8196)) (i32.const 8196)))
    ;; old and new path of a symlink are the same bytes: a self-loop
    (call $report (i32.const 1225) (i32.const 2) (; "ok" ;) (i32.const 1790) (i32.const 18) (; "symlink-old-is-new" ;)
      (call $path_symlink (i32.const 1808) (i32.const 8) (; "sym-same" ;) (i32.const 3) (i32.const 1808) (i32.const 8) (; "sym-same" ;)))
    (call $report (i32.const 1816) (i32.const 4) (; "loop" ;) (i32.const 1820) (i32.const 23) (; "open-symlink-old-is-new" ;)
      (call $close_if_ok (call $open (i32.const 1808) (i32.const 8) (; "sym-same" ;) (i32.const 0) (i32.const 4096)) (i32.const 4096)))
    ;; new path is a suffix of old: "canary.txt" -> "../canary.txt"
    (call $put (i32.const 8448) (i32.const 1044) (i32.const 13) (; "../canary.txt" ;))
    (call $report (i32.const 1225) (i32.const 2) (; "ok" ;) (i32.const 1843) (i32.const 28) (; "symlink-new-is-suffix-of-old" ;)
      (call $path_symlink (i32.const 8448) (i32.const 13) (i32.const 3) (i32.const 8451) (i32.const 10)))
    (call $report (i32.const 1057) (i32.const 6) (; "escape" ;) (i32.const 1871) (i32.const 27) (; "open-through-suffix-symlink" ;)
      (call $close_if_ok (call $open (i32.const 8451) (i32.const 10) (i32.const 0) (i32.const 4096)) (i32.const 4096)))
    (call $report (i32.const 1057) (i32.const 6) (; "escape" ;) (i32.const 1898) (i32.const 34) (; "creat-trunc-through-suffix-symlink" ;)
      (call $close_if_ok (call $open (i32.const 8451) (i32.const 10) (i32.const 9) (i32.const 4096)) (i32.const 4096)))
    ;; rename with old == new (same pointer): a no-op
    (call $report (i32.const 1225) (i32.const 2) (; "ok" ;) (i32.const 1932) (i32.const 17) (; "rename-old-is-new" ;)
      (call $path_rename (i32.const 3) (i32.const 1158) (i32.const 13) (; "victim-in.txt" ;) (i32.const 3) (i32.const 1158) (i32.const 13) (; "victim-in.txt" ;)))
    ;; rename whose new name is a suffix of the old one, and back
    (call $put (i32.const 8704) (i32.const 1158) (i32.const 13) (; "victim-in.txt" ;))
    (call $report (i32.const 1225) (i32.const 2) (; "ok" ;) (i32.const 1949) (i32.const 27) (; "rename-new-is-suffix-of-old" ;)
      (call $path_rename (i32.const 3) (i32.const 8704) (i32.const 13) (i32.const 3) (i32.const 8711) (i32.const 6)))
    (call $report (i32.const 1225) (i32.const 2) (; "ok" ;) (i32.const 1976) (i32.const 11) (; "rename-back" ;)
      (call $path_rename (i32.const 3) (i32.const 8711) (i32.const 6) (i32.const 3) (i32.const 8704) (i32.const 13)))
    ;; readlink's buffer and result slot over its own path
    (call $put (i32.const 8960) (i32.const 1702) (i32.const 2) (; "up" ;))
    (call $report (i32.const 1225) (i32.const 2) (; "ok" ;) (i32.const 1987) (i32.const 22) (; "readlink-into-own-path" ;)
      (call $path_readlink (i32.const 3) (i32.const 8960) (i32.const 2) (i32.const 8960) (i32.const 64) (i32.const 8960)))

    ;; ---- strings that are not strings ---------------------------------
    (call $report (i32.const 2009) (i32.const 10) (; "bad-string" ;) (i32.const 2019) (i32.const 23) (; "open-whole-page-as-path" ;)
      (call $close_if_ok (call $open (i32.const 0) (i32.const 65536) (i32.const 0) (i32.const 4096)) (i32.const 4096)))
    (call $report (i32.const 2009) (i32.const 10) (; "bad-string" ;) (i32.const 2042) (i32.const 28) (; "symlink-whole-page-as-target" ;)
      (call $path_symlink (i32.const 0) (i32.const 65536) (i32.const 3) (i32.const 2070) (i32.const 8) (; "sym-page" ;)))
    (call $put (i32.const 9216) (i32.const 2078) (i32.const 20) (; "\e2\9c\93/../../canary.txt" ;))
    (call $report (i32.const 2098) (i32.const 5) (; "ilseq" ;) (i32.const 2103) (i32.const 22) (; "open-starting-mid-utf8" ;)
      (call $close_if_ok (call $open (i32.const 9217) (i32.const 18) (i32.const 0) (i32.const 4096)) (i32.const 4096)))

    ;; ---- after memory.grow: the new end of memory ---------------------
    (drop (memory.grow (i32.const 1)))
    (call $put (call $tail (i32.const 13)) (i32.const 1044) (i32.const 13) (; "../canary.txt" ;))
    (call $report (i32.const 1057) (i32.const 6) (; "escape" ;) (i32.const 2125) (i32.const 24) (; "open-escape-at-grown-end" ;)
      (call $close_if_ok (call $open (call $tail (i32.const 13)) (i32.const 13) (i32.const 0) (i32.const 4096)) (i32.const 4096)))
    (call $put (call $tail (i32.const 10)) (i32.const 1125) (i32.const 10) (; "inside.txt" ;))
    (call $report (i32.const 1225) (i32.const 2) (; "ok" ;) (i32.const 2149) (i32.const 24) (; "open-inside-at-grown-end" ;)
      (call $close_if_ok (call $open (call $tail (i32.const 10)) (i32.const 10) (i32.const 0) (call $tail (i32.const 16))) (call $tail (i32.const 16))))
    (call $report (i32.const 1272) (i32.const 5) (; "fault" ;) (i32.const 2173) (i32.const 19) (; "open-past-grown-end" ;)
      (call $open (call $tail (i32.const 10)) (i32.const 11) (i32.const 0) (i32.const 4096)))

    (call $print (i32.const 2192) (i32.const 13) (; "done hostile " ;))
    (call $print_u32 (global.get $attempts))
    (call $print (i32.const 1043) (i32.const 1) (; "\n" ;)))

  (data (i32.const 1024) "attempt ")
  (data (i32.const 1032) " ")
  (data (i32.const 1033) " -: errno ")
  (data (i32.const 1043) "\0a")
  (data (i32.const 1044) "../canary.txt")
  (data (i32.const 1057) "escape")
  (data (i32.const 1063) "open-escape-at-end")
  (data (i32.const 1081) "creat-escape-at-end")
  (data (i32.const 1100) "symlink-new-escape-at-end")
  (data (i32.const 1125) "inside.txt")
  (data (i32.const 1135) "rename-to-escape-at-end")
  (data (i32.const 1158) "victim-in.txt")
  (data (i32.const 1171) "rename-from-escape-at-end")
  (data (i32.const 1196) "stolen")
  (data (i32.const 1202) "link-from-escape-at-end")
  (data (i32.const 1225) "ok")
  (data (i32.const 1227) "open-inside-at-end")
  (data (i32.const 1245) "open-result-in-last-4-bytes")
  (data (i32.const 1272) "fault")
  (data (i32.const 1277) "open-one-past-end")
  (data (i32.const 1294) "open-len-ffffffff")
  (data (i32.const 1311) "open-ptr-ffffffff")
  (data (i32.const 1328) "open-ptr-len-wrap")
  (data (i32.const 1345) "open-ptr-at-end-len-1")
  (data (i32.const 1366) "creat-result-past-end")
  (data (i32.const 1387) "created-badptr.txt")
  (data (i32.const 1405) "creat-result-wraps")
  (data (i32.const 1423) "creat-result-straddles-end")
  (data (i32.const 1449) "noent")
  (data (i32.const 1454) "nothing-created-by-bad-result-ptr")
  (data (i32.const 1487) "misalign")
  (data (i32.const 1495) "creat-result-misaligned")
  (data (i32.const 1518) "created-misaligned.txt")
  (data (i32.const 1540) "symlink-old-past-end")
  (data (i32.const 1560) "sym-bad")
  (data (i32.const 1567) "symlink-new-past-end")
  (data (i32.const 1587) "symlink-new-wraps")
  (data (i32.const 1604) "rename-new-past-end")
  (data (i32.const 1623) "rename-old-wraps")
  (data (i32.const 1639) "renamed")
  (data (i32.const 1646) "victim-still-there-after-bad-rename")
  (data (i32.const 1681) "readlink-buf-past-end")
  (data (i32.const 1702) "up")
  (data (i32.const 1704) "filestat-buf-straddles-end")
  (data (i32.const 1730) "open-result-over-path")
  (data (i32.const 1751) "ovl-created.txt")
  (data (i32.const 1766) "creat-result-inside-path")
  (data (i32.const 1790) "symlink-old-is-new")
  (data (i32.const 1808) "sym-same")
  (data (i32.const 1816) "loop")
  (data (i32.const 1820) "open-symlink-old-is-new")
  (data (i32.const 1843) "symlink-new-is-suffix-of-old")
  (data (i32.const 1871) "open-through-suffix-symlink")
  (data (i32.const 1898) "creat-trunc-through-suffix-symlink")
  (data (i32.const 1932) "rename-old-is-new")
  (data (i32.const 1949) "rename-new-is-suffix-of-old")
  (data (i32.const 1976) "rename-back")
  (data (i32.const 1987) "readlink-into-own-path")
  (data (i32.const 2009) "bad-string")
  (data (i32.const 2019) "open-whole-page-as-path")
  (data (i32.const 2042) "symlink-whole-page-as-target")
  (data (i32.const 2070) "sym-page")
  (data (i32.const 2078) "\e2\9c\93/../../canary.txt")
  (data (i32.const 2098) "ilseq")
  (data (i32.const 2103) "open-starting-mid-utf8")
  (data (i32.const 2125) "open-escape-at-grown-end")
  (data (i32.const 2149) "open-inside-at-grown-end")
  (data (i32.const 2173) "open-past-grown-end")
  (data (i32.const 2192) "done hostile ")
)
