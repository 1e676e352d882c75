"""Great Expectations' own Data Docs page views, with each template compiled once per process.

GX gives every page builder of every Data Docs build a Jinja environment of its own, and Jinja compiles
each template again in each of them. These views are GX's, with one bytecode cache for all their
environments: a process that renders the Data Docs of several runs (the warm process, the tests)
compiles each template once. The pages are the same. SuiteRunner names these classes in its site's
configuration, GX's way of choosing a view; importing this module imports Great Expectations."""

from __future__ import annotations

from great_expectations.render.view.view import DefaultJinjaIndexPageView, DefaultJinjaPageView
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket


class ProcessBytecodeCache(BytecodeCache):
    """Compiled templates kept in memory for the process, by template name and source checksum (Jinja's
    bucket key), so a changed template is compiled anew."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}  # one get or set at a time: safe across threads as it is

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()

    def __len__(self) -> int:
        return len(self._code)


BYTECODE = ProcessBytecodeCache()


class PageView(DefaultJinjaPageView):
    """GX's page view (validation results, expectation suites), sharing the process's compiled templates."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.env.bytecode_cache = BYTECODE


class IndexPageView(DefaultJinjaIndexPageView):
    """GX's index page view, sharing the process's compiled templates."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.env.bytecode_cache = BYTECODE
