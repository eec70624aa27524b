"""The flow: workspace -> issues -> series check -> editions -> output/.

A bad issue never stops the others: each edition is rendered in its own
try block and its problems are reported with the rest at the end.
"""
from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from . import fonts, labels, numbering, plan, workers, workspace
from .errors import BulletinError, Diagnostic, Location, Report
from .cache import ParseCache
from .lock import workspace_lock
from .model import REGULAR, Edition, Issue, Publication
from .writer import atomic_write, copy_if_changed, write_if_changed

# Parsing and templating (markdown-it, Jinja2; issuefile, publish and render.*
# below) are imported inside the functions that use them: a build forks its
# typesetting workers first, from a process that has not loaded them, and the
# workers import WeasyPrint while this process imports and parses.


@dataclass
class Series:
    publication: Publication
    issues: list[Issue]                 # the files that passed validation, in date order
    failed: list[Path] = field(default_factory=list)  # the files that did not
    digests: dict[Path, str] = field(default_factory=dict)  # SHA-256 of each issue file's bytes
    context: str = ""                   # what every edition depends on: settings, fonts, version

    def editions(self) -> list[Edition]:
        return [numbering.edition(i) for i in self.issues]


@dataclass
class Survey:
    """What a build reads before it parses anything: the settings, the issue files' hashes
    and the parse cache.  Made once; both the guess of what to typeset and the parsing use it."""

    publication: Publication
    context: str
    cache: ParseCache
    digests: dict[Path, str]


def survey(root: Path, report: Report) -> Survey:
    pub = workspace.load_publication(root, report)
    context = _context(root)
    return Survey(pub, context, ParseCache(workspace.output_dir(root), context),
                  {p: _digest(p, root) for p in workspace.issue_files(root)})


def load_series(root: Path, report: Report, reissuing: str | None = None, strict: bool = False,
                seen: Survey | None = None, on_issue=None) -> Series:
    """Read and check every issue of the workspace, and the numbering of the whole series.

    `reissuing`: the edition being published again, whose source may differ from the record.
    `strict`: a file with warnings counts as a file with errors.
    `seen`: the survey of the workspace, when the caller has made it already.
    `on_issue(issue)`: called with each issue that passed its own checks, as soon as it is
    read (the series' checks, which may still reject it, come after the last).
    """
    from . import issuefile, publish

    seen = seen or survey(root, report)
    pub, cache, digests = seen.publication, seen.cache, seen.digests
    issues, failed = [], []
    for path in digests:
        cached = cache.get(path, digests[path])
        if cached is None:
            own = Report()
            issue = issuefile.parse_issue(path, pub, own, coverage=fonts.coverage())
            if issue is not None:  # a file with errors is read again: its cure may lie elsewhere (an image)
                cache.put(path, digests[path], issue, own.items)
        else:
            issue, diagnostics = cached
            own = Report(list(diagnostics))
        if strict:
            own = Report([Diagnostic("error", d.message + " (--strict)", d.location, d.hint) if not d.is_error
                          else d for d in own.items])
            issue = None if own.errors else issue
        report.extend(own)
        (issues.append(issue) if issue else failed.append(path))
        if issue and on_issue:
            on_issue(issue)
    cache.save({str(p) for p in digests})
    numbering.check_series(issues, report, incomplete=bool(failed))
    changed = publish.check_unchanged(
        [i for i in issues if not (reissuing and _matches(i, reissuing))], root, report, digests)
    failed += [i.source for i in issues if i.source in changed]
    issues = [i for i in issues if i.source not in changed]
    issues.sort(key=lambda i: (i.date, i.kind != REGULAR, i.number))
    return Series(pub, issues, failed, digests, seen.context)


def _context(root: Path) -> str:
    """What every edition depends on besides its own file: bulletin.yaml and the fonts."""
    return hashlib.sha256((root / workspace.CONFIG).read_bytes()).hexdigest() + plan.fonts_fingerprint()


def _digest(path: Path, root: Path) -> str:
    """The SHA-256 of an issue file; "" for one that may not be read (a link out of the workspace)."""
    try:
        return hashlib.sha256(workspace.confined(path, root).read_bytes()).hexdigest()
    except (OSError, BulletinError):
        return ""


