"""`ties report`: queries over a snapshot, charts and the HTML page (jinja2, autoescaped).

report.queries: the SQL (also the lists `ties reconnect`, `ties owed`, `ties follow-ups`
print); report.charts: matplotlib as inline SVG; report.lists: the tables; report.page:
``write_report`` and the page template under templates/. Reads warehouse only.
"""

__all__ = ["write_report"]


def __getattr__(name: str):
    # Lazily: `ties reconnect` and friends read report.queries, and must not pay for
    # matplotlib and jinja2 (report.page) to start.
    if name == "write_report":
        from report.page import write_report

        return write_report
    raise AttributeError(f"module 'report' has no attribute {name!r}")
