"""root/ beside site.toml: its files are published at the output's root, byte for byte, hidden ones
included, an editor's scratch files and a .git folder not."""

from __future__ import annotations

from pathlib import Path
from urllib.robotparser import RobotFileParser

import lxml.html
import pytest
from conftest import EXAMPLE_NOW, tree_bytes

from feeds.cache import BuildCache
from feeds.render import TOP_LEVEL
from feeds.root_files import _BUILD_WRITES, list_root, read_root

FAVICON = b"\x00\x00\x01\x00\x01\x00\x10\x10\x00\x00\x01\x00\x20\x00\xff\xfe\r\n\x80"  # not text: copied as it is
PUBLISHED = {
    "CNAME": b"newsroom.example.org\n",
    "_redirects": b"/press/2018/paris-call.html /news/forum-joins-paris-call/ 301\n",
    ".well-known/security.txt": b"Contact: mailto:security@example.org\r\nExpires: 2030-01-01T00:00:00Z\r\n",
    ".nojekyll": b"",
    "google1234abcd.html": b"google-site-verification: google1234abcd.html",
    "favicon.ico": FAVICON,
    "press/kit/Genève 2018.txt": "Genève\n".encode(),
}
SCRATCH = [".CNAME.swp", ".CNAME.swo", "#_redirects#", "_redirects~", ".DS_Store", "Thumbs.db", "desktop.ini",
           "._favicon.ico", ".well-known/.security.txt.swp", ".git/HEAD", ".git/objects/ab/cdef", "press/.DS_Store",
           ".gitignore", ".gitattributes", "press/kit/.gitkeep"]  # a repository's own files


def with_root(site: Path, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        path = site / "root" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def test_the_files_of_root_are_published_at_the_outputs_root_byte_for_byte(example_site: Path, feeds) -> None:
    with_root(example_site, PUBLISHED | dict.fromkeys(SCRATCH, b"scratch"))
    (example_site / "root/.#CNAME").symlink_to("someone@host.1234:1700000000")  # Emacs's lock: a dangling link
    result = feeds("build", "--site", example_site, "--now", EXAMPLE_NOW)
    assert result.code == 0, result.err
    output = tree_bytes(example_site / "public")
    assert {name: output.get(name) for name in PUBLISHED} == PUBLISHED
    assert not {name for name in output if name.partition("/")[0] not in TOP_LEVEL} - PUBLISHED.keys()
    assert not (example_site / "public/.git").exists() and not (example_site / "public/.#CNAME").exists()
    page = lxml.html.fromstring(output["news/forum-joins-paris-call/index.html"])  # the site is as without root/
    assert page.findtext(".//h1").startswith("World Economic Forum")


def test_a_linked_folder_of_root_is_published_or_reported(example_site: Path, feeds, tmp_path: Path) -> None:
    """A folder linked into root/ is walked as any other (once, however its links loop back), so its
    files are published, or reported when the link leads outside root/: none is left out without a word."""
    with_root(example_site, {".well-known/security.txt": PUBLISHED[".well-known/security.txt"]})
    (example_site / "root/security").symlink_to(".well-known")
    (example_site / "root/.well-known/up").symlink_to("..")  # a loop, walked once
    result = feeds("build", "--site", example_site, "--now", EXAMPLE_NOW)
    assert result.code == 0, result.err
    output = tree_bytes(example_site / "public")
    assert output["security/security.txt"] == output[".well-known/security.txt"] == PUBLISHED[".well-known/security.txt"]
    assert not any("/up/" in name for name in output)
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "notes.txt").write_text("not for the web\n")
    (example_site / "root/shared").symlink_to(shared)
    result = feeds("build", "--site", example_site, "--now", EXAMPLE_NOW)
    assert result.code == 1
    assert "root/shared: is a link leading outside root/ (hint: copy the folder into root/" in result.err
    (example_site / "root/shared").unlink()
    (example_site / "root/everything").symlink_to("/")  # not walked: the whole machine would be read
    result = feeds("build", "--site", example_site, "--now", EXAMPLE_NOW)
    assert result.code == 1
    assert [line for line in result.err.splitlines() if line.startswith("root/")] == [
        "root/everything: is a link leading outside root/ (hint: copy the folder into root/ instead of linking to it)"]


OWN_ROBOTS = b"User-agent: *\nDisallow: /archive/\n\nUser-agent: BadBot\nDisallow: /\n"
BASE, STAGING = "https://newsroom.example.org/", "https://staging.example.net/"


def crawler(robots: bytes) -> RobotFileParser:
    parser = RobotFileParser()
    parser.parse(robots.decode().splitlines())
    return parser


