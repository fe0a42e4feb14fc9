"""The built site in a real headless Chromium, opened from file:// with no network.

Builds a copy of the repository (the real entries plus one hostile entry) once per session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kb import building

from conftest import REPO
from test_site import hostile_entry

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
COPIED = ["mkdocs.yml", "docs", "tools", "entries", "schema", "CONTRIBUTING.md"]


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("repo")
    for name in COPIED:
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, root / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(src, root / name)
    for generated in site_generated(root / "docs"):
        shutil.rmtree(generated) if generated.is_dir() else generated.unlink()
    (root / "entries" / "hostile.yaml").write_text(hostile_entry(), encoding="utf-8")
    result = building.build(root)
    assert result.entries > 1
    return result.site_dir


def site_generated(docs: Path):
    from kb.site import GENERATED

    return [docs / name for name in GENERATED if (docs / name).exists()]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Debian's chromium is needed: apt-get install -y chromium (.ci/run does it)"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                              args=["--disable-background-networking", "--disable-component-update",
                                    "--no-first-run", "--disable-sync"])
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.requests = []
    page.dialogs = []
    page.errors = []
    page.on("request", lambda r: page.requests.append(r.url))
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    yield page
    assert [u for u in page.requests if not u.startswith("file://")] == []
    assert page.dialogs == []
    assert page.errors == []
    context.close()


def test_home_loads_offline(page, built_site):
    page.goto((built_site / "index.html").as_uri())
    assert "Cooperation and assistance" in page.locator("h1").first.inner_text()
    assert page.locator(".kb-topsearch input").is_visible()


def test_search_finds_a_real_entry(page, built_site):
    page.goto((built_site / "search.html").as_uri())
    page.fill("#kb-q", "Kragujevac")
    page.wait_for_selector(".kb-result-title")
    titles = page.locator(".kb-result-title").all_inner_texts()
    assert any("Serbia and Montenegro" in t for t in titles), titles
    assert page.locator(".kb-snippet mark").count() >= 0


def test_search_from_a_nested_page_header(page, built_site):
    page.goto((built_site / "entries" / "country-coalition-concept.html").as_uri())
    page.fill(".kb-topsearch input", "Montenegro")
    page.press(".kb-topsearch input", "Enter")
    page.wait_for_selector(".kb-result-title")
    assert page.url.startswith((built_site / "search.html").as_uri())
    assert any("Montenegro" in t for t in page.locator(".kb-result-title").all_inner_texts())


def test_narrow_search_by_facet(page, built_site):
    page.goto((built_site / "search.html").as_uri() + "?q=clearance")
    page.wait_for_selector(".kb-result-title")
    before = page.locator(".kb-result").count()
    page.select_option("select[name=country]", "LAO")
    page.wait_for_function(f"document.querySelectorAll('.kb-result').length < {before}")
    hrefs = page.locator(".kb-result-title").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert hrefs and all(h.startswith("./entries/") for h in hrefs)
    ids = [h[len("./entries/"):-len(".html")] for h in hrefs]
    countries = page.evaluate("ids => ids.map(id => KB_SEARCH.meta.docs.find(d => d[0] === id)[4])", ids)
    assert all("LAO" in c for c in countries), countries
    assert int(page.locator("#kb-status").inner_text().split()[0]) == len(ids)


def test_filter_only_search_lists_entries(page, built_site):
    page.goto((built_site / "search.html").as_uri() + "?theme=victim-assistance")
    page.wait_for_selector(".kb-result-title")
    titles = page.locator(".kb-result-title").all_inner_texts()
    assert any("victim assistance" in t.lower() for t in titles), titles


def test_browse_to_an_entry(page, built_site):
    page.goto((built_site / "browse" / "index.html").as_uri())
    page.click("text=By theme")
    page.click("text=Stockpile destruction")
    page.locator(".kb-list a").first.click()
    assert "/entries/" in page.url
    assert page.locator("h2:has-text('Sources')").count() == 1
    assert page.locator(".kb-sources a.kb-source-link").count() >= 1


def test_hostile_entry_runs_nothing(page, built_site):
    page.goto((built_site / "entries" / "hostile.html").as_uri())
    page.wait_for_timeout(300)
    assert "<script>alert('x')</script>" in page.locator("h1").first.inner_text()
    hrefs = page.locator("a").evaluate_all("els => els.map(e => e.getAttribute('href') || '')")
    assert not [h for h in hrefs if h.strip().lower().startswith(("javascript:", "data:"))]
    assert page.locator("img[onerror], [onmouseover]").count() == 0
    page.goto((built_site / "search.html").as_uri() + "?q=script+alert")
    page.wait_for_selector(".kb-result-title")
    page.wait_for_timeout(200)


def test_needs_and_offers_pages(page, built_site):
    page.goto((built_site / "needs" / "index.html").as_uri())
    assert page.locator("h3").count() >= 3
    page.locator("a:has-text('all matches')").first.click()
    assert "/needs/for/need-" in page.url
    assert page.locator("h2:has-text('Offers that fit')").count() == 1
    assert "score" in page.locator(".kb-match-list").first.inner_text()
    page.locator(".kb-match-list a").first.click()
    assert "/entries/" in page.url
