#!/usr/bin/env python3
"""Generate test/security/wat/<name>.wat from test/security/wat/src/<name>.wat.in.

Same template language as test/guests/wat/src/gen.py (whose code this reuses):
(STR "text") -> (i32.const <offset>) (i32.const <length>), strings placed in
data segments from offset 1024 (and below 4096); (LINE), (FILE), (NAME).

Usage: python3 test/security/wat/src/gen.py [name ...]   (default: all templates)
The generated .wat files are committed; build.sh only needs wat2wasm.
"""
import importlib.util, os, sys

src_dir = os.path.dirname(os.path.abspath(__file__))
out_dir = os.path.dirname(src_dir)
spec = importlib.util.spec_from_file_location(
    'guests_gen', os.path.join(src_dir, '..', '..', '..', 'guests', 'wat', 'src', 'gen.py'))
gen = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gen)

names = sys.argv[1:] or sorted(f[:-len('.wat.in')] for f in os.listdir(src_dir) if f.endswith('.wat.in'))
for name in names:
    gen.main(os.path.join(src_dir, name + '.wat.in'), os.path.join(out_dir, name + '.wat'), name)
    print('generated wat/%s.wat' % name)
