"""The command line: options in, one library call, its result out.

Exit status: 0 done; 1 the input has errors (each printed as
path:line:col); 2 wrong usage.  No traceback reaches the user: set
BULLETIN_DEBUG=1 to see one.
"""
from __future__ import annotations

import datetime as dt
import functools
from contextlib import contextmanager
import os
import sys
import time
import unicodedata
from pathlib import Path

import click

from . import __version__, workers
from .errors import BulletinError, Report, display_path
from .model import KIND_ALIASES

# The commands import what they use (parsing, templates, the build) when they
# run: 'bulletin build' starts its first typesetting process before that.


def _print_report(report: Report) -> None:
    for diagnostic in report.items:
        click.echo(diagnostic.format(), err=True)


@contextmanager
def _reporting():
    """A Report printed when the command ends, whether or not it failed."""
    report = Report()
    try:
        yield report
    finally:
        _print_report(report)


def _guarded(func):
    """Print BulletinErrors and unexpected failures as one message, not a traceback."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except BulletinError as exc:
            click.echo(exc.diagnostic.format(), err=True)
            sys.exit(1)
        except BrokenPipeError:  # e.g. 'bulletin list | head': the reader has gone
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(0)
        except KeyboardInterrupt:
            click.echo("interrupted; finished outputs are complete, the rest were not written", err=True)
            sys.exit(130)
        except Exception as exc:  # noqa: BLE001 - the last line of defence
            if os.environ.get("BULLETIN_DEBUG"):
                raise
            click.echo(f"internal error: {type(exc).__name__}: {exc}\n"
                       "  this is a bug in bulletin; run again with BULLETIN_DEBUG=1 and report what it prints",
                       err=True)
            sys.exit(70)
    return wrapper


def _root(ctx: click.Context) -> Path:
    from . import workspace

    return workspace.find_root(ctx.obj["dir"], search_parents=not ctx.obj["explicit"])


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-C", "directory", type=click.Path(file_okay=False, path_type=Path),
              help="Run in this workspace instead of the current folder.")
@click.version_option(__version__, prog_name="bulletin")
@click.pass_context
def main(ctx: click.Context, directory: Path | None):
    """Write, number and typeset a periodic work bulletin (工作简报).

    A workspace is a folder with bulletin.yaml and issues/*.md; editions are
    written to output/.  Run 'bulletin COMMAND --help' for each command.
    """
    given = ctx.obj or {}  # from __main__.py: "early", a typesetter it forked (it kills one left there)
    ctx.obj = {"dir": directory or Path.cwd(), "explicit": directory is not None, "spare": None}
    if ctx.invoked_subcommand == "build" and workers.default_jobs() > 1:
        # Loading WeasyPrint takes longer than anything a build does before its
        # first PDF; with a core to spare, start now.  Killed if not needed.
        ctx.obj["spare"] = spare = workers.Worker(forked=given.pop("early", None))
        ctx.call_on_close(spare.stop)


@main.command()
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", default="某某单位", show_default=True, help="First line of the masthead title.")
@click.option("--publisher", default="某某单位办公室", show_default=True, help="Issuing office (编发单位).")
@click.pass_context
@_guarded
def init(ctx, folder, title, publisher):
    """Make a new workspace in FOLDER (default: the current folder)."""
    from . import scaffold

    base = ctx.obj["dir"]
    target = (base / folder) if folder else base
    for path in scaffold.init(target, title_line=title, publisher=publisher):
        click.echo(f"wrote {_shown(path)}")
    click.echo("next: edit bulletin.yaml and the issue, then run 'bulletin build'")


@main.command()
@click.option("--date", "date_text", metavar="YYYY-MM-DD", help="Date of the issue (default: today).")
@click.option("--kind", type=click.Choice(sorted(KIND_ALIASES)), default="regular", show_default=True,
              help="regular, or a special issue with its own numbering (增刊, 专刊, 特刊).")
@click.pass_context
@_guarded
def new(ctx, date_text, kind):
    """Write the next issue file, numbered from the existing issues, and print its path."""
    from . import scaffold

    try:
        date = dt.date.fromisoformat(date_text) if date_text else dt.date.today()
    except ValueError:
        raise click.BadParameter(f"'{date_text}' is not a date written YYYY-MM-DD", param_hint="--date")
    with _reporting() as report:
        path = scaffold.new_issue(_root(ctx), date, KIND_ALIASES[kind], report)
    click.echo(_shown(path))


@main.command()
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--fix", is_flag=True, help="Rewrite half-width punctuation in Chinese text in full width first.")
@click.pass_context
@_guarded
def check(ctx, strict, fix):
    """Check every issue file and the numbering of the whole series."""
    from . import fonts, textcheck, workspace
    from .build import load_series

    root = _root(ctx)
    if fix:
        for path in workspace.issue_files(root):
            try:
                count = textcheck.fix_file(path)
            except (OSError, UnicodeDecodeError):
                continue  # reported by the check below
            if count:
                click.echo(f"fixed {count} punctuation mark(s) in {_shown(path)}", err=True)
    with _reporting() as report:
        series = load_series(root, report)
    note = fonts.substitution_note()
    if note:
        click.echo(note, err=True)
    errors, warnings = len(report.errors), len(report.warnings)
    click.echo(f"{len(series.issues) + len(series.failed)} issue file(s): "
               f"{errors} error(s), {warnings} warning(s)", err=True)
    if errors or (strict and warnings):
        sys.exit(1)


@main.command()
@click.argument("issues", nargs=-1)
@click.option("-j", "--jobs", type=click.IntRange(1, 256), default=None,
              help="Processes typesetting PDFs at once (default: every core).")
@click.option("--force", is_flag=True, help="Typeset every PDF again, changed or not.")
@click.option("--stats", is_flag=True, help="Print the time taken and the peak memory of a typesetting process.")
@click.option("--strict", is_flag=True, help="An issue file with warnings is not built, as if they were errors.")
@click.pass_context
@_guarded
def build(ctx, issues, jobs, force, stats, strict):
    """Typeset every issue (or the ISSUES named) into output/: a PDF and an HTML page each.

    Only editions whose source, images, templates, settings or fonts changed
    are typeset again.  Name an issue by its edition (2018-02) or by its
    file (issues/2018-02.md).  Files are named YEAR-NN.pdf and YEAR-NN.html
    (2018-02.pdf); special issues add their kind: 2018-zk01 (增刊),
    2018-zhk01 (专刊), 2018-tk01 (特刊).
    """
    from .build import build as build_editions

    started = time.monotonic()
    with _reporting() as report, _Progress() as progress:
        result = build_editions(_root(ctx), tuple(issues), report, on_wait=_say, jobs=jobs, force=force,
                                progress=progress, strict=strict, spare=ctx.obj["spare"])
    for b in result.built:
        click.echo(f"wrote {_shown(b.pdf)} ({b.pages} page{'s' if b.pages != 1 else ''}) and {_shown(b.html)}")
    current = f"; {result.up_to_date} up to date" if result.up_to_date else ""
    summary = f"built {len(result.built)} edition(s){current}"
    if not result.built and not report.errors:
        summary = f"nothing changed: {result.up_to_date} edition(s) up to date"
    if stats:
        click.echo(f"time {time.monotonic() - started:.2f} s; peak memory of a typesetting process "
                   f"{result.peak_rss / 2**20:.0f} MiB", err=True)
    failed = sorted({str(_shown(d.location.path)) for d in report.errors if d.location})
    if report.errors:
        where = f": {', '.join(failed)}" if failed else ""
        click.echo(f"{summary}; {len(report.errors)} error(s){where}", err=True)
        sys.exit(1)
    click.echo(summary, err=True)


class _Progress:
    """`[12/200] 2018-02, 1 min 20 s left` on a terminal, for builds of more than a few editions."""

    def __init__(self):
        self.live = sys.stderr.isatty()
        self.started = time.monotonic()
        self.shown = False

    def __enter__(self):
        return self

    def __call__(self, done: int, total: int, name: str) -> None:
        if not self.live or total <= 3:
            return
        left = (time.monotonic() - self.started) / done * (total - done)
        eta = f"{int(left // 60)} min {int(left % 60)} s" if left >= 60 else f"{left:.0f} s"
        click.echo(f"\r[{done}/{total}] {name}, {eta} left   ", err=True, nl=False)
        self.shown = True

    def __exit__(self, *exc):
        if self.shown:
            click.echo("\r" + " " * 60 + "\r", err=True, nl=False)


@main.command(name="publish")
@click.argument("issue")
@click.option("--reissue", is_flag=True, help="Publish again an edition whose source was corrected.")
@click.option("--sign", is_flag=True, help="Sign the PDF (PAdES) with the certificate and seal named in bulletin.yaml "
              "(signing:); the password from BULLETIN_SIGN_PASSWORD.")
@click.pass_context
@_guarded
def publish_(ctx, issue, reissue, sign):
    """Issue an edition: its PDF/A copy (source attached) and HTML into published/, recorded in the manifest.

    After this, changing the issue file is an error until it is published
    again with --reissue.  Keep published/ in version control.
    """
    from .build import publish_edition

    with _reporting() as report:
        result = publish_edition(_root(ctx), issue, reissue, report, on_wait=_say, sign=sign)
    if result is None:
        sys.exit(1)
    edition, record = result
    for path in record["outputs"]:
        click.echo(f"wrote {path}")
    click.echo(f"published {edition.name} ({edition.period_label}); recorded in published/manifest.json", err=True)


@main.command()
@click.pass_context
@_guarded
def verify(ctx):
    """Recompute the SHA-256 of every published source and output, and report any difference."""
    from .i18n import _
    from .publish import verify as verify_published

    signed = []
    with _reporting() as report:
        count = verify_published(_root(ctx), report, signed)
    for name, sig in signed:
        click.echo(_("{name}: signed by {signer} on {when}{stamped}").format(
            name=name, signer=sig.signer, when=sig.signed_at, stamped=_(" (time-stamped)") if sig.timestamped else "")
            + (_(": INVALID, {problem}").format(problem=sig.problem) if sig.problem else ""))
    if report.errors:
        click.echo(f"{len(report.errors)} difference(s) in {count} published edition(s)", err=True)
        sys.exit(1)
    click.echo(f"{count} published edition(s): every file matches the manifest", err=True)


@main.command()
@click.option("--port", default=8000, show_default=True, help="Port on 127.0.0.1 (0: any free port).")
@click.pass_context
@_guarded
def serve(ctx, port):
    """Build, serve the archive on 127.0.0.1, rebuild what changed and reload the open page."""
    from .build import build as build_editions
    from .serve import serve as serve_site

    root = _root(ctx)

    def rebuild(changed=None):
        issues = tuple(str(p) for p in changed or () if p.suffix == ".md" and p.exists())
        whole = not changed or any(p.suffix != ".md" for p in changed)
        with _reporting() as report:
            result = build_editions(root, () if whole else issues, report, on_wait=_say)
        click.echo(f"built {len(result.built)} edition(s)"
                   + (f"; {len(report.errors)} error(s)" if report.errors else ""), err=True)

    rebuild()
    try:
        serve_site(root, port, rebuild, lambda m: click.echo(m, err=True))
    except OSError as exc:
        raise BulletinError(f"cannot serve on 127.0.0.1:{port}: {exc.strerror}",
                            hint="pass another --port, or --port 0 for any free one") from None


@main.command(name="send")
@click.argument("issue")
@click.option("--dry-run", is_flag=True, help="Write the messages as .eml files in output/mail/ and send nothing.")
@click.option("--status", "show_status", is_flag=True, help="Show who received the edition, when, and the message id.")
@click.pass_context
@_guarded
def send_(ctx, issue, dry_run, show_status):
    """Send a published edition's PDF to its 主送 (To) and 抄送 (Cc) recipients.

    Addresses come from recipients.yaml; SMTP settings from bulletin.yaml
    (smtp:), the password from the environment variable BULLETIN_SMTP_PASSWORD.
    A rerun sends only to those whose server has not accepted it yet.
    """
    from . import send as sending

    root = _root(ctx)
    if show_status:
        with _reporting() as report:
            edition, rows = sending.status(root, issue, report)
        click.echo(f"{edition.name} {edition.period_label}")
        for r, entry in rows:
            state = entry["status"] if entry else "not sent"
            when = entry["at"] if entry else ""
            mid = entry["message_id"] if entry and entry["status"] == "sent" else ""
            click.echo(f"  {state:9} {r.address:32} {r.name} ({'主送' if r.role == 'main' else '抄送'}) {when} {mid}".rstrip())
        return
    with _reporting() as report:
        outcome = sending.send(root, issue, report, dry_run=dry_run, say=_say)
    for path in outcome.eml:
        click.echo(f"wrote {_shown(path)}")
    for r in outcome.sent:
        click.echo(f"sent to {r.address} ({r.name})")
    for r, why in outcome.failed:
        click.echo(f"failed: {r.address} ({r.name}): {why}", err=True)
    for r, why in outcome.deferred:
        click.echo(f"not delivered yet: {r.address} ({r.name}): {why}; run send again later", err=True)
    if outcome.skipped and not outcome.sent and not outcome.failed and not outcome.deferred and not dry_run:
        click.echo(f"all {len(outcome.skipped)} recipient(s) have received it already", err=True)
    if outcome.failed or outcome.deferred:
        sys.exit(1)


@main.command(name="list")
@click.pass_context
@_guarded
def list_(ctx):
    """The editions, one a line: period label, date, first article's title."""
    from .build import load_series

    with _reporting() as report:
        series = load_series(_root(ctx), report)
    rows = []
    for edition in series.editions():
        first = next((a.toc for a in edition.issue.articles if a.toc), "")
        rows.append((edition.name, edition.period_label, edition.issue.date.isoformat(), first))
    widths = [max((_width(r[i]) for r in rows), default=0) for i in range(3)]
    for row in rows:
        cells = [cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(row[:3])]
        click.echo("  ".join(cells + [row[3]]).rstrip())
    if series.failed:
        click.echo(f"{len(series.failed)} issue file(s) with errors are not listed; "
                   "run 'bulletin check'", err=True)


@main.command(name="doctor")
@_guarded
def doctor_():
    """Say what this machine lacks (fonts, HarfBuzz, Pango, Pagefind) and how to install it."""
    from . import doctor

    results = doctor.checks()
    for c in results:
        mark = "ok " if c.ok else "MISSING"
        click.echo(f"{mark:7} {c.name}: {c.detail}")
        if c.fix:
            click.echo(f"        fix: {c.fix}")
    missing = [c for c in results if not c.ok and c.required]
    if missing:
        apt = sorted({c.fix.replace(doctor.APT, "").strip() for c in missing if c.fix.startswith(doctor.APT)})
        other = sorted({c.fix for c in missing if c.fix and not c.fix.startswith(doctor.APT)})
        commands = ([f"sudo {doctor.APT} {' '.join(apt)}"] if apt else []) + other
        click.echo("\nto install everything: " + " && ".join(commands), err=True)
        sys.exit(1)
    click.echo("\neverything bulletin needs is installed")


def _say(message: str) -> None:
    click.echo(message, err=True)


def _shown(path: Path) -> str:
    return display_path(path)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


@main.command(name="volume")
@click.argument("year", type=click.IntRange(1900, 9999))
@click.option("--publish", "publish_it", is_flag=True,
              help="Also write it into published/volumes/ and record it in the manifest.")
@click.pass_context
@_guarded
def volume_(ctx, year, publish_it):
    """Bind the year's published editions into one PDF/A (合订本): output/volumes/YEAR.pdf.

    A cover, the year's contents with the volume's page numbers, every
    published edition as it was issued, and an index of contributing units.
    """
    from . import volume as volumes
    from .i18n import _

    with _reporting() as report:
        result = volumes.make(_root(ctx), year, report, publish_it=publish_it)
    if result is None:
        sys.exit(1)
    for path in (result.path, result.published):
        if path is not None:
            click.echo(_("wrote {path}").format(path=_shown(path)))
    click.echo(_("bound {editions} edition(s) of {year}: {pages} pages").format(
        editions=len(result.parts), year=year, pages=result.pages), err=True)


@main.command(name="archive")
@click.argument("year", required=False, type=click.IntRange(1900, 9999))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="The package's folder (default: archive/YEAR in the workspace).")
@click.option("--zip", "make_zip", is_flag=True, help="Also write the package as one .zip beside its folder.")
@click.option("--check", "check_dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="Check an existing package instead of making one.")
@click.pass_context
@_guarded
def archive_(ctx, year, out, make_zip, check_dir):
    """Write the archive package of YEAR (归档包) and check it; or check one with --check DIR.

    Each published edition's PDF/A, source and metadata record (XML), a package
    manifest with SHA-256 and SM3 digests, and the report of the self-check:
    authenticity, integrity, usability, security.  Exit 1 when a check fails.
    """
    from . import archival, selfcheck
    from .i18n import _

    if check_dir is not None:
        lines = selfcheck.check(check_dir)
    else:
        if year is None:
            raise click.UsageError(_("name the year to archive, e.g. 'bulletin archive 2018', or use --check DIR"))
        with _reporting() as report:
            result = archival.archive(_root(ctx), year, report, out=out, make_zip=make_zip)
        if result is None:
            sys.exit(1)
        package, lines = result
        for path in (package.folder, package.zip):
            if path is not None:
                click.echo(_("wrote {path}").format(path=_shown(path)))
    click.echo(selfcheck.text(lines), nl=False)
    if any(not line.ok for line in lines):
        sys.exit(1)


if __name__ == "__main__":
    main()
