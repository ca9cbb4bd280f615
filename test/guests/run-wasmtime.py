#!/usr/bin/env python3
"""Run one guest under wasmtime (the reference for behaviour the spec leaves
open), with the same contract as run-node-wasi.mjs: argv [<name>.wasm, ...],
one preopen '/sandbox' -> fresh empty temp dir, stdin from $GUEST_STDIN,
env from $GUEST_ENV (JSON object).

Needs the `wasmtime` Python package (pip install wasmtime). Optional: only a
development aid for checking that the corpus encodes wasmtime's behaviour.

Usage: python3 test/guests/run-wasmtime.py <file.wasm> [args...]
       python3 test/guests/run-wasmtime.py --manifest <name>
Prints the guest's stdout, its stderr lines prefixed "stderr: ", then
"exit: <code>" or "trap: <message>". With --manifest, wasm/args/env/stdin
come from manifest.json.
"""
import json, os, shutil, sys, tempfile

import wasmtime


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    wasm, args = sys.argv[1], sys.argv[2:]
    stdin_text = os.environ.get("GUEST_STDIN", "")
    env = json.loads(os.environ.get("GUEST_ENV", "{}"))
    if wasm == "--manifest" and args:
        here = os.path.dirname(os.path.abspath(__file__))
        entry = next(e for e in json.load(open(os.path.join(here, "manifest.json"))) if e["name"] == args[0])
        wasm, args = os.path.join(here, entry["wasm"]), entry["args"]
        stdin_text, env = entry.get("stdin") or "", entry["env"]
    work = tempfile.mkdtemp(prefix="warden-wasmtime-")
    try:
        sandbox = tempfile.mkdtemp(prefix="root-", dir=work)
        paths = {k: os.path.join(work, k) for k in ("stdin", "stdout", "stderr")}
        with open(paths["stdin"], "w") as f:
            f.write(stdin_text)

        cfg = wasmtime.WasiConfig()
        cfg.argv = [os.path.basename(wasm)] + args
        cfg.env = list(env.items())
        cfg.stdin_file = paths["stdin"]
        cfg.stdout_file = paths["stdout"]
        cfg.stderr_file = paths["stderr"]
        cfg.preopen_dir(sandbox, "/sandbox")

        engine = wasmtime.Engine()
        store = wasmtime.Store(engine)
        store.set_wasi(cfg)
        linker = wasmtime.Linker(engine)
        linker.define_wasi()
        module = wasmtime.Module.from_file(engine, wasm)
        instance = linker.instantiate(store, module)
        start = instance.exports(store)["_start"]
        try:
            start(store)
            status = "exit: 0"
        except wasmtime.ExitTrap as e:
            status = f"exit: {e.code}"
        except (wasmtime.Trap, wasmtime.WasmtimeError) as e:
            msg = [l for l in str(e).splitlines() if l.strip()]
            status = "trap: " + (" | ".join(msg[-2:]) if msg else "")
        sys.stdout.write(open(paths["stdout"], encoding="utf-8", errors="replace").read())
        for line in open(paths["stderr"], encoding="utf-8", errors="replace").read().splitlines():
            print("stderr: " + line)
        print(status)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
