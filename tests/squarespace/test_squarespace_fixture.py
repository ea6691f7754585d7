"""The pytest fixtures, run from the outside through pytester as a project using them would."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]


def test_the_squarespace_mock_fixture_serves_an_empty_site_on_a_virtual_clock(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import httpx

        pytest_plugins = ["harness.squarespace.pytest_fixtures"]


        def test_site(squarespace_mock, squarespace_clock):
            assert squarespace_mock.clock is squarespace_clock
            product = squarespace_mock.control.create_product(name="Mug", sku="M-1")
            squarespace_clock.advance(60)
            with squarespace_mock.control.client() as client:
                assert [p["id"] for p in client.products()] == [product["id"]]


        def test_unmocked_hosts_are_refused(squarespace_mock):
            try:
                httpx.get("https://example.com/")
            except Exception as exc:
                assert "not mocked" in str(exc)
            else:
                raise AssertionError("a request to another host got through")
        """
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
