#!/usr/bin/env python3
"""Generate test/guests/wat/<name>.wat from test/guests/wat/src/<name>.wat.in.

The templates are plain WAT plus four conveniences:
  (LINE)       -> (i32.const <line number of this line in the output .wat>)
  (STR "text") -> (i32.const <offset>) (i32.const <length>) (; "text" ;)
                  with "text" placed in a data segment at offset >= 1024
  (FILE) / (NAME) -> (STR "<name>.wat") / (STR "<name>")
  @HELPERS@    -> the shared $print/$expect/$finish helpers (see HELPERS)
  @DATA@       -> the data segments for every (STR ...)

Usage: python3 test/guests/wat/src/gen.py [name ...]   (default: all templates)
The generated .wat files are committed; build.sh only needs wat2wasm.
"""
import os, re, sys

HELPERS = r'''
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
    (call $print (STR "FAIL "))
    (call $print (FILE))
    (call $print (STR ":"))
    (call $print_u32 (local.get $line))
    (call $print (STR ": "))
    (call $print (local.get $what) (local.get $what_len))
    (call $print (STR " (got "))
    (call $print_u32 (local.get $got))
    (call $print (STR " want "))
    (call $print_u32 (local.get $want))
    (if (i32.ne (local.get $want2) (i32.const -1))
      (then (call $print (STR " or ")) (call $print_u32 (local.get $want2))))
    (if (i32.ne (local.get $want3) (i32.const -1))
      (then (call $print (STR " or ")) (call $print_u32 (local.get $want3))))
    (call $print (STR ")\n")))

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
    (call $print (STR "ok "))
    (call $print (NAME))
    (call $print (STR "\n")))
  ;; ----------------------------------------------------------------------
'''

def wat_escape(b):
    out = []
    for c in b:
        if 32 <= c < 127 and c not in (0x22, 0x5c):
            out.append(chr(c))
        else:
            out.append('\\%02x' % c)
    return ''.join(out)

def main(src, dst, name):
    text = open(src).read().replace('@HELPERS@', HELPERS)
    strings = {}
    base = 1024
    def intern(raw):
        # raw is the WAT string body with escapes; decode to bytes
        b = bytearray()
        i = 0
        while i < len(raw):
            if raw[i] == '\\':
                nx = raw[i+1]
                if nx == 'n': b.append(10); i += 2
                elif nx == 't': b.append(9); i += 2
                elif nx == '"': b.append(34); i += 2
                elif nx == '\\': b.append(92); i += 2
                else: b.append(int(raw[i+1:i+3], 16)); i += 3
            else:
                b.extend(raw[i].encode()); i += 1
        b = bytes(b)
        if b not in strings:
            off = base + sum(len(k) for k in strings)
            strings[b] = off
        return strings[b], len(b)
    lines = text.split('\n')
    out = []
    for n, line in enumerate(lines, 1):
        line = line.replace('(LINE)', '(i32.const %d)' % n)
        line = line.replace('(FILE)', '(STR "%s.wat")' % name).replace('(NAME)', '(STR "%s")' % name)
        def sub(m):
            off, ln = intern(m.group(1))
            return '(i32.const %d) (i32.const %d) (; "%s" ;)' % (off, ln, m.group(1))
        line = re.sub(r'\(STR "((?:[^"\\]|\\.)*)"\)', sub, line)
        out.append(line)
    text = '\n'.join(out)
    data = []
    for b, off in sorted(strings.items(), key=lambda kv: kv[1]):
        data.append('  (data (i32.const %d) "%s")' % (off, wat_escape(b)))
    assert base + sum(len(k) for k in strings) < 4096, 'strings overflow into 4096'
    text = text.replace('  @DATA@', '\n'.join(data))
    open(dst, 'w').write(text)

if __name__ == '__main__':
    src_dir = os.path.dirname(os.path.abspath(__file__))
    out_dir = os.path.dirname(src_dir)
    names = sys.argv[1:] or sorted(f[:-len('.wat.in')] for f in os.listdir(src_dir) if f.endswith('.wat.in'))
    for name in names:
        main(os.path.join(src_dir, name + '.wat.in'), os.path.join(out_dir, name + '.wat'), name)
        print('generated wat/%s.wat' % name)