def _expected_renders(seen: Survey, out: Path, look: str, force: bool) -> int:
    """A cheap guess, before any parsing, of how many PDFs this build will typeset.

    Every one when the settings, fonts or templates changed; else the issue
    files that changed since they were last parsed.
    """
    if force or plan.load(out).get("_inputs") != plan.key(seen.context, look):
        return len(seen.digests)
    return sum(1 for p, digest in seen.digests.items() if not seen.cache.has(p, digest))


def select(series: Series, selectors: tuple[str, ...], root: Path, report: Report) -> list[Issue]:
    """The issues named on the command line: by edition name (2018-02) or by file."""
    if not selectors:
        return list(series.issues)
    chosen: list[Issue] = []
    for sel in selectors:
        as_path = Path(sel).resolve()
        matches = [i for i in series.issues if _matches(i, sel)]
        if matches:
            chosen.extend(m for m in matches if m not in chosen)
        elif any(sel in (p.stem, str(p)) or p == as_path for p in series.failed):
            pass  # its errors are already in the report
        else:
            names = ", ".join(numbering.edition(i).name for i in series.issues) or "none yet"
            report.error(f"no issue '{sel}' in this workspace", hint=f"issues: {names}")
    return chosen


def _matches(issue: Issue, selector: str) -> bool:
    """An issue named by its edition (2018-02), its file's stem or its path."""
    return selector in (numbering.edition(issue).name, issue.source.stem) or issue.source == Path(selector).resolve()


@dataclass
class Built:
    edition: Edition
    pdf: Path
    html: Path
    pages: int


@dataclass
class BuildResult:
    built: list[Built] = field(default_factory=list)   # PDFs rendered this time
    up_to_date: int = 0                                 # editions whose PDF was current
    peak_rss: int = 0                                   # bytes, the largest rendering process


def publish_edition(root: Path, selector: str, reissue: bool, report: Report,
                    on_wait=lambda message: None, sign: bool = False) -> tuple[Edition, dict] | None:
    """Publish one edition (see publish.py); None if it has errors."""
    from . import publish

    with workspace_lock(workspace.output_dir(root), on_wait):
        series = load_series(root, report, reissuing=selector if reissue else None)
        chosen = select(series, (selector,), root, report)
        if not chosen:
            if not report.errors:
                report.error(f"issue '{selector}' has errors; it cannot be published")
            return None
        if len(chosen) > 1:
            raise BulletinError(f"'{selector}' names {len(chosen)} issues; name one edition, e.g. 2018-02")
        edition = numbering.edition(chosen[0])
        return edition, publish.publish(root, edition, series.publication, reissue, report, sign=sign)


def build(root: Path, selectors: tuple[str, ...], report: Report, on_wait=lambda message: None,
          jobs: int | None = None, force: bool = False, progress=None, strict: bool = False,
          spare: workers.Worker | None = None) -> BuildResult:
    """Render what changed (or everything, with `force`), then the web pages and the archive.

    `jobs`: processes rendering PDFs (default: every core); `progress(done, total, name)`
    is called as each PDF is finished; `spare`: a typesetting process already started.
    """
    with workspace_lock(workspace.output_dir(root), on_wait):
        return _build(root, selectors, report, jobs or workers.default_jobs(), force, progress, strict, spare)


def _remove_stale_parts(out: Path) -> None:
    """Temporary files left by a build that was killed; we hold the lock, so none is live."""
    for part in out.rglob(".*.part"):
        part.unlink(missing_ok=True)
    for staging in out.glob(".*-staging"):
        shutil.rmtree(staging, ignore_errors=True)


def _build(root: Path, selectors: tuple[str, ...], report: Report, jobs: int, force: bool,
           progress, strict: bool = False, spare: workers.Worker | None = None) -> BuildResult:
    from .render import search

    out = workspace.output_dir(root)
    _remove_stale_parts(out)
    seen = survey(root, report)
    from .render.theme import NOT_EDITIONS
    # the archive pages are made from every template; the editions from all but the archive's
    archive_look, look = plan.theme_fingerprints(
        [workspace.templates_dir(root), workspace.theme_dir(seen.publication.theme)], apart=NOT_EDITIONS)
    expected = _expected_renders(seen, out, look, force)
    renderer = workers.Renderer(min(jobs, expected), spare) if expected else None
    indexer = search.SearchIndexer(out)
    try:
        return _build_with(root, selectors, report, jobs, force, progress, out, (archive_look, look), renderer,
                           strict, seen, None if renderer else spare, indexer)
    finally:
        indexer.close()
        if renderer is not None:
            renderer.close()


