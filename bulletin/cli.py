"""The command line: options in, one library call (bulletin/commands/), its result out.

Exit status (the one table; `main` returns it):
  0    done
  1    not done: the input has errors (each printed as path:line:col), or the
       system refused (a full disk, a permission), or someone was not sent to
  2    wrong usage (an unknown option, a missing argument)
  70   internal error: a bug in bulletin (BULLETIN_DEBUG=1 shows the traceback)
  130  interrupted (Ctrl-C); finished outputs are complete, the rest unwritten

No traceback reaches the user but with BULLETIN_DEBUG=1.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import sys
import time
import unicodedata
from contextlib import contextmanager
from pathlib import Path

import click

from . import __version__, i18n
from .errors import BulletinError, Report, display_path, is_refusal, os_error
from .i18n import N_, _
from .model import KIND_ALIASES

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_BUG, EXIT_INTERRUPTED = 0, 1, 2, 70, 130

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
    """Kept for commands written before main() handled every failure in one place."""
    return func


def _root(ctx: click.Context) -> Path:
    from . import workspace

    return workspace.find_root(ctx.obj["dir"], search_parents=not ctx.obj["explicit"])


# --help in the user's language: Click translates its own words (Usage:, Options) through
# gettext; these are the ones it takes as they are, and the lines it measures in characters
# where a Han character takes two columns.
_METAVARS = {"integer": N_("INTEGER"), "integer range": N_("INTEGER RANGE"), "text": N_("TEXT")}
_NO_LINE_START = "，。、；：？！）》」』”’…—,.;:!?)]"  # punctuation that may not begin a line (避头)
_NO_LINE_END = "（《「『“‘(["  # nor end one (避尾)


def _wrap(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width` columns, broken at spaces or between Han characters
    (a word too long for a line overflows it)."""
    units, space = [], ""  # (space before, text that may not be broken)
    for token in re.findall(r"\s+|[^\s\u2e80-\ufaff\uff00-\uffef]+|\S", text):
        if token.isspace():
            space = (" " if "\n" in token else token) if units else ""
        elif units and not space and (token[0] in _NO_LINE_START or units[-1][1][-1] in _NO_LINE_END):
            units[-1] = (units[-1][0], units[-1][1] + token)
        else:
            units.append((space, token))
            space = ""
    lines, line = [], ""
    for space, unit in units:
        if line and _width(line + space + unit) > width:
            lines.append(line)
            line = unit
        else:
            line += space + unit
    return lines + [line] if line else lines


def _first_clause(text: str) -> str | None:
    """A Chinese help text up to its first 。 or ； outside brackets; None if it has none."""
    depth = 0
    for i, ch in enumerate(text.split("\n\n")[0]):
        depth += (ch in "（(") - (ch in "）)")
        if ch in "。；" and depth <= 0:
            return text[:i]
    return None


class _HelpFormatter(click.HelpFormatter):
    def write_heading(self, heading: str) -> None:
        self.write(" " * self.current_indent + _("{heading}:").format(heading=heading) + "\n")

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        paragraphs = re.split(r"\n\s*\n", text.strip())
        self.write("\n\n".join("\n".join(indent + line for line in _wrap(p, self.width - self.current_indent))
                               for p in paragraphs) + "\n")

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        rows = list(rows)
        first = min(max((_width(term) for term, _d in rows), default=0), col_max) + col_spacing
        indent = " " * self.current_indent
        for term, text in rows:
            lines = _wrap(text, max(self.width - self.current_indent - first, 20))
            if _width(term) > first - col_spacing and lines:  # a long term: its text goes below it
                self.write(indent + term + "\n")
                term = ""
            for line in lines or [""]:
                self.write((indent + term + " " * (first - _width(term)) + line).rstrip() + "\n")
                term = ""


class _Context(click.Context):
    formatter_class = _HelpFormatter


