"""The theme's static files (render/site.py STATIC): the search box's script is a file of
its own, copied into output/, and a workspace's templates/ may replace it."""
from conftest import REPO, copy_sample, run

THEME_JS = (REPO / "bulletin" / "themes" / "redhead" / "search.js").read_text(encoding="utf-8")


def test_the_search_script_is_a_file_beside_the_pages(sample):
    out = sample[0] / "output"
    assert (out / "search.js").read_text(encoding="utf-8") == THEME_JS
    page = (out / "index.html").read_text(encoding="utf-8")
    assert '<script src="search.js" defer></script>' in page
    assert "<script>" not in page  # no inline JavaScript left in the archive pages


def test_a_workspace_search_script_replaces_the_theme_one(tmp_path):
    root = copy_sample(tmp_path / "ws")
    run("build", cwd=root, check=True)
    mine = "/* this office's own search box */\n" + THEME_JS
    (root / "templates").mkdir()
    (root / "templates" / "search.js").write_text(mine, encoding="utf-8")
    run("build", cwd=root, check=True)  # a changed static file alone makes the archive again
    assert (root / "output" / "search.js").read_text(encoding="utf-8") == mine
    (root / "templates" / "search.js").unlink()
    run("build", cwd=root, check=True)
    assert (root / "output" / "search.js").read_text(encoding="utf-8") == THEME_JS