def test_the_site_s_own_robots_txt_replaces_the_build_s_but_on_staging(example_site: Path, feeds,
                                                                       tmp_path: Path) -> None:
    """root/robots.txt is published in place of the build's, as it is; but a staging build keeps its
    own, closed to crawlers: the site's, written for the site, would open the copy to them. Built in
    turn into one folder, with the cache, each is as a clean build of it."""
    with_root(example_site, {"robots.txt": OWN_ROBOTS})
    output = tmp_path / "public"
    for number, options in enumerate([(), ("--base-url", STAGING), ()]):
        result = feeds("build", "--site", example_site, "--output", output, "--now", EXAMPLE_NOW, *options)
        assert result.code == 0, result.err
        clean = tmp_path / f"clean-{number}"
        result = feeds("build", "--site", example_site, "--output", clean, "--now", EXAMPLE_NOW, "--no-cache", *options)
        assert result.code == 0, result.err
        assert tree_bytes(output) == tree_bytes(clean)
        robots = crawler(tree_bytes(output)["robots.txt"])
        if options:
            assert not robots.can_fetch("Googlebot", STAGING + "news/") and robots.site_maps() is None
        else:
            assert tree_bytes(output)["robots.txt"] == OWN_ROBOTS
            assert robots.can_fetch("Googlebot", BASE + "news/") and not robots.can_fetch("Googlebot", BASE + "archive/")
            assert not robots.can_fetch("BadBot", BASE)


def names(site: Path) -> list[tuple[str, bool]]:
    """The files of root/ by their paths in it, each with whether it is reached through a link."""
    return [(file.name, file.linked) for file in list_root(site).files]


def test_one_place_says_what_root_holds(example_site: Path) -> None:
    """The build (and its keys: see RootFiles) takes root/'s files from the look that the preview
    watches (list_root): one walk says what both are."""
    with_root(example_site, PUBLISHED | dict.fromkeys(SCRATCH, b"scratch"))
    assert names(example_site) == [(name, False) for name in sorted(PUBLISHED)]
    root = read_root(list_root(example_site), BuildCache.open(example_site, memory={}))
    assert [(file.name, file.size) for file in root.files] == sorted((name, len(data)) for name, data in PUBLISHED.items())
    assert names(example_site / "nowhere") == []


def test_the_walk_of_root_says_which_files_it_reached_through_a_link(example_site: Path, tmp_path: Path) -> None:
    """A file that is a link, or lies in a folder that is one (root/ itself included), is reached
    through a link: where it leads is looked up (RootFiles.problems), and the preview looks at it at
    every change, as the system tells of no change where a link leads. Any other file is neither."""
    with_root(example_site, {".well-known/security.txt": PUBLISHED[".well-known/security.txt"], "CNAME": b"x\n"})
    (example_site / "root/security").symlink_to(".well-known")
    (example_site / "root/.well-known/CNAME").symlink_to("../CNAME")
    assert names(example_site) == [(".well-known/CNAME", True), (".well-known/security.txt", False),
                                   ("CNAME", False), ("security/CNAME", True), ("security/security.txt", True)]
    (example_site / "root").rename(tmp_path / "kit")
    (example_site / "root").symlink_to(tmp_path / "kit", target_is_directory=True)
    assert all(linked for _, linked in names(example_site))
    root = read_root(list_root(example_site), BuildCache.open(example_site, memory={}))
    assert root.linked == {name for name, _ in names(example_site)} and not root.problems


def test_every_entry_the_build_makes_at_the_top_is_explained() -> None:
    assert _BUILD_WRITES.keys() == TOP_LEVEL


@pytest.mark.parametrize("cached", [True, False])
def test_a_file_taken_out_of_root_leaves_the_output_the_build_made(example_site: Path, feeds, cached: bool) -> None:
    """The output the last build made is the build's, with or without --no-cache: a CNAME taken out of
    root/ is removed from it, not taken for someone else's file that the build must not replace."""
    with_root(example_site, {"CNAME": b"newsroom.example.org\n"})
    assert feeds("build", "--site", example_site, "--now", EXAMPLE_NOW).code == 0
    (example_site / "root/CNAME").unlink()
    options = () if cached else ("--no-cache",)
    result = feeds("build", "--site", example_site, "--now", EXAMPLE_NOW, *options)
    assert result.code == 0, result.err
    assert not (example_site / "public/CNAME").exists()


@pytest.mark.parametrize("cached", [True, False])
def test_an_output_folder_holding_root_s_files_is_not_called_foreign(example_site: Path, feeds, tmp_path: Path,
                                                                     cached: bool) -> None:
    """A folder a site deploys from holds its CNAME: when root/ gives that CNAME, the folder is the
    build's, and the build replaces it; what root/ does not give is still another's."""
    deploy = tmp_path / "deploy"
    deploy.mkdir()
    (deploy / "CNAME").write_text("old.example.org\n")
    with_root(example_site, {"CNAME": b"newsroom.example.org\n"})
    options = () if cached else ("--no-cache",)
    result = feeds("build", "--site", example_site, "--output", deploy, "--now", EXAMPLE_NOW, *options)
    assert result.code == 0, result.err
    assert (deploy / "CNAME").read_bytes() == b"newsroom.example.org\n"
    other = tmp_path / "other"
    other.mkdir()
    (other / "CNAME").write_text("old.example.org\n")
    (other / "notes.txt").write_text("someone's\n")
    result = feeds("build", "--site", example_site, "--output", other, "--now", EXAMPLE_NOW, *options)
    assert result.code == 1
    assert f"{other}: holds notes.txt, which no build makes" in result.err
