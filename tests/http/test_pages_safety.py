"""Pages never let data become markup, never link with a raw IRI, and every link they make works."""

from __future__ import annotations

from collections import deque
from urllib.parse import urlsplit

from flask import Flask

from pjgj.web import pages

from .conftest import FlaskHttp, Http
from .test_pages import html_get, read

HOSTILE = "<script>alert('pwned')</script>"
HOSTILE_ALIAS = "<img src=x onerror=alert(1)>"
#: pages where the hostile labels appear: as the title, an object, an incoming subject, a search hit, a list item
WHERE_IT_SHOWS = [
    "/id/person/hostile",
    "/id/org/lashkar-e-taiba",
    "/id/event/2008-11-26-mumbai-attacks",
    "/id/report/s3-p1",
    "/search?q=script",
    "/search?q=img",
    "/browse/foaf:Person",
    "/concept/role-operative",
]


def test_hostile_labels_are_escaped_everywhere(http: Http) -> None:
    for path in WHERE_IT_SHOWS:
        reply = http.get(path, Accept="text/html")
        assert reply.status == 200, path
        assert HOSTILE not in reply.text and HOSTILE_ALIAS not in reply.text, path
        assert "</p><script>alert(2)" not in reply.text, path
        page = read(reply)
        assert HOSTILE in page.text or "onerror" in page.text, path  # shown, as text
        assert page.handlers == [], path
        assert all(s.attrs.get("src") or s.attrs.get("type") == "application/ld+json" for s in page.scripts), path


def test_hostile_text_in_the_search_box_and_error_messages_is_escaped(http: Http) -> None:
    reply = http.get("/search?q=%22%3E%3Cscript%3Ealert(3)%3C/script%3E", Accept="text/html")
    assert "<script>alert(3)" not in reply.text
    assert 'value="&#34;&gt;&lt;script&gt;alert(3)&lt;/script&gt;"' in reply.text


def test_render_functions_escape_their_arguments(app: Flask) -> None:
    with app.test_request_context("/"):
        assert "<b>" not in pages.render_error(400, "bad <b>input</b>")
        page = pages.render_not_found("https://w3id.org/pjgj/id/org/<x>", [("/id/org/x", "<i>X</i>")])
        assert "<i>X</i>" not in page and "&lt;i&gt;X&lt;/i&gt;" in page
        assert "<x>" not in page


def test_an_iri_that_would_break_a_query_is_not_rendered(app: Flask) -> None:
    with app.test_request_context("/"):
        assert pages.render_resource("https://w3id.org/pjgj/id/org/x> } <y") is None
        assert pages.render_resource("https://w3id.org/pjgj/id/org/nothing-here") is None


def test_links_never_show_raw_iris(http: Http) -> None:
    for path in ("/id/org/lashkar-e-taiba", "/id/claim/s1-hafiz-saeed-leads-let", "/id/report/s1-p2", "/concept/roles"):
        for link in html_get(http, path).links:
            href = link.attrs.get("href", "")
            text = " ".join(link.text.split())
            if href.startswith(("/id/", "/concept/", "/ontology#")):
                assert text and not text.startswith(("http://", "https://")), (path, href, text)
                assert "w3id.org" not in text, (path, href, text)


def test_every_link_from_the_home_page_works(app: Flask) -> None:
    """Crawl the site from / (pages, not downloads or queries): every local link answers, none with an error."""
    http = FlaskHttp(app)
    seen: set[str] = set()
    retired: set[str] = set()  # links marked as retired identifiers: 410 Gone is their right answer
    queue = deque(["/"])
    while queue and len(seen) < 400:
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        reply = http.get(path, Accept="text/html")
        assert reply.status in (200, 301) or (reply.status == 410 and path in retired), (path, reply.status)
        if reply.status != 200 or reply.media_type != "text/html":
            continue
        page = read(reply)
        retired |= {a.attrs["href"] for a in page.links if "retired" in a.attrs.get("class", "")}
        for href in page.hrefs():
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue
            if parts.path.startswith(("/sparql", "/dumps/", "/static/", "/.well-known", "/void", "/dcat")):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query and parts.path != "/query" else "")
            if target not in seen:
                queue.append(target)
    for prefix in ("/id/org/", "/id/person/", "/id/event/", "/id/claim/", "/id/report/", "/id/work/", "/concept/"):
        assert any(p.startswith(prefix) for p in seen), prefix
    for page in ("/browse/org:Organization", "/ontology", "/examples", "/query"):
        assert page in seen, page
    assert len(seen) > 60