def _build_with(root, selectors, report, jobs, force, progress, out, looks, renderer, strict,
                seen, spare, indexer) -> BuildResult:
    from .render import site, theme

    archive_look, look = looks  # the fingerprints of every template, and of those editions use
    pub = seen.publication
    env = theme.environment(workspace.templates_dir(root), pub.theme)
    state = plan.load(out)
    early: dict[str, tuple[Path, workers.Job | BulletinError]] = {}  # name -> (source, job or why not)

    def key_of(issue: Issue) -> str:
        """What the edition's PDF is made from (see plan.py)."""
        return plan.key(seen.context, look, seen.digests.get(issue.source, ""), assets=issue.assets)

    def current(edition: Edition, key: str) -> bool:
        return not force and state.get(edition.name) == key and (out / edition.pdf_name).exists()

    def typeset_early(issue: Issue) -> None:
        """Start typesetting an issue as soon as it is parsed, before the rest of the series
        is read: the workers would otherwise wait for the whole parse.  The checks of the
        series may yet reject it; its result is then dropped, never written."""
        edition = numbering.edition(issue)
        if renderer is None or edition.name in early or (selectors and not any(_matches(issue, s) for s in selectors)):
            return
        if current(edition, key_of(issue)):
            return
        try:
            job = _job(edition, pub, env, out, root, issue)
        except BulletinError as exc:
            early[edition.name] = (issue.source, exc)
            return
        early[edition.name] = (issue.source, job)
        renderer.add([job])

    series = load_series(root, report, strict=strict, seen=seen, on_issue=typeset_early)
    chosen = select(series, selectors, root, report)
    result = BuildResult()
    failed: set[str] = set()
    claimed: dict[str, Issue] = {}
    keys = {i.source: key_of(i) for i in series.issues}
    todo: list[tuple[Edition, workers.Job, str]] = []
    fresh: list[workers.Job] = []  # of todo's jobs, those typeset_early did not start
    for issue in chosen:
        edition = numbering.edition(issue)
        if edition.name in claimed:
            report.error(f"{edition.name} is built from {claimed[edition.name].source.name} already; "
                         "this issue was not built", Location(issue.source, issue.lines.get("issue", 1), 1))
            continue
        claimed[edition.name] = issue
        key = keys[issue.source]
        if current(edition, key):
            result.up_to_date += 1
            continue
        source, job = early.get(edition.name, (None, None))
        try:
            if source != issue.source:  # (of two files with one number, the other was read first)
                job = _job(edition, pub, env, out, root, issue)
                fresh.append(job)
            elif isinstance(job, BulletinError):
                raise job
        except BulletinError as exc:
            report.add(exc.diagnostic)
            failed.add(edition.name)
            continue
        todo.append((edition, job, key))

    by_job = {id(j): (e, k) for e, j, k in todo}
    late = None
    if todo and renderer is None:
        renderer = late = workers.Renderer(min(jobs, len(todo)), spare)  # the guess missed (a PDF was deleted, say)
    if renderer is not None:
        # the jobs not started early; and of those that were, drop the ones the series' checks rejected
        renderer.add(fresh)
        # Longest first, so that the last to finish is a short one and no worker idles long at the end.
        renderer.keep(lambda j: id(j) in by_job, order=lambda j: len(j.html))
    # While the PDFs are typeset: the web pages of the editions that will be on disk, and
    # the search index over them (in a thread).
    expected = _on_disk(series, out, failed, claimed, rendering={e.name for e, _, _ in todo})
    _write_pages(series, expected, out, env, state, keys, report)
    _index_search(indexer, out, expected, state)
    results = renderer.results() if renderer is not None else iter(())
    done = 0
    try:
        for job, res in results:
            if id(job) not in by_job:
                continue  # started early, then rejected by the series' checks: dropped
            done += 1
            edition, key = by_job[id(job)]
            result.peak_rss = max(result.peak_rss, res.peak_rss)
            if progress:
                progress(done, len(todo), edition.name)
            if res.problem is not None:
                report.add(res.problem)
                failed.add(edition.name)
                continue
            for asset in edition.issue.assets:
                copy_if_changed(asset.source, out / edition.assets_dir / asset.name)
            if res.changed:  # (the worker compared it with the PDF on disk; we hold the lock)
                atomic_write(out / edition.pdf_name, res.data)
                atomic_write(out / site.THUMBS / f"{edition.name}.png", res.thumb)
            state[edition.name] = key
            result.built.append(Built(edition, out / edition.pdf_name, out / edition.html_name, res.pages))
        on_disk = _on_disk(series, out, failed, claimed)
        inputs = plan.key(series.context, look)
        # the archive pages, while the search index may still be in the making
        state["archive"] = site.write_site(pub, on_disk, out, env, report,
                                           context=plan.key(series.context, archive_look),
                                           previous=state.get("archive"))
        indexer.wait()
    finally:
        searchable = _record_search(indexer, state, report)
        plan.save(out, state)  # what was finished stays finished, even if the build stops here
        if late is not None:
            late.close()
    result.built.sort(key=lambda b: (b.edition.issue.date, b.edition.name))
    if len(on_disk) != len(expected):  # one failed: its neighbours now link past it, and search skips it
        _write_pages(series, on_disk, out, env, state, keys, report)
        if searchable:  # (a Pagefind that failed once is not run again)
            _index_search(indexer, out, on_disk, state)
            indexer.wait()
            _record_search(indexer, state, report)
    state["_inputs"] = inputs
    plan.save(out, state)
    return result


