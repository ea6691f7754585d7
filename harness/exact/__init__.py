"""Exact Online: a faithful mock of its REST API and the httpx client a sync engine uses.

``app`` (the mock, ``ExactOnlineMock``) is built from ``auth``, ``limits``, ``query``/``odata``,
``records``/``validation``, ``render``, ``store`` and ``values``; tests drive it through ``control``
and fill it with ``factory``; ``inprocess`` and ``pytest_fixtures`` reach it through respx, ``serve``
serves it on loopback. ``client`` is ``ExactClient``; ``strategies`` holds hypothesis strategies
built from ``catalogue``.
"""
