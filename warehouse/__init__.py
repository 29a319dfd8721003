"""The warehouse: table schemas, the atomic snapshot commit, the writer lock, readers and DuckDB
views."""