def _job(edition: Edition, pub: Publication, env, out: Path, root: Path, issue: Issue) -> workers.Job:
    """What a worker needs to typeset an edition: its print HTML and where things are."""
    from .render import html as html_render

    printed = html_render.render(edition, pub, env, "print")
    return workers.Job(edition.name, printed, out, root, issue.source, out / edition.pdf_name)


def _index_search(indexer, out: Path, editions: list[Edition], state: dict) -> None:
    """Start indexing for search the years whose edition pages changed: a year's index in
    place that was made from these very pages is kept."""
    from .render import search

    years = search.shards(editions)
    todo = {}
    for year, listed in years.items():
        key = search.search_key({e.name: state.get("page:" + e.name, "") for e in listed})
        if state.get("search:" + year) != key or not (search.bundle(out, year) / "pagefind.js").exists():
            todo[year] = ([e.name for e in listed], key)
    # the keys of years gone, and "search", the key of one index over all years (before there was one a year)
    for gone in [k for k in state if k.partition(":")[0] == "search" and k.removeprefix("search:") not in years]:
        del state[gone]
    if todo:
        indexer.start(todo, keep=set(years))
    else:
        search.prune(out, set(years))


def _record_search(indexer, state: dict, report: Report) -> bool:
    """Note the indexes made; False if Pagefind failed (reported)."""
    for year, key in list(indexer.made.items()):  # (a copy: the thread may still be adding)
        state["search:" + year] = key
    if indexer.problem is None:
        return True
    report.add(indexer.problem.diagnostic)
    return False


def _on_disk(series: Series, out: Path, failed: set[str], claimed: dict[str, Issue],
             rendering: set[str] = frozenset()) -> list[Edition]:
    """The editions the archive lists: those with a PDF (or, with `rendering`, whose PDF is
    being typeset), and of a duplicate number the one built."""
    return [e for e in series.editions()
            if (e.name in rendering or (out / e.pdf_name).exists()) and e.name not in failed
            and claimed.get(e.name, e.issue) is e.issue]


def _write_pages(series, on_disk, out, env, state, keys, report) -> None:
    """The web page of every edition on disk: rendered when it, or a neighbour it links to,
    changed."""
    from .render import html as html_render

    pub = series.publication
    words = labels.words(pub.language)
    for i, edition in enumerate(on_disk):
        previous = on_disk[i - 1] if i else None
        following = on_disk[i + 1] if i + 1 < len(on_disk) else None
        page_key = plan.key("page", keys[edition.issue.source],
                            *(f"{e.name}={e.period_label}" if e else "-" for e in (previous, following)))
        path = out / edition.html_name
        if state.get("page:" + edition.name) == page_key and path.exists():
            continue
        site_links = {
            "year_page": f"{edition.issue.year}.html",
            "year_label": words["year"].format(year=edition.issue.year),
            "previous": previous,
            "next": following,
        }
        try:
            page = html_render.render(edition, pub, env, "screen", site=site_links).encode("utf-8")
        except BulletinError as exc:
            report.add(exc.diagnostic)
            continue
        write_if_changed(path, page)
        state["page:" + edition.name] = page_key


