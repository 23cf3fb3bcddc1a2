"""Regenerate all Python code from protos/ into src/complaints (deleting the old first).

    python -m tools.gen_protos            # regenerate in place
    python -m tools.gen_protos --check    # fail if the committed code is stale
"""

from __future__ import annotations

import argparse
import filecmp
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROTOS = ROOT / "protos"
TARGET = ROOT / "src" / "complaints"


def generate(out_root: Path) -> Path:
    import grpc_tools
    from grpc_tools import protoc

    package = out_root / "complaints"
    if package.exists():
        shutil.rmtree(package)
    out_root.mkdir(parents=True, exist_ok=True)
    sources = sorted(str(path.relative_to(PROTOS)) for path in PROTOS.rglob("*.proto"))
    include = Path(grpc_tools.__file__).parent / "_proto"
    code = protoc.main(["grpc_tools.protoc", f"-I{PROTOS}", f"-I{include}", f"--python_out={out_root}",
                        f"--pyi_out={out_root}", f"--grpc_python_out={out_root}", *sources])
    if code != 0:
        raise SystemExit(f"protoc failed with exit code {code}")
    for folder in [package, *[p for p in package.rglob("*") if p.is_dir()]]:
        (folder / "__init__.py").write_text('"""Generated from protos/ by tools/gen_protos.py; do not edit."""\n')
    return package


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed code instead of writing")
    args = parser.parse_args()
    if not args.check:
        generate(TARGET.parent)
        print(f"generated {len(list(TARGET.rglob('*.py')))} modules into {TARGET.relative_to(ROOT)}")
        return
    with tempfile.TemporaryDirectory() as scratch:
        fresh = generate(Path(scratch))
        stale = _differences(fresh, TARGET)
    if stale:
        print("generated code is stale; run `make proto` and commit:", *stale, sep="\n  ", file=sys.stderr)
        raise SystemExit(1)
    print("generated code matches protos/")


def _differences(fresh: Path, committed: Path) -> list[str]:
    names = {p.relative_to(fresh) for p in fresh.rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    names |= {p.relative_to(committed) for p in committed.rglob("*") if p.is_file() and "__pycache__" not in p.parts} if committed.exists() else set()
    return sorted(str(name) for name in names
                  if not (fresh / name).exists() or not (committed / name).exists()
                  or not filecmp.cmp(fresh / name, committed / name, shallow=False))


if __name__ == "__main__":
    main()
