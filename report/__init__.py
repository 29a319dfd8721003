"""`ties report`: queries over a snapshot, charts and the HTML page (jinja2, autoescaped).

report.queries: the SQL (also the lists `ties reconnect`, `ties owed`, `ties follow-ups`
print); report.charts: matplotlib as inline SVG; report.lists: the tables; report.page:
``write_report`` and the page template under templates/. Reads warehouse only.
"""

from report.page import write_report

__all__ = ["write_report"]
