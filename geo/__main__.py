"""Command line: ``python -m geo validate <layer> <file>``, ``python -m geo build-data``,
``python -m geo coverage-batch ...`` (coverage metrics for many units from GeoParquet files,
locally or on a dask cluster: geo/core/batch.py, geo/data/batch.py) and
``python -m geo registry ...`` (the registry's administration: geo/data/registry/cli.py)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from geo.data.schema import LAYERS
from geo.i18n import LANGS, t

if TYPE_CHECKING:
    from geo.core.batch import PartitionInfo, RunStart


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


def _radii(text: str) -> tuple[float, ...] | None:
    """``"300,500,1000"`` -> (300.0, 500.0, 1000.0); None when any part is not a positive number."""
    try:
        radii = tuple(float(p) for p in text.split(",") if p.strip())
    except ValueError:
        return None
    return radii if radii and all(r > 0 and r < float("inf") for r in radii) else None


def _positive_int(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"a whole number >= 1 is needed, got {text!r}")
    return n


def _batch_progress(lang: str, n_units: int) -> Callable[[RunStart | PartitionInfo], None]:
    """A progress callback printing one line per event to stderr."""
    from geo.core.batch import RunStart

    total = [0]
    done = [0]

    def show(event: RunStart | PartitionInfo) -> None:
        if isinstance(event, RunStart):
            total[0] = event.partitions
            line = t(
                "bt.start", lang, engine=event.engine, units=n_units, partitions=event.partitions, workers=event.workers
            )
            print(line, file=sys.stderr)
            if event.dashboard:
                print(t("bt.dashboard", lang, link=event.dashboard), file=sys.stderr)
            return
        done[0] += 1
        line = t(
            "bt.partition_done",
            lang,
            done=done[0],
            total=total[0],
            index=event.index,
            units=event.n_units,
            cells=f"{event.n_cells:,}",
            zones=", ".join(f"EPSG:{z}" for z in event.zones),
            seconds=event.seconds,
            rss=event.peak_rss_mb,
            worker=event.worker,
        )
        print(line, file=sys.stderr)

    return show


def _coverage_batch(args: argparse.Namespace) -> int:
    from geo.core import batch as bt
    from geo.data import batch as io

    lang = args.lang
    radii = _radii(args.radius)
    if radii is None:
        print(t("bt.usage.radius", lang, value=args.radius), file=sys.stderr)
        return 2
    if args.scheduler and args.engine != "dask":
        print(t("bt.usage.scheduler_local", lang), file=sys.stderr)
        return 2
    if args.scheduler and args.workers is not None:
        print(t("bt.usage.workers_scheduler", lang), file=sys.stderr)
        return 2
    try:
        params = bt.BatchParams(radii, args.mode, args.cell)
    except ValueError as exc:
        print(t("bt.usage.bad", lang, reason=str(exc)), file=sys.stderr)
        return 2
    out = Path(args.out)
    if not out.parent.is_dir():
        print(t("bt.usage.no_folder", lang, folder=str(out.parent)), file=sys.stderr)
        return 2
    missing = bt.dask_missing() if args.engine == "dask" else None
    if missing:
        print(t("bt.no_dask", lang, module=missing), file=sys.stderr)
        return 2

    units = io.read_units(args.units)
    reports = [units]
    codes = None if units.data is None else set(units.data["code"])
    points = io.read_points(args.points, codes)
    reports.append(points)
    population = io.read_population(args.population) if args.population else None
    if population is not None:
        reports.append(population)
    for rep in reports:
        if rep.issues or not rep.ok:
            print("\n".join(rep.lines(lang)))
    if not all(r.ok for r in reports) or units.data is None or points.data is None:
        return 1

    inputs = bt.prepare_inputs(units.data, points.data, None if population is None else population.data, params.cell_m)
    progress = _batch_progress(lang, inputs.n_units)
    try:
        if args.engine == "dask":
            result = bt.run_dask(inputs, params, args.partitions, args.scheduler, args.workers, progress)
        else:
            result = bt.run_local(inputs, params, args.partitions or 1, progress)
    except bt.DaskUnavailableError as exc:
        print(t("bt.no_dask", lang, module=exc.module), file=sys.stderr)
        return 2
    frame = io.output_frame(result, units.data)
    meta = io.run_metadata(result, params, {"units": units, "points": points, "population": population})
    io.write_output(frame, out, meta)
    print(
        t(
            "bt.written",
            lang,
            rows=len(frame),
            units=inputs.n_units,
            radii=len(radii),
            out=str(out),
            seconds=result.seconds,
        )
    )
    return 0


def _add_batch_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    c = sub.add_parser(
        "coverage-batch",
        help="coverage metrics per unit and radius for many units (GeoParquet in, GeoParquet out); "
        "exit 0 when written, 1 on invalid input, 2 on a usage error",
    )
    c.add_argument("--units", required=True, help="GeoParquet of unit polygons with code and name")
    c.add_argument("--points", required=True, help="GeoParquet of meal points (optional id, unit_code)")
    c.add_argument("--population", help="GeoParquet of population points or cells (pop_60plus and/or pop_total)")
    c.add_argument("--radius", default="300,500,1000", help="radii in metres, comma-separated (default 300,500,1000)")
    c.add_argument("--mode", choices=("straight", "walking"), default="straight")
    c.add_argument("--cell", type=float, default=100.0, help="demand-cell size in metres (default 100)")
    c.add_argument("--out", required=True, help="output GeoParquet (one row per unit and radius)")
    c.add_argument("--engine", choices=("local", "dask"), default="local")
    c.add_argument("--scheduler", help="address of an existing dask scheduler, e.g. tcp://host:8786")
    c.add_argument("--partitions", type=_positive_int, help="number of partitions (default: local 1, dask by workers)")
    c.add_argument("--workers", type=_positive_int, help="workers of the local dask cluster (default: CPU count)")
    c.add_argument("--lang", choices=LANGS, default="en")


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
    _add_batch_parser(sub)
    from geo.data.registry.cli import add_parser, run

    add_parser(sub)
    args = parser.parse_args(argv)
    if args.cmd == "registry":
        return run(args)
    if args.cmd == "build-data":
        return _build(args)
    command, internal = (_validate, "v.internal") if args.cmd == "validate" else (_coverage_batch, "bt.internal")
    try:
        return command(args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        reason = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"
        print(t(internal, args.lang, reason=reason), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
