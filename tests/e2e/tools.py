"""Helpers for testing as a person would: Debian's Chromium via Playwright, axe-core for WCAG, the
Nu HTML Checker (vnu.jar) for valid HTML, keyboard-only checks and screenshots.

The tools come from `scripts/ci-browser-setup` (apt: chromium, default-jre-headless; npm ci: axe-core,
vnu-jar). Without them the tests skip with the reason, except under CI=true, where they fail.
"""

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
AXE_JS = settings.BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
VNU_JAR = settings.BASE_DIR / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
ARTIFACTS = settings.BASE_DIR / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SETUP_HINT = "run scripts/ci-browser-setup"


def require(*tools: str) -> None:
    """Skip (or, under CI, fail) unless each named tool ("chromium", "java", "axe", "vnu") is installed."""
    available = {
        "chromium": CHROMIUM.exists(),
        "java": shutil.which("java") is not None,
        "axe": AXE_JS.exists(),
        "vnu": VNU_JAR.exists(),
    }
    missing = [tool for tool in tools if not available[tool]]
    if not missing:
        return
    reason = f"missing {', '.join(missing)}: {SETUP_HINT}"
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(f"CI must run the browser tests, but {reason}")
    pytest.skip(reason)


def launch_chromium(playwright):
    """Debian's Chromium; Playwright never downloads a browser of its own here."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def save_screenshot(page, name: str) -> Path:
    """Keep a picture of a journey's last page in test-artifacts/ for people to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{''.join(c if c.isalnum() or c in '-_' else '_' for c in name)}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe(page, context: str | None = None) -> dict:
    """Run axe-core in the page and fail on any WCAG 2.2 A/AA violation, or if the page scrolls sideways.

    The script is evaluated over the DevTools protocol, so the page's CSP stays fully enforced. axe does not check
    reflow (WCAG 1.4.10): on a phone-sized page nothing may stick out sideways, in either direction.
    """
    wide = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert wide[0] <= wide[1], f"{page.url} scrolls sideways: {wide[0]} px of content in {wide[1]} px"
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text())
    results = page.evaluate(
        "async ([context, tags]) => await axe.run(context || document, {runOnly: {type: 'tag', values: tags}})",
        [context, WCAG_TAGS],
    )
    problems = [
        f"{v['id']} ({v['impact']}): {v['help']}\n    "
        + "\n    ".join(f"{n['target']}: {n['failureSummary']}".replace("\n", " ") for n in v["nodes"][:5])
        for v in results["violations"]
    ]
    assert not problems, f"axe found WCAG violations on {page.url}:\n" + "\n".join(problems)
    return results


def html_errors(documents: dict[str, str]) -> dict[str, list[str]]:
    """Validate several HTML documents with one run of the Nu HTML Checker; errors per document name."""
    names = list(documents)
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for index, name in enumerate(names):
            path = Path(folder) / f"page-{index}.html"
            path.write_text(documents[name], encoding="utf-8")
            paths.append(str(path))
        result = subprocess.run(
            [shutil.which("java") or "java", "-jar", str(VNU_JAR), "--format", "json", "--errors-only", *paths],
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
    report = json.loads(result.stderr or result.stdout)
    errors: dict[str, list[str]] = {}
    for message in report["messages"]:
        file_name = message.get("url", "").rsplit("/", 1)[-1]
        name = names[int(file_name.removeprefix("page-").removesuffix(".html"))] if file_name else "?"
        extract = message.get("extract", "").strip()
        errors.setdefault(name, []).append(f"line {message.get('lastLine', '?')}: {message['message']} [{extract}]")
    return errors


# What the checker finds in Wagtail's own admin markup around our screens: its dropdowns (type on a div), its sidebar
# and side-panel buttons (a div in a button), its side panel's resize grip (a div in a label), its keyboard-shortcuts
# dialog (colspan on a tr), its message heading (role=alert on h2), its dates (microseconds) and its read-only field
# labels (for= no control). Wagtail's to fix, not ours: everything else on an admin screen must be valid.
WAGTAIL_OWN_MARKUP = (
    'Attribute “type” not allowed on element “div” at this point. [p-1">\n    <div\n    data-controller="w-dropdown"',
    "Attribute “type” not allowed on element “div” at this point. [li>",
    "Element “div” not allowed as child of element “button” in this context. (Suppressing further errors from this "
    'subtree.) [<div class="w-flex w-items-center w-gap-2">]',
    "Element “div” not allowed as child of element “button” in this context. (Suppressing further errors from this "
    "subtree.) [<div data-side-panel-toggle-counter",
    "Element “div” not allowed as child of element “label” in this context. (Suppressing further errors from this "
    'subtree.) [<div class="form-side__resize-grip-icon"></div>]',
    "Element “div” not allowed as child of element “button” in this context. (Suppressing further errors from this "
    'subtree.) [="button"><div class="avatar avatar-on-dark',
    "Element “div” not allowed as child of element “button” in this context. (Suppressing further errors from this "
    'subtree.) [zy"></div><div class="sidebar-footer__account-toggle">',
    "Attribute “colspan” not allowed on element “tr”",
    'Bad value “alert” for attribute “role” on element “h2”. [<h2 role="alert">]',
    "for attribute “datetime” on element “time”: A fraction of a second must be one, two, or three digits. [",
    'must be the ID of a non-hidden form control. [<label for="panel-child-',
)


def admin_html_errors(documents: dict[str, str]) -> dict[str, list[str]]:
    """``html_errors`` for admin screens, leaving out what is Wagtail's own markup (``WAGTAIL_OWN_MARKUP``)."""
    found = {
        name: [error for error in errors if not any(known in error for known in WAGTAIL_OWN_MARKUP)]
        for name, errors in html_errors(documents).items()
    }
    return {name: errors for name, errors in found.items() if errors}


FOCUS_STYLE = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const style = getComputedStyle(el);
    const visible = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0)
        || (style.boxShadow && style.boxShadow !== 'none');
    const box = el.getBoundingClientRect();
    return {tag: el.tagName.toLowerCase(), id: el.id, text: (el.innerText || el.value || '').trim().slice(0, 40),
            visible: visible, onScreen: box.width > 0 && box.height > 0 && box.right > 0 && box.bottom > 0};
}"""


def tab_until(page, selector: str, max_tabs: int = 60) -> list[dict]:
    """Press Tab until ``selector`` has focus; every stop on the way must show a visible focus indicator.

    Returns the focus stops, so a test can check their order.
    """
    stops = []
    target = page.locator(selector)
    for _press in range(max_tabs):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS_STYLE)
        assert focused is not None, f"focus left the page after {stops}"
        assert focused["visible"], f"no visible focus indicator on {focused}"
        assert focused["onScreen"], f"focused element is off screen: {focused}"
        stops.append(focused)
        if target.evaluate("el => el === document.activeElement"):
            return stops
    raise AssertionError(f"{selector} was not reached with {max_tabs} presses of Tab: {stops}")
