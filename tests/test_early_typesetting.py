"""A build starts typesetting while it still reads the issues, whenever it can know that
editions are stale before reading them: here, when output/ was deleted but the plan and
the parse cache in .bulletin/ remain (commands/build.py `start_typesetters`)."""
import shutil

from conftest import Traced, run


def next_of(traced: Traced, names=("read", "job")):
    """The next event named in `names` (the build's others, `locked` and such, go by)."""
    while (event := traced.next()) is not None:
        if event[1] in names:
            return event
    raise AssertionError("the build ended first")


def test_after_output_is_deleted_typesetting_starts_while_the_issues_are_read(sample_ws, tmp_path):
    run("build", cwd=sample_ws, check=True)
    shutil.rmtree(sample_ws / "output")  # every issue is in the parse cache: nothing to parse
    traced = Traced(["build", "--jobs", "1"], sample_ws, tmp_path / "t.trace", stop="read")
    try:
        builder, name, _ = next_of(traced)
        assert name == "read"
        traced.resume(builder)
        pid, name, _ = next_of(traced)  # stopped after the second file: the first one's job is given
        assert (pid, name) == (builder, "read")
        # the build stays stopped here; the typesetter takes the first job all the same
        pid, name, _ = next_of(traced)
        assert name == "job" and pid != builder, (pid, name)
    finally:
        for pid, *_ in traced.events():
            traced.resume(pid)  # the one stopped at an event taken above
        out, err = traced.finish()
    assert traced.proc.returncode == 0, err
    assert len(list((sample_ws / "output").glob("*.pdf"))) == 4
