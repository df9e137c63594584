"""Shared fixtures: one Streamlit server and one headless Chromium per test module."""

import pytest

from tests.support.browser import browser, streamlit_server


@pytest.fixture(scope="module")
def server():
    """A Streamlit server on a free loopback port, serving the bundled data."""
    with streamlit_server() as base:
        yield base


@pytest.fixture(scope="module")
def chromium():
    """Debian Chromium driven by Playwright (pages come from tests.browser.new_page)."""
    with browser() as b:
        yield b