class _Command(click.Command):
    context_class = _Context

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", _("[OPTIONS]"))
        super().__init__(*args, **kwargs)
        for param in self.params:
            if isinstance(param, click.Option) and param.metavar is None and param.type.name in _METAVARS:
                param.metavar = _(_METAVARS[param.type.name])

    def get_short_help_str(self, limit: int = 45) -> str:
        """Click ends the short help at the first '.'; a Chinese text at its first 。 or ；."""
        first = None if self.short_help else _first_clause(self.help or "")
        if first:
            return first
        text, shorter = super().get_short_help_str(limit), limit
        while _width(text) > limit and shorter > 20:  # Click counts a Han character as one column
            shorter -= _width(text) - limit
            text = super().get_short_help_str(shorter)
        return text


class _Group(_Command, click.Group):
    command_class = _Command

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("subcommand_metavar", _("COMMAND [ARGS]..."))
        super().__init__(*args, **kwargs)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]},
             help=_("Write, number and typeset a periodic work bulletin (工作简报).\n\n"
                    "A workspace is a folder with bulletin.yaml and issues/*.md; editions are written to "
                    "output/.  Run 'bulletin COMMAND --help' for each command."))
@click.option("-C", "directory", type=click.Path(file_okay=False, path_type=Path),
              help=_("Run in this workspace instead of the current folder."))
@click.option("--lang", type=click.Choice(["zh", "en"]),
              help=_("Language of messages (default: the locale, else the workspace's language)."))
@click.version_option(__version__, prog_name="bulletin", help=_("Show the version and exit."))
@click.pass_context
def cli(ctx: click.Context, directory: Path | None, lang: str | None):
    given = ctx.obj or {}  # from __main__.py: "early", a typesetter it forked
    ctx.obj = {"dir": directory or Path.cwd(), "explicit": directory is not None, "spare": None}
    if ctx.invoked_subcommand == "build" and given.get("early"):
        from .typeset.pool import Worker
        # taken over here; stopped (killed if unused) when the command ends
        ctx.obj["spare"] = spare = Worker(forked=given.pop("early"))
        ctx.call_on_close(spare.stop)


@cli.command(help=_("Make a new workspace in FOLDER (default: the current folder)."))
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", help=_("First line of the masthead title (default: a sample name)."))
@click.option("--publisher", help=_("Issuing office (编发单位) (default: a sample name)."))
@click.option("--language", type=click.Choice(["zh-CN", "zh", "en"], case_sensitive=False), default="zh-CN",
              show_default=True, help=_("Language of the bulletin, and of the comments and sample text written."))
@click.pass_context
def init(ctx, folder, title, publisher, language):
    from . import scaffold

    base = ctx.obj["dir"]
    target = (base / folder) if folder else base
    for path in scaffold.init(target, title_line=title, publisher=publisher, language=language):
        click.echo(_("wrote {path}").format(path=display_path(path)))
    click.echo(_("next: edit bulletin.yaml and the issue, then run 'bulletin build'"))


@cli.command(help=_("Write the next issue file, numbered from the existing issues, and print its path."))
@click.option("--date", "date_text", metavar="YYYY-MM-DD", help=_("Date of the issue (default: today)."))
@click.option("--kind", type=click.Choice(sorted(KIND_ALIASES)), default="regular", show_default=True,
              help=_("regular (正刊): the numbered series; supplement (增刊): an extra issue between two "
                      "regular ones; special (专刊): an issue on one subject; extra (特刊): an issue for an "
                      "occasion. Each kind has its own numbering."))
@click.pass_context
def new(ctx, date_text, kind):
    from .commands.new import new_issue

    try:
        date = dt.date.fromisoformat(date_text) if date_text else dt.date.today()
    except ValueError:
        raise click.BadParameter(_("'{text}' is not a date written YYYY-MM-DD").format(text=date_text),
                                 param_hint="--date")
    with _reporting() as report:
        path = new_issue(_root(ctx), date, KIND_ALIASES[kind], report)
    click.echo(display_path(path))


