"""``python -m geo registry ...``: the registry's command line for scripts and administrators.

    init | status | export DIR | import LAYER FILE --by NAME [--note TEXT] [--publish]
    | publish CHANGESET --by NAME | history [--point ID] [--limit N]
    | revert CHANGESET --by NAME [--note TEXT] | restore DIR --by NAME
    | add-editor NAME [--publisher] [--oidc EMAIL] | remove-editor NAME

The database is the one the app uses (env JINPU_DB_URL, else the default SQLite file).
``--by NAME`` acts as an administrator (via "cli"): whoever has a shell on the server can
change the database anyway. A password is read from the terminal (getpass) or, when
stdin is not a terminal, as one line of stdin; never from an argument.
Exit codes: 0 done, 1 invalid input or refused, 2 usage (like ``validate``).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geo.data.schema import LAYERS
from geo.i18n import LANGS, t

if TYPE_CHECKING:
    from geo.data.registry.store import Registry
    from geo.data.registry.types import ChangeSet


def os_user() -> str:
    """Who runs the command, when ``--by`` does not say: the operating-system user."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def add_parser(sub: Any) -> None:
    """Add the ``registry`` command and its sub-commands to ``python -m geo``."""
    p = sub.add_parser("registry", help="the registry database: init, status, export, import, history, ...")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--lang", choices=LANGS, default="en", help="the language of messages")
    rs = p.add_subparsers(dest="action", required=True)

    def add(name: str, **kw: Any) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = rs.add_parser(name, parents=[common], **kw)
        return parser

    add("init", help="create or migrate the database and seed it from data/")
    add("status", help="the database, its published version and counts")
    e = add("export", help="write the registry and its history to a folder")
    e.add_argument("dir")
    i = add("import", help="propose (and with --publish publish) a layer file as one change set")
    i.add_argument("layer", choices=list(LAYERS))
    i.add_argument("file")
    i.add_argument("--by", required=True)
    i.add_argument("--note", default="")
    i.add_argument("--publish", action="store_true")
    pub = add("publish", help="publish a proposed change set")
    pub.add_argument("changeset", type=int)
    pub.add_argument("--by", help="who publishes (default: the operating-system user)")
    h = add("history", help="published change sets, newest first")
    h.add_argument("--point", help="only those that changed this record (e.g. M01)")
    h.add_argument("--limit", type=int, default=50)
    r = add("revert", help="publish a change set that undoes CHANGESET")
    r.add_argument("changeset", type=int)
    r.add_argument("--by", help="who reverts (default: the operating-system user)")
    r.add_argument("--note", default="")
    rr = add("restore", help="load an export into an empty registry")
    rr.add_argument("dir")
    rr.add_argument("--by", help="who restores (default: the operating-system user)")
    a = add("add-editor", help="create a local editor (password from the terminal or stdin)")
    a.add_argument("name")
    a.add_argument("--publisher", action="store_true")
    a.add_argument("--oidc", metavar="EMAIL", help="an st.login (OIDC) editor with this e-mail; no password")
    d = add("remove-editor", help="take an editor's roles away")
    d.add_argument("name")


def _password(lang: str) -> str:
    if sys.stdin.isatty():
        first = getpass.getpass(t("reg.cli.password", lang))
        if getpass.getpass(t("reg.cli.password_again", lang)) != first:
            raise ValueError(t("reg.cli.password_mismatch", lang))
        return first
    line = sys.stdin.readline()
    if not line:
        raise ValueError(t("reg.cli.no_password", lang))
    return line.rstrip("\r\n")


def _print_changeset(cs: ChangeSet, lang: str, details: bool, point: str | None = None) -> None:
    print(
        t(
            "reg.cli.history",
            lang,
            id=cs.id,
            when=(cs.published_at or cs.created_at).strftime("%Y-%m-%d %H:%M"),
            status=cs.status,
            source=t(f"reg.source.{cs.source}", lang),
            ref=cs.source_ref,
            by=cs.published_by or cs.created_by,
            n=len(cs.changes),
            note=cs.note,
        )
    )
    if not details:
        return
    for ch in cs.changes:
        if point is not None and ch.record_id != point:
            continue
        fields = "; ".join(
            f"{f.field}: {f.before!r} -> {f.after!r}"
            for f in ch.fields
            if f.field != "geometry" and f.before != f.after
        )
        print(t("reg.cli.history_change", lang, op=ch.op, layer=ch.layer, record_id=ch.record_id, fields=fields))


