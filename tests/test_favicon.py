"""Every page has a favicon from the static files, and /favicon.ico no longer answers 404 (issue 20)."""

from django.contrib.staticfiles import finders
from django.test import Client


def test_favicon_ico_leads_to_the_static_icon(db):
    client = Client()
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"].endswith(".ico")
    with open(finders.find("favicon.ico"), "rb") as icon:
        assert icon.read(4) == b"\x00\x00\x01\x00"  # an ICO file, which every browser reads


def test_pages_name_their_icon(db):
    page = Client().get("/accounts/login/").content.decode()
    assert 'rel="icon"' in page and "favicon.svg" in page