@cli.command(help=_("Check every issue file and the numbering of the whole series."))
@click.option("--strict", is_flag=True, help=_("Treat warnings as errors."))
@click.option("--fix", is_flag=True, help=_("Rewrite half-width punctuation in Chinese text in full width first."))
@click.pass_context
def check(ctx, strict, fix):
    from .commands.check import check as check_all

    with _reporting() as report:
        checked = check_all(_root(ctx), report, fix=fix, strict=strict)
    for path, count in checked.fixed:
        click.echo(_("fixed {n} punctuation mark(s) in {path}").format(n=count, path=display_path(path)), err=True)
    if checked.note:
        click.echo(checked.note, err=True)
    errors, warnings = len(report.errors), len(report.warnings)
    click.echo(_("{files} issue file(s): {errors} error(s), {warnings} warning(s)").format(
        files=checked.files, errors=errors, warnings=warnings), err=True)
    return EXIT_FAILED if errors or (strict and warnings) else EXIT_OK


@cli.command(help=_("Typeset every issue (or the ISSUES named) into output/.\n\n"
                    "Only editions whose source, images, templates, settings or fonts changed are made "
                    "again.  Name an issue by its edition (2018-02) or by its file (issues/2018-02.md).  "
                    "Files are named YEAR-NN.pdf and YEAR-NN.html (2018-02.pdf); special issues add their "
                    "kind: 2018-zk01 (增刊), 2018-zhk01 (专刊), 2018-tk01 (特刊)."))
@click.argument("issues", nargs=-1)
@click.option("-j", "--jobs", type=click.IntRange(1, 256), default=None,
              help=_("Processes typesetting PDFs at once (default: every core)."))
@click.option("--force", is_flag=True, help=_("Typeset every edition again, changed or not."))
@click.option("--stats", is_flag=True, help=_("Print the time taken and the peak memory of a typesetting process."))
@click.option("--strict", is_flag=True, help=_("An issue file with warnings is not built, as if they were errors."))
@click.pass_context
def build(ctx, issues, jobs, force, stats, strict):
    from .commands.build import Options, build as build_editions

    started = time.monotonic()
    with _reporting() as report, _Progress() as progress:
        result = build_editions(_root(ctx), tuple(issues), report,
                                Options(jobs=jobs, force=force, strict=strict, progress=progress, on_wait=_say),
                                spare=ctx.obj["spare"])
    if stats:
        click.echo(_("time {seconds:.2f} s; peak memory of a typesetting process {mib:.0f} MiB").format(
            seconds=time.monotonic() - started, mib=result.peak_rss / 2**20), err=True)
    return _built(result, report)