def _diff_line(cs_id: int, status: str, added: int, changed: int, removed: int, unchanged: int, lang: str) -> str:
    return t(
        "reg.cli.diff",
        lang,
        id=cs_id,
        status=status,
        added=added,
        changed=changed,
        removed=removed,
        unchanged=unchanged,
    )


def _act(reg: Registry, args: argparse.Namespace) -> int:
    from geo.data.registry.types import Actor

    lang = args.lang
    cli = Actor(getattr(args, "by", None) or os_user(), True, True, "cli")
    act = args.action
    if act == "restore":
        cs = reg.restore(Path(args.dir), cli)
        st = reg.status()
        restored = len(reg.history(limit=1_000_000))
        print(t("reg.cli.restored", lang, n=restored - 1, reports=st["reports"], version=st["version"]))
        _print_changeset(cs, lang, False)
        return 0
    reg.init()
    if act == "init":
        print(t("reg.cli.initialised", lang, url=reg.url_display, version=reg.version()))
    elif act == "status":
        st = reg.status()
        recs = ", ".join(f"{k} {n}" for k, n in st["records"].items())
        print(
            t(
                "reg.cli.status",
                lang,
                url=reg.url_display,
                version=st["version"],
                records=recs,
                reports=st["reports"],
                pending=st["pending"],
                editors=st["editors"],
            )
        )
    elif act == "export":
        for p in reg.export(Path(args.dir)):
            print(t("reg.cli.exported", lang, path=p))
    elif act == "import":
        path = Path(args.file)
        if not path.is_file():
            print(t("reg.cli.file_missing", lang, path=args.file), file=sys.stderr)
            return 1
        d = reg.propose_import(cli, args.layer, path.read_bytes(), path.name, note=args.note)
        cs = reg.publish(cli, d.changeset.id) if args.publish else d.changeset
        print(_diff_line(cs.id, cs.status, len(d.added), len(d.changed), len(d.removed), len(d.unchanged), lang))
    elif act == "publish":
        _print_changeset(reg.publish(cli, args.changeset), lang, False)
    elif act == "history":
        for cs in reg.history(record_id=args.point, limit=args.limit):
            _print_changeset(cs, lang, bool(args.point) or cs.source != "seed", args.point)
    elif act == "revert":
        cs = reg.revert(cli, args.changeset, note=args.note)
        print(t("reg.cli.reverted", lang, reverted=args.changeset, id=cs.id, version=reg.version()))
    elif act == "add-editor":
        if args.oidc:
            reg.set_oidc_editor(args.oidc, publisher=args.publisher, name=args.name)
        else:
            reg.add_editor(args.name, _password(lang), publisher=args.publisher)
        yes = t("reg.cli.yes" if args.publisher else "reg.cli.no", lang)
        print(t("reg.cli.editor_added", lang, name=args.name, publisher=yes))
    elif act == "remove-editor":
        reg.remove_editor(args.name)
    return 0


def run(args: argparse.Namespace) -> int:
    """Run ``python -m geo registry <action>``; the exit code."""
    from geo.data.registry.store import Registry
    from geo.data.registry.types import ImportRejected, RegistryError

    lang = args.lang
    reg = Registry.from_env()
    try:
        return _act(reg, args)
    except ImportRejected as exc:
        print(exc.message(lang), file=sys.stderr)
        print("\n".join(exc.report.lines(lang)))
        return 1
    except (RegistryError, ValueError, OSError) as exc:
        msg = exc.message(lang) if isinstance(exc, RegistryError) else str(exc)
        print(t("reg.cli.error", lang, message=msg), file=sys.stderr)
        return 1
    finally:
        reg.dispose()
