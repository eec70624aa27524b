"""`bulletin build`: read -> plan -> typeset -> write, as a short pipeline of the stages.

A bad issue never stops the others: its problems are reported with the rest
at the end, and its edition is left out of output/ whole.  To keep the
typesetters busy from the start, an edition goes to them as soon as its
issue is read (series.read is a generator), before the series' checks; a
job those checks then reject is dropped, its result never written.  While
the typesetters work, this process writes the web pages and Pagefind
indexes them in a thread.
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .. import formats, plan, series as stage, trace, workspace
from ..errors import BulletinError, Location, Report, is_refusal, os_error
from ..i18n import _
from ..lock import workspace_lock
from ..model import Edition
from ..typeset.jobs import Job, Result
from ..typeset.pool import Pool, Worker, default_jobs
from ..writer import atomic_write
from .published import exclude_changed


@dataclass
class Options:
    jobs: int | None = None                   # typesetting processes (default: every core)
    force: bool = False                       # make every output again
    strict: bool = False                      # a file with warnings is not built
    progress: Callable | None = None          # progress(done, total, edition name) as each job ends
    on_wait: Callable = lambda message: None  # told when another build holds the lock


@dataclass
class Built:
    edition: Edition
    outputs: list[Path]
    pages: int


@dataclass
class BuildResult:
    built: list[Built] = field(default_factory=list)   # editions made this time
    up_to_date: int = 0                                 # editions whose outputs were current
    peak_rss: int = 0                                   # bytes, the largest typesetting process


def build(root: Path, selectors: tuple[str, ...], report: Report, options: Options = Options(),
          spare: Worker | None = None, pool: Pool | None = None) -> BuildResult:
    """Make what changed (everything, with `force`), then the web pages and the archive.

    `spare`: a typesetter forked already; `pool`: typesetters the caller keeps (serve).
    """
    with workspace_lock(workspace.state_dir(root), options.on_wait):
        run = _Build(root, selectors, report, options)
        try:
            return run.run(spare, pool)
        finally:
            run.close()


class _Build:
    def __init__(self, root: Path, selectors, report: Report, options: Options):
        self.root, self.selectors, self.report, self.options = root, selectors, report, options
        self.out, self.state = workspace.output_dir(root), workspace.state_dir(root)
        self.pool: Pool | None = None
        self.own_pool = False
        self.jobs: dict[str, Job] = {}          # edition name -> the job given to the typesetters
        self.failed: set[str] = set()           # editions that could not be made
        self.refused: set[str] = set()          # editions whose new files the system refused: the old stay
        self.claimed: dict[str, Edition] = {}   # edition name -> the one edition of that name built
        self.todo: set[tuple[str, str]] = set() # (name, key) of the jobs whose results are written
        self.result = BuildResult()
        self.said: set[str] = set()             # the typesetters' own warnings, reported once
        self.spare: Worker | None = None        # the typesetter forked first, until a pool takes it

    def run(self, spare: Worker | None, pool: Pool | None) -> BuildResult:
        from ..render import search

        self.prepare()
        self.indexer = search.SearchIndexer(self.out)
        self.start_typesetters(spare, pool)
        editions = self.read()                       # typesetting starts as each issue is read
        todo = self.schedule(editions)
        listed = self.pages_and_search(editions, rendering={j.name for j in todo})
        failed = self.collect(todo)
        self.archive(editions, failed, listed)
        return self.result

    def prepare(self) -> None:
        """The settings, the issue files' hashes, the templates' fingerprints, the last plan."""
        from ..render.theme import NOT_EDITIONS, environment

        clear_stale_parts(self.out)
        self.ws = stage.survey(self.root, self.report)
        pub = self.ws.publication
        self.env = environment(workspace.templates_dir(self.root), pub.theme)
        self.archive_look, self.look = plan.theme_fingerprints(
            [workspace.templates_dir(self.root), workspace.theme_dir(pub.theme)], apart=NOT_EDITIONS)
        self.plan = plan.load(self.state)
        self.formats = formats.typeset(pub.formats)
        self.inputs = plan.key(self.ws.context, self.look, *pub.formats)
        if self.plan.inputs != self.inputs:
            self.options.force = True  # settings, fonts or templates changed: every output is stale

    def start_typesetters(self, spare: Worker | None, pool: Pool | None) -> None:
        """Typesetters for the editions likely to need them, guessed before any parsing:
        every one when the settings changed, else the issue files not parsed before and the
        outputs gone from disk.  The first is `spare` if there is one."""
        self.spare = spare
        if pool is not None:
            self.pool = pool
            return
        if self.options.force or not self.plan.outputs:
            expected = len(self.ws.digests)
        else:  # an output deleted (output/ emptied) is as stale as an issue changed
            expected = sum(1 for p, d in self.ws.digests.items() if not self.ws.cache.has(p, d)) + self.missing()
        if expected and self.formats:
            self.pool, self.own_pool = Pool(min(self.options.jobs or default_jobs(), expected), spare), True
            self.spare = None

    def missing(self) -> int:
        """The typeset outputs the plan records whose files are gone."""
        return sum(1 for name, made in self.plan.outputs.items() for f in self.formats
                   if f in made and not (self.out / f"{name}{formats.get(f).suffix}").exists())

    def key(self, edition: Edition) -> str:
        from .. import approval

        issue = edition.issue
        return plan.edition_key(self.ws.context, self.look, self.ws.digests.get(issue.source, ""), issue.assets,
                                signed=approval.footer_names(self.root, edition))

    def stale(self, edition: Edition, key: str) -> tuple[str, ...]:
        """The typeset formats of `edition` that are out of date."""
        return tuple(f for f in self.formats if self.options.force or not self.plan.current(
            edition.name, f, plan.output_key(key, formats.get(f)), self.out / f"{edition.name}{formats.get(f).suffix}"))

    def job(self, edition: Edition) -> Job | None:
        """The job that brings `edition` up to date; None if it is.  Raises BulletinError
        when its print HTML cannot be made (a template error)."""
        from ..render import html

        key = self.key(edition)
        stale = self.stale(edition, key)
        if not stale:
            return None
        made = formats.order(stale)  # with what they need: an OFD out of date needs the PDF made again
        printed = html.render(edition, self.ws.publication, self.env, "print") \
            if any(formats.get(f).print_html for f in made) else ""
        return Job(edition, self.ws.publication, made, printed, self.out, key)

    def wanted(self, edition: Edition) -> bool:
        return not self.selectors or any(stage.matches(edition, s) for s in self.selectors)

    def read(self) -> list[Edition]:
        """Every issue read and checked; each out-of-date edition given to the typesetters
        as soon as it is read."""
        reads = []
        for item in stage.read(self.ws, self.report, self.options.strict):
            reads.append(item)
            trace.event("read", item.path.name)
            edition = item.edition
            if self.pool is not None and edition and edition.name not in self.jobs and self.wanted(edition):
                try:
                    job = self.job(edition)
                except BulletinError:
                    continue  # reported when the edition is chosen (below), once
                if job is not None:
                    self.jobs[edition.name] = job
                    self.pool.add([job])
        series = exclude_changed(stage.check(self.ws, reads, self.report), self.root, self.report)
        self.series = series
        return series.editions

    def schedule(self, editions: list[Edition]) -> list[Job]:
        """The jobs of the chosen editions that are out of date; the early ones the series'
        checks rejected are dropped."""
        todo: list[Job] = []
        claimed = self.claimed
        for edition in stage.select(self.series, self.selectors, self.report):
            if edition.name in claimed:
                self.report.error(_("{name} is built from {file} already; this issue was not built").format(
                    name=edition.name, file=claimed[edition.name].issue.source.name),
                    Location(edition.issue.source, edition.issue.lines.get("issue", 1), 1))
                continue
            claimed[edition.name] = edition
            early = self.jobs.get(edition.name)
            try:  # (of two files with one number, the other may have been read first)
                job = early if early is not None and early.edition.issue.source == edition.issue.source \
                    else self.job(edition)
            except BulletinError as exc:
                self.report.add(exc.diagnostic)
                self.failed.add(edition.name)
                continue
            if job is None:
                self.result.up_to_date += 1
                self._say(edition, self.plan.notes.get(edition.name, []))
            else:
                todo.append(job)
        wanted = {(j.name, j.key) for j in todo}
        if todo and self.pool is None:  # the guess missed (a PDF was deleted, say)
            self.pool, self.own_pool = Pool(min(self.options.jobs or default_jobs(), len(todo)), self.spare), True
        if self.pool is not None:
            self.pool.add([j for j in todo if self.jobs.get(j.name) is not j])
            # longest first, so that the last to finish is a short one and no process idles long at the end
            self.pool.keep(lambda j: (j.name, j.key) in wanted, order=lambda j: len(j.html))
        self.todo = wanted
        return todo

    def pages_and_search(self, editions: list[Edition], rendering: set[str]) -> list[Edition]:
        """While the typesetters work: the web pages of the editions that will be on disk,
        and the search index over them (in a thread)."""
        from ..render import site

        listed = self.listed(editions, set(), rendering)
        if "html" in self.ws.publication.formats:
            site.write_pages(self.ws.publication, listed, self.out, self.env, self.plan, self.key, self.report)
            self.indexer.update(listed, self.plan)
        return listed

    def listed(self, editions: list[Edition], failed: set[str], rendering: set[str] = frozenset()) -> list[Edition]:
        """The editions the archive lists: those whose typeset outputs are on disk (or being
        made), that did not fail, and of a duplicate number the one built."""
        def present(e: Edition) -> bool:
            return e.name in rendering or all((self.out / f"{e.name}{formats.get(f).suffix}").exists()
                                              for f in self.formats)
        return [e for e in editions if present(e) and e.name not in failed | self.failed
                and self.claimed.get(e.name, e) is e]

    def collect(self, todo: list[Job]) -> set[str]:
        """Write each result as it comes; returns the editions that failed."""
        failed: set[str] = set(self.failed)
        if self.pool is None:
            return failed
        done = 0
        for job, res in self.pool.results():
            if (job.name, job.key) not in self.todo:
                continue  # started early, then rejected by the series' checks: dropped
            done += 1
            if self.options.progress:
                self.options.progress(done, len(todo), job.name)
            if not self.write(job, res):
                failed.add(job.name)
        return failed

    def write(self, job: Job, res: Result) -> bool:
        self.result.peak_rss = max(self.result.peak_rss, res.peak_rss)
        for warning in res.warnings:
            if warning not in self.said:
                self.said.add(warning)
                self.report.warning(warning)
        if res.problem is not None:
            self.report.add(res.problem)
            return False
        notes = sorted({n for made in res.made.values() for n in made.notes})
        self._say(job.edition, notes)
        if "pdf" in res.made:  # the notes are the PDF's layout's: kept until it is typeset again
            self.plan.notes.pop(job.name, None)
            if notes:
                self.plan.notes[job.name] = notes
        try:
            written = self._write_files(job, res)
        except OSError as exc:  # a folder where the PDF goes, say: this edition fails, the others go on
            if not is_refusal(exc):
                raise
            self.report.add(os_error(exc).diagnostic)
            self.refused.add(job.name)
            return False
        if "html" in self.ws.publication.formats:
            written.append(self.out / job.edition.html_name)
        pages = next((m.pages for m in res.made.values() if m.pages), 0)
        self.result.built.append(Built(job.edition, written, pages))
        return True

    def _write_files(self, job: Job, res: Result) -> list[Path]:
        written = []
        for name, made in res.made.items():
            path = self.out / f"{job.name}{formats.get(name).suffix}"
            if made.data is not None:  # (the typesetter compared it with the file on disk; we hold the lock)
                atomic_write(path, made.data)
                trace.event("wrote", path.name)
                for rel, data in made.extra.items():
                    atomic_write(self.out / rel, data)
                    trace.event("wrote", rel)
            self.plan.record(job.name, name, plan.output_key(job.key, formats.get(name)))
            written.append(path)
        return written

    def _say(self, edition: Edition, notes: list[str]) -> None:
        for note in notes:
            self.report.warning(_(note), Location(edition.issue.source))

    def archive(self, editions: list[Edition], failed: set[str], listed: list[Edition]) -> None:
        """The archive pages over the editions on disk; pages and search made again without
        an edition that failed; the outputs of editions no longer listed removed whole."""
        from ..render import site

        final = self.listed(editions, failed)
        pub = self.ws.publication
        if "html" in pub.formats:
            if len(final) != len(listed):  # one failed: its neighbours now link past it
                site.write_pages(pub, final, self.out, self.env, self.plan, self.key, self.report)
            self.plan.archive = site.write_site(pub, final, self.out, self.env, self.report,
                                                context=plan.key(self.ws.context, self.archive_look),
                                                previous=self.plan.archive)
            trace.event("archive")
            self.indexer.update(final, self.plan)
            self.indexer.wait()
            self.indexer.record(self.plan, self.report)
        if not self.selectors:  # what is on disk is what is listed: a failed edition goes whole
            keep = {e.name for e in final}
            # a refused edition keeps its files of the last build, and the plan's word for them
            site.remove_editions(self.out, set(self.plan.outputs) - keep - self.refused)
            self.plan.forget(keep | self.refused)
            # a format taken out of bulletin.yaml's formats: its files go (the web page stays)
            dropped = set(formats.known()) - set(formats.order(pub.formats)) - {"html"}
            site.remove_formats(self.out, keep, dropped)
        self.plan.inputs = self.inputs
        self.result.built.sort(key=lambda b: (b.edition.issue.date, b.edition.name))

    def close(self) -> None:
        indexer = getattr(self, "indexer", None)
        if indexer is not None:
            indexer.close()
            indexer.record(self.plan, self.report)
        if isinstance(getattr(self, "plan", None), plan.Plan):
            plan.save(self.state, self.plan)  # what was finished stays finished, even if the build stops here
        if self.own_pool and self.pool is not None:
            self.pool.close()


def clear_stale_parts(out: Path) -> None:
    """Temporary files left by a build that was killed; we hold the lock, so none is live."""
    if not out.is_dir():
        return
    for part in out.rglob(".*.part"):
        part.unlink(missing_ok=True)
    for staging in out.glob(".*-staging"):
        shutil.rmtree(staging, ignore_errors=True)