def _built(result, report: Report) -> int:
    """The lines a build prints: what it wrote, and a summary."""
    for b in result.built:
        first, *rest = [display_path(p) for p in b.outputs] or ["-"]
        click.echo(_listed([_("wrote {file} ({n} pages)").format(file=first, n=b.pages), *rest]))
    summary = _("built {n} edition(s)").format(n=len(result.built))
    if result.up_to_date:
        summary += _("; {n} up to date").format(n=result.up_to_date)
    if not result.built and not report.errors:
        summary = _("nothing changed: {n} edition(s) up to date").format(n=result.up_to_date)
    if report.errors:
        failed = sorted({display_path(d.location.path) for d in report.errors if d.location})
        line = (_("{summary}; {n} error(s): {files}") if failed else _("{summary}; {n} error(s)")).format(
            summary=summary, n=len(report.errors), files=_listed(failed))
        click.echo(line, err=True)
        return EXIT_FAILED
    click.echo(summary, err=True)
    return EXIT_OK


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
        eta = (_("{m} min {s} s").format(m=int(left // 60), s=int(left % 60)) if left >= 60
               else _("{s} s").format(s=f"{left:.0f}"))
        click.echo("\r" + _("[{done}/{total}] {name}, {eta} left").format(
            done=done, total=total, name=name, eta=eta) + "   ", err=True, nl=False)
        self.shown = True

    def __exit__(self, *exc):
        if self.shown:
            click.echo("\r" + " " * 60 + "\r", err=True, nl=False)


@cli.command(name="publish", help=_(
    "Issue an edition: its PDF/A copy (source attached) and HTML into published/, recorded in the "
    "manifest.\n\nAfter this, changing the issue file is an error until it is published again with "
    "--reissue.  Keep published/ in version control."))
@click.argument("issue")
@click.option("--reissue", is_flag=True, help=_("Publish again an edition whose source was corrected."))
@click.option("--sign", is_flag=True, help=_("Sign the PDF (PAdES) with the certificate and seal named in bulletin.yaml "
              "(signing:); the password from BULLETIN_SIGN_PASSWORD."))
@click.pass_context
def publish_(ctx, issue, reissue, sign):
    from .commands.published import publish_edition

    with _reporting() as report:
        result = publish_edition(_root(ctx), issue, reissue, report, on_wait=_say, sign=sign)
    if result is None:
        return EXIT_FAILED
    edition, record = result
    for path in record["outputs"]:
        click.echo(_("wrote {path}").format(path=path))
    click.echo(_("published {name} ({label}); recorded in published/manifest.json").format(
        name=edition.name, label=edition.period_label), err=True)
    return EXIT_OK


@cli.command(help=_("Recompute the SHA-256 of every published source and output, and report any difference."))
@click.pass_context
def verify(ctx):
    from .publish import verify as verify_published

    signed = []
    with _reporting() as report:
        count = verify_published(_root(ctx), report, signed)
    for name, sig in signed:
        line = _("{name}: signed by {signer} on {when}").format(name=name, signer=sig.signer, when=sig.signed_at)
        if sig.timestamped:
            line = _("{line} (time-stamped)").format(line=line)
        if sig.problem:
            line = _("{line}: INVALID, {problem}").format(line=line, problem=sig.problem)
        click.echo(line)
    if report.errors:
        click.echo(_("{n} difference(s) in {count} published edition(s)").format(
            n=len(report.errors), count=count), err=True)
        return EXIT_FAILED
    click.echo(_("{count} published edition(s): every file matches the manifest").format(count=count), err=True)
    return EXIT_OK


@cli.command(help=_("Build, serve the archive on 127.0.0.1, rebuild what changed and reload the open page."))
@click.option("--port", default=8000, show_default=True, help=_("Port on 127.0.0.1 (0: any free port)."))
@click.pass_context
def serve(ctx, port):
    from .commands.serve import serve as serve_workspace

    def report_out(report, result):
        _print_report(report)
        _built(result, report)

    serve_workspace(_root(ctx), port, _say, report_out)
    return EXIT_OK


@cli.command(name="send", help=_(
    "Send a published edition's PDF to the recipients it was published for.\n\n"
    "Addresses come from recipients.yaml; SMTP settings from bulletin.yaml (smtp:), the password from "
    "the environment variable BULLETIN_SMTP_PASSWORD.  Each recipient gets it at most once: a rerun sends "
    "only to those whose server has not accepted it, and holds back those left uncertain."))
@click.argument("issue")
@click.option("--dry-run", is_flag=True, help=_("Write the messages as .eml files in .bulletin/mail/ and send nothing."))
@click.option("--status", "show_status", is_flag=True,
              help=_("Show, per recipient, what the delivery log knows: delivered, refused, uncertain or not sent."))
@click.option("--to", "to", metavar="NAME",
              help=_("Send one copy to NAME (a name of recipients.yaml, or an address) and no one else; "
                     "the others' delivery records are untouched."))
@click.option("--resend-uncertain", is_flag=True,
              help=_("Send again to those a broken-off send left uncertain (they may get two copies)."))
@click.pass_context
def send_(ctx, issue, dry_run, show_status, to, resend_uncertain):
    from . import send as sending

    root = _root(ctx)
    if show_status:
        with _reporting() as report:
            edition, rows = sending.status(root, issue, report)
        click.echo(f"{edition.name} {edition.period_label}")
        for r, state in rows:
            click.echo(sending.status_line(r, state))
        return EXIT_OK
    with _reporting() as report:
        outcome = sending.send(root, issue, report, dry_run=dry_run, to=to, resend_uncertain=resend_uncertain,
                               say=_say)
    for path in outcome.eml:
        click.echo(_("wrote {path}").format(path=display_path(path)))
    for line in sending.outcome_lines(outcome, dry_run):
        click.echo(line, err=True)
    return EXIT_OK if outcome.complete else EXIT_FAILED


@cli.command(name="list", help=_("The editions, one a line: period label, date, state (草稿 … 已印发), first article's title."))
@click.pass_context
def list_(ctx):
    from .commands.listing import editions

    root = _root(ctx)
    with _reporting() as report:
        rows, failed = editions(root, report)
    table = [(r.name, r.label, r.date, r.state) for r in rows]
    widths = [max((_width(t[i]) for t in table), default=0) for i in range(4)]
    for row, cells in zip(rows, table):
        padded = [cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(cells)]
        click.echo("  ".join(padded + [row.first_title]).rstrip())
    if failed:
        click.echo(_("{n} issue file(s) with errors are not listed; run 'bulletin check'").format(n=failed), err=True)
    return EXIT_OK


@cli.command(name="doctor", help=_(
    "Say what this machine lacks (fonts, HarfBuzz, Pango, Pagefind) and the state of every "
    "workaround bulletin installs in WeasyPrint."))
def doctor_():
    from . import doctor

    results = doctor.checks()
    for c in results:
        mark = _("ok") if c.ok else (_("MISSING") if c.required else "--")
        padding = " " * max(1, 8 - _width(mark))  # Chinese marks are two columns a character
        click.echo(mark + padding + _("{name}: {detail}").format(name=c.name, detail=c.detail))
        if c.fix:
            click.echo("        " + _("fix: {command}").format(command=c.fix))
    command = doctor.install_command(results)
    if command:
        click.echo("\n" + _("to install everything: {command}").format(command=command), err=True)
        return EXIT_FAILED
    click.echo("\n" + _("everything bulletin needs is installed"))
    return EXIT_OK


def _listed(items: list[str]) -> str:
    """a, b, c (in Chinese a、b、c)."""
    text = items[0] if items else ""
    for item in items[1:]:
        text = _("{items}, {item}").format(items=text, item=item)
    return text


def _say(message: str) -> None:
    click.echo(message, err=True)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


@cli.command(name="import", help=_(
    "Import Word or WPS contributions (.docx; .doc, .wps, .rtf, .odt with LibreOffice), one article each.\n\n"
    "Without --into, a new issue file is written with the next numbers.  Every part of a file that was "
    "left out or guessed is reported with its paragraph."))
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--into", "into", metavar="ID", help=_("Append to the issue of this edition (2018-02) instead of a new issue."))
@click.option("--source", metavar="UNIT", help=_("The contributing unit (来稿单位), kept on each article."))
@click.option("--author", metavar="NAME", help=_("The author, kept on each article."))
@click.pass_context
def import_(ctx, files, into, source, author):
    from .importer import import_files

    with _reporting() as report:
        result = import_files(_root(ctx), [Path(f) for f in files], into, source, author, report)
    if result.path is not None:
        click.echo(display_path(result.path))
        click.echo(_("imported {n} article(s) into {edition}").format(n=len(result.titles), edition=result.edition),
                   err=True)
    if result.path is None or report.errors:
        return EXIT_FAILED
    return EXIT_OK


@cli.command(help=_("Numbered copies (份号 000001, 000002, ...) of an edition in one PDF, with a register (CSV) "
                    "to fill in.\n\nBoth go to .bulletin/copies/, not to output/: numbered copies are for "
                    "paper distribution."))
@click.argument("issue")
@click.option("--count", type=click.IntRange(1, 999_999), required=True, help=_("How many copies to number."))
@click.option("--first", type=click.IntRange(1, 999_999), default=1, show_default=True,
              help=_("The number of the first copy."))
@click.pass_context
def copies(ctx, issue, count, first):
    from .copies import write_copies

    live = sys.stderr.isatty()

    def progress(done, total):  # one line rewritten on a terminal; none in a log
        if live:
            click.echo("\r" + _("copy {done} of {total}").format(done=done, total=total), err=True,
                       nl=done == total)

    with _reporting() as report:
        made = write_copies(_root(ctx), issue, count, report, first=first, progress=progress)
    if made is None:
        return EXIT_FAILED
    click.echo(_("wrote {path}").format(path=display_path(made.pdf)))
    click.echo(_("wrote {path}").format(path=display_path(made.register)))


@cli.command(name="approve", help=_("Record a 审核 or 签发 of an edition's current text, images and settings in "
                    "published/approvals.jsonl.\n\nA later change to any of them makes the approval stale: "
                    "'check' warns, and with 'approval: required' in bulletin.yaml 'publish' refuses."))
@click.argument("issue")
@click.option("--as", "step", required=True, metavar="审核|签发",
              help=_("The step: 审核 (reviewer) or 签发 (issuer)."))
@click.option("--by", "by", required=True, metavar="NAME", help=_("Who approves (printed in the footer)."))
@click.option("--note", default="", metavar="TEXT", help=_("A remark kept with the record."))
@click.pass_context
def approve_(ctx, issue, step, by, note):
    from .workflow import approve

    with _reporting() as report:
        result = approve(_root(ctx), issue, step, by, note, report)
    if result is None:
        return EXIT_FAILED
    edition, row = result
    click.echo(_("recorded: {step} of {name} ({label}) by {by} at {at}, in published/approvals.jsonl").format(
        step=row["step"], name=edition.name, label=edition.period_label, by=row["by"], at=row["at"]))


@cli.command(name="review", help=_("Write a review copy (送审稿) of an edition and what changed since the last one, in "
                    ".bulletin/review/.\n\nID.pdf is marked 送审稿 with the date and time on every page; "
                    "ID.diff.html shows the paragraphs changed since the last review copy (or the last "
                    "publication).  Nothing is written to output/."))
@click.argument("issue")
@click.pass_context
def review_(ctx, issue):
    from .review import review

    with _reporting() as report:
        copy = review(_root(ctx), issue, report)
    if copy is None:
        return EXIT_FAILED
    click.echo(_("wrote {path} ({pages} page(s))").format(path=display_path(copy.pdf), pages=copy.pages))
    click.echo(_("wrote {path}: {n} paragraph(s) changed; {basis}").format(
        path=display_path(copy.diff), n=copy.changed, basis=copy.basis))


@cli.command(name="stats", help=_("Contributions received and published per unit (信息报送及采用情况), with scores if bulletin.yaml "
                    "sets them.\n\nReceived: the articles with a {source=\"...\"} in any issue file, and imports "
                    "not (or no longer) in an issue; published: those in a published edition."))
@click.option("--year", type=click.IntRange(1900, 2999), help=_("Count only this year."))
@click.option("--month", type=click.IntRange(1, 12), help=_("Count only this month of --year."))
@click.option("--by", "by", type=click.Choice(["unit", "author"]), default="unit", show_default=True,
              help=_("A row per contributing unit, or per author."))
@click.option("--xlsx", "xlsx", type=click.Path(dir_okay=False, path_type=Path), help=_("Write the table to an Excel file."))
@click.option("--csv", "csv_file", type=click.Path(dir_okay=False, path_type=Path), help=_("Write the table to a CSV file."))
@click.pass_context
def stats_(ctx, year, month, by, xlsx, csv_file):
    from . import stats
    from .writer import atomic_write

    if month and not year:
        raise BulletinError(_("--month needs --year"), hint=_("for example: bulletin stats --year 2018 --month 3"))
    with _reporting() as report:
        table = stats.stats(_root(ctx), report, year, month, by)
    click.echo(table.title)
    click.echo(_("period: {period}").format(period=table.period))
    rows = [[str(c) for c in row] for row in table.body()]
    widths = [max(_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        click.echo("  ".join(c + " " * (widths[i] - _width(c)) if i < len(row) - 1 else c
                             for i, c in enumerate(row)).rstrip())
    for path, data in ((xlsx, stats.xlsx_bytes), (csv_file, stats.csv_bytes)):
        if path is not None:
            try:
                atomic_write(path, data(table))
            except OSError as exc:
                raise BulletinError(_("cannot write {path}: {why}").format(path=path, why=exc.strerror)) from None
            click.echo(_("wrote {path}").format(path=display_path(path)), err=True)


@cli.command(name="volume", help=_("Bind the year's published editions into one PDF/A (合订本): output/volumes/YEAR.pdf.\n\nA "
                    "cover, the year's contents with the volume's page numbers, every published edition as it "
                    "was issued, and an index of contributing units."))
@click.argument("year", type=click.IntRange(1900, 9999))
@click.option("--publish", "publish_it", is_flag=True,
              help=_("Also write it into published/volumes/ and record it in the manifest."))
@click.pass_context
def volume_(ctx, year, publish_it):
    from . import volume as volumes

    with _reporting() as report:
        result = volumes.make(_root(ctx), year, report, publish_it=publish_it)
    if result is None:
        return EXIT_FAILED
    for path in (result.path, result.published):
        if path is not None:
            click.echo(_("wrote {path}").format(path=display_path(path)))
    click.echo(_("bound {editions} edition(s) of {year}: {pages} pages").format(
        editions=len(result.parts), year=year, pages=result.pages), err=True)


@cli.command(name="archive", help=_("Write the archive package of YEAR (归档包) and check it; or check one with --check "
                    "DIR.\n\nEach published edition's PDF/A, source and metadata record (XML), a package "
                    "manifest with SHA-256 and SM3 digests, and the report of the self-check: authenticity, "
                    "integrity, usability, security.  Exit 1 when a check fails."))
@click.argument("year", required=False, type=click.IntRange(1900, 9999))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help=_("The package's folder (default: archive/YEAR in the workspace)."))
@click.option("--zip", "make_zip", is_flag=True, help=_("Also write the package as one .zip beside its folder."))
@click.option("--check", "check_dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help=_("Check an existing package instead of making one."))
@click.pass_context
def archive_(ctx, year, out, make_zip, check_dir):
    from . import archival, selfcheck

    if check_dir is not None:
        lines = selfcheck.check(check_dir)
    else:
        if year is None:
            raise click.UsageError(_("name the year to archive, e.g. 'bulletin archive 2018', or use --check DIR"))
        with _reporting() as report:
            result = archival.archive(_root(ctx), year, report, out=out, make_zip=make_zip)
        if result is None:
            return EXIT_FAILED
        package, lines = result
        for path in (package.folder, package.zip):
            if path is not None:
                click.echo(_("wrote {path}").format(path=display_path(path)))
    click.echo(selfcheck.text(lines), nl=False)
    if any(not line.ok for line in lines):
        return EXIT_FAILED


def main(argv: list[str] | None = None, obj: dict | None = None) -> int:
    """Run the command line `argv`; the exit status (see the table above).  The one place
    where every failure becomes a message."""
    from .argv import hoisted

    try:
        code = cli.main(args=hoisted(sys.argv[1:] if argv is None else argv), prog_name="bulletin",
                        standalone_mode=False, obj=obj)
        return code if isinstance(code, int) else EXIT_OK
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        if i18n.language() == "zh":  # Click joins its sentences with ". " and " " of its own
            said = exc.format_message()
            if isinstance(exc, click.MissingParameter):
                said = re.sub(r"\.(?=\s|$)", "。", said, count=1)
            exc.format_message = lambda: said.replace("。 ", "。")
        exc.show()
        return exc.exit_code
    except click.Abort:
        click.echo(_("aborted"), err=True)
        return EXIT_FAILED
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else EXIT_FAILED
    except BulletinError as exc:
        click.echo(exc.diagnostic.format(), err=True)
        return EXIT_FAILED
    except BrokenPipeError:  # e.g. 'bulletin list | head': the reader has gone
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        click.echo(_("interrupted; finished outputs are complete, the rest were not written"), err=True)
        return EXIT_INTERRUPTED
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        if is_refusal(exc):  # a full disk, a permission: the system's refusal, not a bug
            click.echo(os_error(exc).diagnostic.format(), err=True)
            return EXIT_FAILED
        if os.environ.get("BULLETIN_DEBUG"):
            raise
        click.echo(_("internal error: {error}").format(error=f"{type(exc).__name__}: {exc}") + "\n  " +
                   _("this is a bug in bulletin; run again with BULLETIN_DEBUG=1 and report what it prints"),
                   err=True)
        return EXIT_BUG
