"""Command line: ``python -m geo validate <layer> <file>``, ``python -m geo build-data`` and
``python -m geo registry ...`` (the registry's administration: geo/data/registry/cli.py)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from geo.data.schema import LAYERS
from geo.i18n import LANGS, t


def _validate(args: argparse.Namespace) -> int:
    from geo.data.loader import Context, load_bundled, validate_path

    if args.layer not in LAYERS:
        print(t("v.unknown_layer", args.lang, layer=args.layer, allowed=", ".join(LAYERS)), file=sys.stderr)
        return 2
    ctx = Context()
    if args.layer != "subdistricts":
        ctx = Context(subdistricts=load_bundled().subdistricts)
        if args.subdistricts:
            sub = validate_path("subdistricts", args.subdistricts)
            if not sub.ok:
                print("\n".join(sub.lines(args.lang)))
                return 1
            ctx = Context(subdistricts=sub.data)
    report = validate_path(args.layer, args.file, ctx)
    print("\n".join(report.lines(args.lang)))
    return 0 if report.ok else 1


def _build(args: argparse.Namespace) -> int:
    from geo.data.build_data import build

    for key, path in build(Path(args.out)).items():
        print(f"{key}: {path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m geo")
    sub = parser.add_subparsers(dest="cmd", required=True)
    v = sub.add_parser("validate", help="validate a layer file; exit 0 when valid, 1 when not")
    v.add_argument("layer", help=" | ".join(LAYERS))
    v.add_argument("file")
    v.add_argument("--subdistricts", help="check against this subdistricts file instead of the bundled one")
    v.add_argument("--lang", choices=LANGS, default="en")
    b = sub.add_parser("build-data", help="rebuild the bundled dataset")
    b.add_argument("--out", default=str(Path(__file__).resolve().parent.parent / "data"))
    from geo.data.registry.cli import add_parser, run

    add_parser(sub)
    args = parser.parse_args(argv)
    if args.cmd == "registry":
        return run(args)
    if args.cmd != "validate":
        return _build(args)
    try:
        return _validate(args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        reason = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"
        print(t("v.internal", args.lang, reason=reason), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
